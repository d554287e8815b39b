import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { THIN_PROTOCOL, thinEndpointFile, writeLuckyShim } from '@lucky/core';
import { LUCKY_BIN, processGone, removeDir, startTestDaemon, tempDir, waitFor, writeCharm, type TestDaemon } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
  daemon: TestDaemon;
  /** A `lucky` shim whose Node.js is a stand-in that records being started and exits 97. */
  noNode: string;
  /** Holds the stand-in, as `node`. */
  standInDir: string;
  nodeLog: string;
}

const test = suite<Ctx>("thin client: scripts' and dispatch's lucky calls answered by the unit's daemon");

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-thin-');
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'lucky.yaml': [
      'use-docker: false',
      'hooks:',
      '  greet:',
      '    - inline-host-script: echo "hello $CALLER_VAR from $JUJU_UNIT_NAME"; echo "a warning" >&2',
      '  fail:',
      '    - inline-host-script: echo "about to fail"; exit 3',
      '  hang:',
      `    - inline-host-script: echo $$ > "${join(ctx.dir, 'hang.pid')}"; exec sleep 300`,
      '',
    ].join('\n'),
  });
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
  ctx.nodeLog = join(ctx.dir, 'node-started');
  // Named `node` in a directory of its own, so a test can also put it first on PATH.
  ctx.standInDir = join(ctx.dir, 'stand-in');
  mkdirSync(ctx.standInDir);
  const standIn = join(ctx.standInDir, 'node');
  writeFileSync(standIn, `#!/bin/sh\necho "$*" >> '${ctx.nodeLog}'\nexit 97\n`);
  chmodSync(standIn, 0o755);
  writeLuckyShim(join(ctx.dir, 'no-node-bin'), standIn, LUCKY_BIN);
  ctx.noNode = join(ctx.dir, 'no-node-bin', 'lucky');
});

test.after(async (ctx) => {
  await ctx.daemon.stop();
  const hang = join(ctx.dir, 'hang.pid');
  if (existsSync(hang)) {
    try {
      process.kill(Number(readFileSync(hang, 'utf8')), 'SIGKILL');
    } catch {
      // Already gone: what the test wants.
    }
  }
  await removeDir(ctx.dir);
});

function env(ctx: Ctx, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...ctx.daemon.env, ...extra };
}

/** `lucky` as a script runs it, through the shim, without Node.js: a fallback shows as exit 97 and a line in nodeLog. */
function thin(ctx: Ctx, args: readonly string[], extra: Record<string, string> = {}) {
  return execa(ctx.noNode, args, { env: env(ctx, extra), extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false });
}

/** `lucky` as the Node.js CLI. */
function cli(ctx: Ctx, args: readonly string[], extra: Record<string, string> = {}) {
  return execa(process.execPath, [LUCKY_BIN, ...args], { env: env(ctx, extra), extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false });
}

function nodeStarts(ctx: Ctx): string[] {
  return existsSync(ctx.nodeLog) ? readFileSync(ctx.nodeLog, 'utf8').trim().split('\n') : [];
}

test('script commands answer exactly as the Node.js CLI does, without starting Node.js', async (ctx) => {
  rmSync(ctx.nodeLog, { force: true });
  const lines: string[][] = [
    ['kv', 'set', 'a=1', 'multi=line one\nline two\n', 'spaced=  x  ', 'unicode=héllo ✓', 'slash=back\\slash %s'],
    ['kv', 'get'],
    ['kv', 'get', 'multi'],
    ['kv', 'get', 'unicode', '--format', 'json'],
    ['kv', 'get', 'missing'],
    ['kv', 'delete', 'a'],
    ['kv', 'get', 'a'],
    ['kv', 'set', 'no-equals-sign'],
    ['kv', 'get', '--format', 'yaml'],
  ];
  for (const line of lines) {
    const viaThin = await thin(ctx, line);
    const viaNode = await cli(ctx, line);
    const what = `lucky ${line.join(' ')}`;
    assert.is(viaThin.stdout, viaNode.stdout, `${what}: stdout`);
    assert.is(viaThin.stderr, viaNode.stderr, `${what}: stderr`);
    assert.is(viaThin.exitCode, viaNode.exitCode, `${what}: exit code`);
  }
  assert.equal(nodeStarts(ctx), [], 'no call fell back on Node.js');
  // The values went through untouched.
  assert.is((await thin(ctx, ['kv', 'get', 'multi'])).stdout, 'line one\nline two\n\n');
  assert.is((await thin(ctx, ['kv', 'get', 'slash'])).stdout, 'back\\slash %s\n');
  assert.is((await thin(ctx, ['kv', 'get', 'nothing-here'])).exitCode, 0);
});

test('large output arrives whole and byte for byte', async (ctx) => {
  rmSync(ctx.nodeLog, { force: true });
  const big = Array.from({ length: 6000 }, (_, i) => `line ${i} ✓`).join('\n');
  assert.is((await thin(ctx, ['kv', 'set', `big=${big}`])).exitCode, 0);
  const got = await thin(ctx, ['kv', 'get', 'big']);
  assert.is(got.exitCode, 0, got.stderr);
  assert.ok(got.stdout.length > 60_000);
  assert.is(got.stdout, `${big}\n`);
  assert.equal(nodeStarts(ctx), []);
});

