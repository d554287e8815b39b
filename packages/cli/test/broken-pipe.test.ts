import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** The built CLI (run `tsc -b` and the bundle script first), as scripts run it. */
const LUCKY_BIN = fileURLToPath(new URL('../bin/lucky.cjs', import.meta.url));

const test = suite('cli: a reader that went away (EPIPE) ends lucky quietly');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What lucky wrote on the stream that stayed open. */
  readonly other: string;
}

/**
 * Runs lucky with `closed` (stdout or stderr) a pipe whose reading end is closed
 * before lucky writes anything, as when `head` has exited; collects the other stream.
 */
function runWithClosed(closed: 'stdout' | 'stderr', args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LUCKY_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child[closed].destroy();
    let other = '';
    const open = closed === 'stdout' ? child.stderr : child.stdout;
    open.setEncoding('utf8');
    open.on('data', (chunk: string) => (other += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, other }));
  });
}

test('stdout closed: exit 141 (as if killed by SIGPIPE), no stack trace, nothing on stderr', async () => {
  for (const args of [['random'], ['random', '-l', '4096'], ['--help'], ['--version']]) {
    const run = await runWithClosed('stdout', args);
    assert.is(run.signal, null, args.join(' '));
    assert.is(run.code, 141, `${args.join(' ')}: ${run.other}`);
    assert.is(run.other, '', args.join(' '));
  }
});

test('stderr closed while reporting an error: exit 141, nothing on stdout', async () => {
  for (const args of [['random', '-l', 'x'], ['no-such-command'], ['kv', 'get', 'x']]) {
    const run = await runWithClosed('stderr', args);
    assert.is(run.code, 141, `${args.join(' ')}: ${run.other}`);
    assert.is(run.other, '', args.join(' '));
  }
});

test('with both streams open nothing changes: output and exit codes as before', async () => {
  const child = spawn(process.execPath, [LUCKY_BIN, 'random', '-l', '3'], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.is(code, 0);
  assert.match(out, /^[a-zA-Z0-9]{3}\n$/);
});

test.run();
