// The line an operator pastes as root on a node: fetch bootstrap.sh with the coordinator's serving
// key pinned, then run it with the server URL and the join token (README, "Five minutes with kk").
//
// The script is fetched whole into a variable before anything runs, not piped into `sh`: a pipe's
// status is its last command's, so `curl … | sh` exits 0 when curl refused the key or the server
// (sh just read an empty script), and cloud-init or Ansible would count the node as joined. An
// assignment from a command substitution has curl's status, `&&` stops there, and a transfer cut
// off halfway runs nothing instead of half a script. Plain POSIX sh, for any /bin/sh.

/** Characters a POSIX shell (and zsh) reads literally in an unquoted word. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `s` as one shell word: as is when plain, else single-quoted (an IPv6 URL's brackets are a glob). */
function shellWord(s: string): string {
  return PLAIN_WORD.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The one-liner for the coordinator at `url` (https://host:port), serving key `pin` (curl's form). */
export function bootstrapOneLiner(url: string, pin: string, joinToken: string): string {
  const fetch = `curl -fsSL -k --pinnedpubkey '${pin}' ${shellWord(`${url}/bootstrap.sh`)}`;
  return `script=$(${fetch}) && sh -c "$script" bootstrap.sh --server ${shellWord(url)} --token ${shellWord(joinToken)}`;
}
