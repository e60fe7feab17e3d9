// The NATS subject scheme shared by the coordinator and the agents, and the per-node permissions
// that make NATS itself (not just command signatures) stop one node from commanding or
// impersonating another.
//
//   kk.cmd.<node>[.…]                  coordinator → node: commands (only the coordinator publishes)
//   kk.res.<node>.<commandId>.out      node → coordinator: output chunks of a running command
//   kk.res.<node>.<commandId>.result   node → coordinator: the final result
//   kk.res.<node>.…                    anything else a node reports; only <node> may publish here
//   kk.coord.>                         the coordinator's own subjects; no node may touch them
//   _INBOX.node.<node>.>               a node's private reply inbox (nats.js `inboxPrefix`)
//   _INBOX.coord.>                     the coordinator's reply inbox
//
// <node> is the node name encoded into ONE subject token. Node names are DNS-1123-like
// ([a-z0-9]([a-z0-9.-]*[a-z0-9])?, at most 253 characters) and NATS splits subjects on '.', so the
// encoding maps every '.' to '_' and leaves all other characters alone. '_' can never occur in a
// valid node name, so the mapping is a bijection: decoding maps '_' back to '.', and
// nodeFromToken(nodeToken(n)) === n for every valid n. Everything is validated before use;
// nothing outside the allowed alphabets ever reaches a subject (or the nats-server config, which
// is generated from nodePermissions()).
import { UserError } from './errors';

export const SUBJECT_ROOT = 'kk';
export const COMMAND_PREFIX = `${SUBJECT_ROOT}.cmd`;
export const RESULT_PREFIX = `${SUBJECT_ROOT}.res`;
export const COORD_PREFIX = `${SUBJECT_ROOT}.coord`;
/** Everything only the coordinator publishes and listens on. */
export const COORD_WILDCARD = `${COORD_PREFIX}.>`;
/** What the coordinator subscribes to in order to receive every node's results and output. */
export const ALL_RESULTS_WILDCARD = `${RESULT_PREFIX}.*.>`;
/** The coordinator's inbox prefix; pass as nats.js `inboxPrefix`. Disjoint from every node's. */
export const COORDINATOR_INBOX_PREFIX = '_INBOX.coord';
const NODE_INBOX_ROOT = '_INBOX.node';

const NODE_NAME_RE = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const NODE_TOKEN_RE = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;
const MAX_NODE_NAME = 253;
// Command ids and other caller-supplied tokens: one NATS token, no wildcards, no separators.
const TOKEN_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Subjects that give access to JetStream, KV, object store and the system account. */
export const RESERVED_SUBJECTS = ['$JS.>', '$KV.>', '$O.>', '$SYS.>', '$JSC.>', '$NRG.>'] as const;

export interface SubjectPermission {
  allow: string[];
  deny?: string[];
}

export interface NodePermissions {
  publish: SubjectPermission;
  subscribe: SubjectPermission;
  /**
   * Lets the node publish one reply to the reply subject of a message it received (a
   * coordinator request). Reply subjects are chosen by the coordinator, the only publisher the
   * node can hear, so this opens nothing the coordinator did not ask for.
   */
  allowResponses: { max: number; expiresMs: number };
}

export function isValidNodeName(name: string): boolean {
  return typeof name === 'string' && name.length <= MAX_NODE_NAME && NODE_NAME_RE.test(name);
}

export function assertNodeName(name: string): void {
  if (!isValidNodeName(name)) {
    throw new UserError(
      `invalid node name ${JSON.stringify(String(name).slice(0, 80))}: use lowercase letters, digits, '-' and '.', ` +
        `starting and ending with a letter or digit, at most ${MAX_NODE_NAME} characters`,
    );
  }
}

/** The node name as one NATS subject token ('.' → '_'). */
export function nodeToken(name: string): string {
  assertNodeName(name);
  return name.replaceAll('.', '_');
}