test('what the daemon does not take runs on the Node.js CLI, having done nothing', async (ctx) => {
  const cases: [string, readonly string[], Record<string, string>][] = [
    ['a command the fast path leaves to the CLI', ['daemon', 'status'], {}],
    ['--help', ['kv', 'get', '--help'], {}],
    ['a line the fast parser does not take (the CLI says why)', ['kv', 'get', '--bogus'], {}],
    ['too many arguments', ['kv', 'get', 'x', 'y', 'z'], {}],
    ['LUCKY_THIN_CLIENT=0', ['kv', 'get', 'unicode'], { LUCKY_THIN_CLIENT: '0' }],
    ['no daemon for the socket', ['kv', 'get', 'unicode'], { LUCKY_DAEMON_SOCKET: join(ctx.dir, 'nowhere', 'daemon.sock') }],
  ];
  for (const [what, args, extra] of cases) {
    rmSync(ctx.nodeLog, { force: true });
    const result = await thin(ctx, args, extra);
    assert.is(result.exitCode, 97, `${what}: ${result.stderr}`);
    assert.is(result.stdout, '', what);
    assert.is(result.stderr, '', what);
    assert.equal(nodeStarts(ctx), [`${LUCKY_BIN} ${args.join(' ')}`], what);
  }
});

test('a stale endpoint file sends nothing to whatever now holds its port', async (ctx) => {
  const socket = join(ctx.dir, 'stale', 'daemon.sock');
  const received: Buffer[] = [];
  const stranger: Server = createServer((connection) => {
    connection.on('data', (data: Buffer) => received.push(data));
    connection.write(`${THIN_PROTOCOL} not-the-daemons-token\0`);
  });
  await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  const port = (stranger.address() as { port: number }).port;
  mkdirSync(join(ctx.dir, 'stale'));
  writeFileSync(thinEndpointFile(socket), `${port} client-secret server-secret\n`, { mode: 0o600 });
  rmSync(ctx.nodeLog, { force: true });
  const result = await thin(ctx, ['kv', 'set', 'password=hunter2'], { LUCKY_DAEMON_SOCKET: socket });
  await new Promise<void>((resolve) => stranger.close(() => resolve()));
  assert.is(result.exitCode, 97, result.stderr);
  assert.is(Buffer.concat(received).length, 0, 'the stranger got nothing');
  assert.is(nodeStarts(ctx).length, 1);
  // Nobody on the port at all: the same, and no connection error on stderr.
  rmSync(ctx.nodeLog, { force: true });
  const closed = await thin(ctx, ['kv', 'get', 'a'], { LUCKY_DAEMON_SOCKET: socket });
  assert.is(closed.exitCode, 97);
  assert.is(closed.stderr, '');
});

test('a daemon that resets the connection mid-call gives one clear line, never a signal or a second run', async (ctx) => {
  const socket = join(ctx.dir, 'resetting', 'daemon.sock');
  mkdirSync(join(ctx.dir, 'resetting'));
  const resets: ReadonlyArray<readonly [string, (connection: Socket) => void]> = [
    ['right after its greeting', (connection) => connection.resetAndDestroy()],
    ['after the request', (connection) => connection.once('data', () => connection.resetAndDestroy())],
  ];
  for (const [when, reset] of resets) {
    const daemon: Server = createServer((connection) => connection.write(`${THIN_PROTOCOL} server-secret\0`, () => reset(connection)));
    await new Promise<void>((resolve) => daemon.listen(0, '127.0.0.1', resolve));
    writeFileSync(thinEndpointFile(socket), `${(daemon.address() as { port: number }).port} client-secret server-secret\n`, { mode: 0o600 });
    rmSync(ctx.nodeLog, { force: true });
    const result = await thin(ctx, ['kv', 'set', 'a=b'], { LUCKY_DAEMON_SOCKET: socket });
    await new Promise<void>((resolve) => daemon.close(() => resolve()));
    assert.is(result.exitCode, 1, `${when}: ${result.stderr}`);
    assert.is(result.stdout, '', when);
    assert.match(result.stderr, /^Error: The Lucky daemon at \S+ closed the connection before answering; check its log [^\n]*\n$/, when);
    assert.equal(nodeStarts(ctx), [], `${when}: the command may have run, so the CLI does not run it again`);
  }
});

test('a connection without the token is refused and the daemon serves on', async (ctx) => {
  const [port] = readFileSync(thinEndpointFile(ctx.daemon.socketPath), 'utf8').trim().split(' ');
  const answer = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const connection = connect(Number(port), '127.0.0.1', () => connection.write(`guessed-token\0${process.pid}\0${2}\0kv\0get\0`));
    connection.on('data', (data: Buffer) => chunks.push(data));
    connection.on('close', () => resolve(Buffer.concat(chunks).toString()));
    connection.on('error', reject);
  });
  assert.ok(answer.startsWith(THIN_PROTOCOL), answer);
  assert.not.match(answer, /unicode|héllo|x0/, 'nothing but the greeting');
  const after = await thin(ctx, ['kv', 'get', 'unicode']);
  assert.is(after.exitCode, 0);
  assert.is(after.stdout, 'héllo ✓\n');
});

