// kk-coordinator's operator bundle (dist/kk-coordinator-ops.cjs): the commands that call a running
// coordinator, without the server, precheck, init and artifact code the full bundle carries.
import { runProgram } from './program';
import { OPS_TABLE } from './ops-table';

runProgram(OPS_TABLE);