/** Inverse of nodeToken; throws on anything nodeToken could not have produced. */
export function nodeFromToken(token: string): string {
  if (token.length > MAX_NODE_NAME || !NODE_TOKEN_RE.test(token)) {
    throw new UserError(`invalid node token ${JSON.stringify(token.slice(0, 80))} in a NATS subject`);
  }
  const name = token.replaceAll('_', '.');
  assertNodeName(name);
  return name;
}

function assertToken(token: string, what: string): void {
  if (typeof token !== 'string' || !TOKEN_RE.test(token)) {
    throw new UserError(`invalid ${what} ${JSON.stringify(String(token).slice(0, 80))}: use 1–128 characters from A–Z a–z 0–9 '_' '-'`);
  }
}

export function isValidSubjectToken(token: string): boolean {
  return typeof token === 'string' && TOKEN_RE.test(token);
}

/** Commands to a node. */
export function commandSubject(node: string): string {
  return `${COMMAND_PREFIX}.${nodeToken(node)}`;
}

/** Results and output from a node: kk.res.<node>.<tokens…>, e.g. resultSubject(n, id, 'result'). */
export function resultSubject(node: string, ...tokens: string[]): string {
  if (tokens.length === 0) throw new UserError('resultSubject needs at least one token after the node');
  tokens.forEach((t) => assertToken(t, 'subject token'));
  return [RESULT_PREFIX, nodeToken(node), ...tokens].join('.');
}

export function commandOutputSubject(node: string, commandId: string): string {
  assertToken(commandId, 'command id');
  return resultSubject(node, commandId, 'out');
}

export function commandResultSubject(node: string, commandId: string): string {
  assertToken(commandId, 'command id');
  return resultSubject(node, commandId, 'result');
}

/** kk.res.<node>.> — every result subject of one node. */
export function nodeResultWildcard(node: string): string {
  return `${RESULT_PREFIX}.${nodeToken(node)}.>`;
}

/** A coordinator-only subject: kk.coord.<tokens…>. */
export function coordSubject(...tokens: string[]): string {
  if (tokens.length === 0) throw new UserError('coordSubject needs at least one token');
  tokens.forEach((t) => assertToken(t, 'subject token'));
  return [COORD_PREFIX, ...tokens].join('.');
}

/**
 * Which node sent a message on a result subject, and the tokens after the node. The coordinator
 * may trust `node`: NATS permissions let only that node publish under kk.res.<node>.
 * Returns undefined for anything that is not a well-formed result subject.
 */
export function parseResultSubject(subject: string): { node: string; tokens: string[] } | undefined {
  const parts = subject.split('.');
  if (parts.length < 4 || `${parts[0]}.${parts[1]}` !== RESULT_PREFIX) return undefined;
  const [, , token, ...rest] = parts;
  if (token === undefined || !NODE_TOKEN_RE.test(token) || !rest.every((t) => TOKEN_RE.test(t))) return undefined;
  const node = token.replaceAll('_', '.');
  return isValidNodeName(node) ? { node, tokens: rest } : undefined;
}

/** The node's private inbox prefix; the agent passes it as nats.js `inboxPrefix`. */
export function nodeInboxPrefix(node: string): string {
  return `${NODE_INBOX_ROOT}.${nodeToken(node)}`;
}

/**
 * What a node's NATS user may do: subscribe to its own commands and inbox, publish only its own
 * results. Deny entries repeat, as defence in depth, that JetStream/KV/system subjects and other
 * nodes' and the coordinator's subjects are out of reach even if an allow entry were widened.
 */
export function nodePermissions(node: string): NodePermissions {
  const tok = nodeToken(node);
  return {
    publish: {
      allow: [`${RESULT_PREFIX}.${tok}.>`],
      deny: [...RESERVED_SUBJECTS, `${COMMAND_PREFIX}.>`, COORD_WILDCARD],
    },
    subscribe: {
      allow: [`${COMMAND_PREFIX}.${tok}`, `${COMMAND_PREFIX}.${tok}.>`, `${NODE_INBOX_ROOT}.${tok}.>`],
      deny: [...RESERVED_SUBJECTS, COORD_WILDCARD, `${RESULT_PREFIX}.>`],
    },
    allowResponses: { max: 1, expiresMs: 2 * 60_000 },
  };
}
