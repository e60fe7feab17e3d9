// Runs the agent's systemd executor once inside a test machine: argv[2] is a ServiceCommand as
// JSON; prints {outcome, stdout, stderr} as JSON. Bundled with esbuild and run by the machine's copy
// of Node, so the executor talks to that machine's real systemd.
import pino from 'pino';
import { runService } from '../../../agent/commands/service';
import type { ServiceCommand } from '../../../shared/commands/codec';

const out = { stdout: '', stderr: '' };
void runService(JSON.parse(process.argv[2] ?? '{}') as ServiceCommand, {
  id: 'machine-test',
  signal: new AbortController().signal,
  dataDir: '/tmp',
  caPem: '',
  serverUrl: 'https://127.0.0.1:1',
  log: pino({ level: 'silent' }),
  output: {
    write: (s, d) => {
      out[s] += d.toString();
    },
  },
}).then((outcome) => process.stdout.write(JSON.stringify({ outcome, ...out }) + '\n'));
