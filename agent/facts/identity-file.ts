// The one-line files that identify a node (hostname, machine-id, product_uuid): values that must
// differ between nodes — cloned VMs share machine-id and often product_uuid.
import { ProbeFailure } from './probe';

/** A one-line identity file's value; an empty file is a failure, not an identity. */
export function parseIdentityFile(text: string, file: string): string {
  const value = text.trim();
  if (value === '' || value.includes('\n')) throw new ProbeFailure(`${file} is ${value === '' ? 'empty' : 'not a single line'}`);
  return value;
}
