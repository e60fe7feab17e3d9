// kk-coordinator: the one binary an operator uses — `serve` runs the coordinator; every other
// command talks to a running one over its admin API (or, like `create config` and `precheck
// --facts`, works on files alone). The commands are in command-table.ts.
import { runProgram } from './program';
import { COMMANDS } from './command-table';

runProgram(COMMANDS);
