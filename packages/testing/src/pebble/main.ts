/**
 * One Pebble-compatible server as a background process, for the simulator:
 *
 *   node dist/pebble/main.js --socket <path> --container <docker name> --image <image>
 *     [--mount <src>:<target>[:ro]]… [--label <k>=<v>]… [--pid-file <path>] [--log-file <path>]
 *     [--on-event <executable>] [--remove-container] [--docker-socket <path>]
 *
 * It runs until SIGTERM or SIGINT, then closes the socket and stops its services,
 * leaving the container (or removing it with --remove-container). Each event runs
 * `--on-event` (through execa) with the event as JSON in LUCKY_PEBBLE_EVENT:
 *   {"kind":"custom-notice","notice":{"id":"3","type":"custom","key":"example.com/x",…}}
 *   {"kind":"check-failed","check":{"name":"web-up"}}   (also "check-recovered")
 */
import { appendFileSync, writeFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { isLuckyError } from '@lucky/errors';
import { startPebbleServer, type PebbleServerEvent } from './server.js';

const HELP = `Usage: main.js --socket <path> --container <name> --image <image> [options]

Runs one Pebble-compatible server (Pebble's REST API on a Unix socket) acting on a
Docker container it creates from <image> (local images only), until SIGTERM.

Options:
  --socket <path>          Unix socket to serve the API on (required)
  --container <name>       Docker container to create and own (required)
  --image <image>          the workload's image (required; never pulled)
  --mount <src>:<target>[:ro]   bind mount, repeatable
  --label <key>=<value>    Docker label on the container, repeatable
  --pid-file <path>        write this process's pid there (removed on exit)
  --log-file <path>        append the server's log lines there (default: stderr)
  --on-event <executable>  run for each event, the event JSON in LUCKY_PEBBLE_EVENT
  --remove-container       remove the container on exit (default: leave it)
  --docker-socket <path>   Docker's socket (default: DOCKER_HOST or /var/run/docker.sock)

Example:
  node main.js --socket /tmp/u0/pebble.socket --container app-0-web --image lucky-test-busybox:1 \\
    --mount /tmp/u0/shared:/charm/container --label lucky.sim.unit=app/0 --on-event /tmp/u0/on-event
`;

/** The JSON the --on-event executable gets (checks as objects, so fields can be added). */
export function eventJson(event: PebbleServerEvent): string {
  if (event.kind === 'custom-notice') return JSON.stringify(event);
  return JSON.stringify({ kind: event.kind, check: { name: event.check } });
}

function parseMount(text: string): { source: string; target: string; readOnly: boolean } {
  const parts = text.split(':');
  const readOnly = parts.length === 3 && parts[2] === 'ro';
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && !readOnly) || !parts[0] || !parts[1]) {
    throw new Error(`--mount ${text}: expected <source>:<target> or <source>:<target>:ro`);
  }
  return { source: parts[0], target: parts[1], readOnly };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      socket: { type: 'string' },
      container: { type: 'string' },
      image: { type: 'string' },
      mount: { type: 'string', multiple: true },
      label: { type: 'string', multiple: true },
      'pid-file': { type: 'string' },
      'log-file': { type: 'string' },
      'on-event': { type: 'string' },
      'remove-container': { type: 'boolean' },
      'docker-socket': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.socket || !values.container || !values.image) {
    process.stderr.write(`--socket, --container and --image are required\n\n${HELP}`);
    return 2;
  }
  // Listen for the stop signal first: a SIGTERM during startup still closes cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  const logFile = values['log-file'];
  const log = (message: string) => {
    const line = `${new Date().toISOString()} pebble-server[${process.pid}] ${message}\n`;
    if (logFile) appendFileSync(logFile, line);
    else process.stderr.write(line);
  };
  const labels: Record<string, string> = {};
  for (const label of values.label ?? []) {
    const eq = label.indexOf('=');
    if (eq <= 0) throw new Error(`--label ${label}: expected <key>=<value>`);
    labels[label.slice(0, eq)] = label.slice(eq + 1);
  }
  const onEvent = values['on-event'];
  // Events run one at a time, in order, as the Juju agent handles them.
  let queue = Promise.resolve();
  const server = await startPebbleServer({
    socketPath: values.socket,
    containerName: values.container,
    image: values.image,
    mounts: (values.mount ?? []).map(parseMount),
    labels,
    ...(values['docker-socket'] !== undefined && { dockerSocketPath: values['docker-socket'] }),
    log,
    onEvent: (event) => {
      log(`event ${eventJson(event)}`);
      if (!onEvent) return;
      queue = queue.then(async () => {
        const result = await execa(onEvent, [], { env: { LUCKY_PEBBLE_EVENT: eventJson(event) }, reject: false, all: true, stdin: 'ignore' });
        const output = String(result.all ?? '').trim();
        if (output) log(`on-event output: ${output}`);
        if (result.failed) log(`on-event ${onEvent} failed: ${result.shortMessage}`);
      });
    },
  });
  const pidFile = values['pid-file'];
  if (pidFile) writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  log(`serving ${server.socketPath} for container ${values.container} (${server.containerId.slice(0, 12)}) from ${values.image}`);
  await stopRequested;
  log('stopping');
  await server.close({ removeContainer: values['remove-container'] ?? false });
  await queue.catch(() => undefined);
  if (pidFile) rmSync(pidFile, { force: true });
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`pebble-server: ${isLuckyError(error) ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exitCode = 1;
}
