// What the phases need from the command path: send one typed command to one node and get its
// outcome — exactly CommandDispatcher.send (coordinator/commands/dispatcher.ts, signed commands
// over NATS). Phases depend only on this one method, so they can be planned, printed and
// unit-tested without a NATS server.
import type { CommandDispatcher } from '../commands/dispatcher';

export type { CommandSpec, CommandOutcome, SendOptions, OutputEvent, OutcomeStatus } from '../commands/dispatcher';
export type { ExecCommand, WriteFileCommand } from '../../shared/commands/codec';

export type HostExecutor = Pick<CommandDispatcher, 'send'>;