test("dispatch runs the hook with the caller's environment and streams its output", async (ctx) => {
  rmSync(ctx.nodeLog, { force: true });
  const extra = { JUJU_CHARM_DIR: ctx.charm, CALLER_VAR: 'from the caller' };
  const greet = await thin(ctx, ['dispatch', 'greet'], extra);
  assert.is(greet.exitCode, 0, greet.stderr);
  assert.is(greet.stdout, `hello from the caller from ${ctx.daemon.unit}\n`);
  assert.match(greet.stderr, 'a warning\n');
  const failThin = await thin(ctx, ['dispatch', 'fail'], extra);
  const failNode = await cli(ctx, ['dispatch', 'fail'], extra);
  assert.is(failThin.exitCode, 1);
  assert.is(failThin.exitCode, failNode.exitCode);
  assert.is(failThin.stdout, 'about to fail\n');
  assert.is(failThin.stderr, failNode.stderr);
  assert.equal(nodeStarts(ctx), []);
});

test('a thin dispatch killed mid-hook ends the hook, as the Node.js CLI does', async (ctx) => {
  const pidFile = join(ctx.dir, 'hang.pid');
  rmSync(pidFile, { force: true });
  const hung = thin(ctx, ['dispatch', 'hang'], { JUJU_CHARM_DIR: ctx.charm });
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 'the hang hook to start', 30_000);
  const script = Number(readFileSync(pidFile, 'utf8'));
  hung.kill('SIGKILL');
  await hung;
  await waitFor(() => processGone(script), "the hook's process to end", 30_000);
  const next = await thin(ctx, ['dispatch', 'greet'], { JUJU_CHARM_DIR: ctx.charm, CALLER_VAR: 'again' });
  assert.is(next.exitCode, 0, next.stderr);
  assert.match(next.stdout, 'hello again');
});

test("a built charm's launcher and its daemon's shim use the thin client too", async (ctx) => {
  const out = join(ctx.dir, 'built');
  writeFileSync(join(ctx.charm, 'metadata.yaml'), 'name: thin\nsummary: thin client\ndescription: thin client\n');
  const build = await cli(ctx, ['charm', 'build', ctx.charm, '-o', out, '--runtime', 'system']);
  assert.is(build.exitCode, 0, build.stderr);
  const built = join(out, 'thin');
  const launcher = join(built, 'lucky', 'bin', 'lucky');
  assert.ok(existsSync(join(built, 'lucky', 'bin', 'lucky-thin.bash')));
  const unitDir = join(ctx.dir, 'built-unit');
  const unit = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    JUJU_UNIT_NAME: 'thin/0',
    LUCKY_DAEMON_SOCKET: join(unitDir, 'run', 'daemon.sock'),
    LUCKY_DATA_DIR: join(unitDir, 'data'),
  };
  const run = (args: readonly string[], extra: Record<string, string> = {}) =>
    execa(launcher, args, { env: { ...unit, ...extra }, extendEnv: false, reject: false, stdin: 'ignore' });
  const started = await run(['daemon', 'start', '--charm-dir', built]);
  assert.is(started.exitCode, 0, started.stderr);
  try {
    // The launcher finds Node.js on PATH (--runtime system): the stand-in first on PATH shows any fallback.
    rmSync(ctx.nodeLog, { force: true });
    const path = { PATH: `${ctx.standInDir}:${unit.PATH}` };
    assert.is((await run(['kv', 'set', 'built=yes'], path)).exitCode, 0);
    const got = await run(['kv', 'get', 'built'], path);
    assert.is(got.stdout, 'yes');
    assert.equal(nodeStarts(ctx), []);
    // The shim the daemon writes for scripts runs the charm's own thin client.
    const shim = readFileSync(join(unit.LUCKY_DATA_DIR, 'bin', 'lucky'), 'utf8');
    assert.match(shim, join(built, 'lucky', 'bin', 'lucky-thin.bash'));
  } finally {
    await run(['daemon', 'stop', '--ignore-already-stopped']);
  }
});

test('the endpoint file goes with the daemon, and calls then take the Node.js CLI', async (ctx) => {
  const file = thinEndpointFile(ctx.daemon.socketPath);
  assert.ok(existsSync(file));
  assert.is(readFileSync(file, 'utf8').split(' ').length, 3);
  await ctx.daemon.stop();
  assert.not.ok(existsSync(file), 'removed on stop');
  rmSync(ctx.nodeLog, { force: true });
  const result = await thin(ctx, ['kv', 'get', 'unicode']);
  assert.is(result.exitCode, 97);
  assert.is(nodeStarts(ctx).length, 1);
});

test.run();
