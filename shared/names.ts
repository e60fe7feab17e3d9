// Node names become file names, certificate subjects and NATS subject tokens: one strict rule
// (lower-case DNS-1123 labels joined by dots, as Kubernetes node names) keeps all three safe.
const NODE_NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function isValidNodeName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && NODE_NAME_RE.test(name);
}

export function nodeNameProblem(name: string): string | null {
  if (isValidNodeName(name)) return null;
  return `"${name.slice(0, 80)}" is not a valid node name: use lower-case letters, digits, "-" and "." (a DNS name, at most 253 characters)`;
}
