// The reliability suite: what an attacker inside a container and a bad day on the
// machine do to a unit, each against a real daemon. Every case prints its figures
// (trials, lost writes, stuck hooks, leaked processes, times); no figure is asserted
// against a clock.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { DaemonClient, ErrorCode, isLuckyError } from '@lucky/core';
import { LUCKY_BIN, lucky, processGone, removeDir, startTestDaemon, tempDir, waitFor, writeCharm, type TestDaemon } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
  daemon: TestDaemon;
}

const test = suite<Ctx>('reliability: hooks own their processes, sockets and state survive a bad day');

/** A pid file a script writes, so the test can see whether its processes were ended. */
const pidFile = (ctx: Ctx, name: string): string => join(ctx.dir, `${name}.pid`);

const LUCKY_YAML = (dir: string) => `
use-docker: false
hook-timeout: 2
hooks:
  hang:
    # A script whose background child keeps the script's output open, then hangs itself.
    - inline-host-script: |
        sleep 600 & echo $! > ${dir}/hang-child.tmp && mv ${dir}/hang-child.tmp ${dir}/hang-child.pid
        echo $$ > ${dir}/hang.tmp && mv ${dir}/hang.tmp ${dir}/hang.pid
        echo started
        sleep 600
  background:
    # Succeeds at once, leaving a child that holds its stdout: the hook must not wait for it.
    - inline-host-script: |
        sleep 600 & echo $! > ${dir}/background-child.tmp && mv ${dir}/background-child.tmp ${dir}/background-child.pid
        echo done
  fail-fast:
    - inline-host-script: sleep 600 & echo $! > ${dir}/async-sibling.tmp && mv ${dir}/async-sibling.tmp ${dir}/async-sibling.pid; wait
      async: true
    # Fails once its sibling runs (within hook-timeout), so there is a sibling to end.
    - inline-host-script: while [ ! -e ${dir}/async-sibling.pid ]; do sleep 0.05; done; exit 3
  quick:
    - inline-host-script: echo quick
  write-after:
    - inline-host-script: |
        echo $$ > ${dir}/writer.tmp && mv ${dir}/writer.tmp ${dir}/writer.pid
        # Writes only once the test has killed the hook's client: a script that outlived it would write late.
        while [ ! -e ${dir}/write-now ]; do sleep 0.05; done
        lucky kv set late=written
`;

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-rel-');
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), { 'lucky.yaml': LUCKY_YAML(ctx.dir) });
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
});

test.after(async (ctx) => {
  await ctx.daemon.stop();
  for (const name of ['hang-child', 'hang', 'background-child', 'async-sibling', 'writer']) {
    const file = pidFile(ctx, name);
    if (existsSync(file)) {
      try {
        process.kill(Number(readFileSync(file, 'utf8')), 'SIGKILL');
      } catch {
        // Already gone: what the tests want.
      }
    }
  }
  await removeDir(ctx.dir);
});

function dispatch(ctx: Ctx, hook: string, extra: Record<string, string> = {}) {
  return execa(process.execPath, [LUCKY_BIN, 'dispatch', hook], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...ctx.daemon.env, JUJU_CHARM_DIR: ctx.charm, JUJU_CONTEXT_ID: `${hook}-${Date.now()}`, ...extra },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}

function pidOf(ctx: Ctx, name: string): number {
  return Number(readFileSync(pidFile(ctx, name), 'utf8'));
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`${signal} of lucky dispatch ends every process of its hook, and the next hook starts`, async (ctx) => {
    rmSync(pidFile(ctx, 'hang'), { force: true });
    const hung = dispatch(ctx, 'hang');
    await waitFor(() => existsSync(pidFile(ctx, 'hang')) && existsSync(pidFile(ctx, 'hang-child')), 'the hang hook to start');
    const [script, child] = [pidOf(ctx, 'hang'), pidOf(ctx, 'hang-child')];
    hung.kill(signal);
    await hung;
    await waitFor(() => processGone(script) && processGone(child), "the hook's processes to be ended");
    const next = await timed(() => dispatch(ctx, 'quick'));
    assert.is(next.value.exitCode, 0, String(next.value.stderr));
    assert.is(next.value.stdout, 'quick');
    console.log(`  [figure] ${signal}: leaked processes 0 of 2, next hook in ${next.ms.toFixed(0)} ms`);
  });
}

test('a hook that runs past hook-timeout is ended with a clear message, with its processes', async (ctx) => {
  rmSync(pidFile(ctx, 'hang'), { force: true });
  const { value: result, ms } = await timed(() => dispatch(ctx, 'hang'));
  assert.is(result.exitCode, 1);
  assert.match(String(result.stderr), 'Hook hang did not finish within 2 s and was ended with every process it started; raise hook-timeout in lucky.yaml');
  assert.ok(processGone(pidOf(ctx, 'hang')) && processGone(pidOf(ctx, 'hang-child')), 'a process of the timed-out hook is still running');
  assert.is((await dispatch(ctx, 'quick')).exitCode, 0);
  console.log(`  [figure] hook-timeout 2 s: hook ended after ${ms.toFixed(0)} ms, leaked processes 0 of 2`);
});

test("a successful script's background child keeps running but does not hold the hook", async (ctx) => {
  const { value: result, ms } = await timed(() => dispatch(ctx, 'background'));
  assert.is(result.exitCode, 0, String(result.stderr));
  assert.is(result.stdout, 'done');
  const child = pidOf(ctx, 'background-child');
  assert.not.ok(processGone(child), 'the background child of a successful hook was ended');
  process.kill(child, 'SIGKILL');
  console.log(`  [figure] hook with a background child holding its output: ${ms.toFixed(0)} ms`);
});

test('a failing entry ends the scripts still running beside it', async (ctx) => {
  const result = await dispatch(ctx, 'fail-fast');
  assert.is(result.exitCode, 1);
  assert.match(String(result.stderr), 'exited non-zero (3)');
  await waitFor(() => existsSync(pidFile(ctx, 'async-sibling')), 'the sibling pid');
  assert.ok(processGone(pidOf(ctx, 'async-sibling')), 'the async sibling outlived the failed hook');
});

test("a killed hook's script never writes into the state later", async (ctx) => {
  rmSync(pidFile(ctx, 'writer'), { force: true });
  const run = dispatch(ctx, 'write-after');
  await waitFor(() => existsSync(pidFile(ctx, 'writer')), 'the writer to start');
  run.kill('SIGKILL');
  await run;
  writeFileSync(join(ctx.dir, 'write-now'), '');
  await waitFor(() => processGone(pidOf(ctx, 'writer')), 'the writer to be ended');
  assert.is((await lucky(['kv', 'get', 'late'], ctx.daemon.env)).stdout, '\n');
});

test('a deleted socket file is recreated; daemon stop finds the daemon even without it', async (ctx) => {
  rmSync(ctx.daemon.socketPath);
  const { value: result, ms } = await timed(() => dispatch(ctx, 'quick'));
  assert.is(result.exitCode, 0, String(result.stderr));
  assert.ok(existsSync(ctx.daemon.socketPath));
  console.log(`  [figure] hook after the socket file was deleted: ${ms.toFixed(0)} ms`);
  // Stop with the socket gone: by the pid lock.
  rmSync(ctx.daemon.socketPath);
  const stopped = await lucky(['daemon', 'stop'], ctx.daemon.env);
  assert.is(stopped.exitCode, 0, stopped.stderr);
  assert.ok(processGone(ctx.daemon.pid));
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
});

test('the container channel serves script commands only: no hooks, no daemon control, no host paths', async (ctx) => {
  const channel = join(ctx.dir, 'run', 'container', 'daemon.sock');
  const client = await DaemonClient.connect(channel);
  try {
    await client.call('kv.set', { values: { from: 'container' } });
    assert.equal(await client.call('kv.get', { key: 'from' }), { value: 'container' });
    for (const [method, params] of [
      ['hook.trigger', { hook: 'quick', env: { BASH_ENV: '/tmp/evil' } }],
      ['daemon.status', {}],
      ['daemon.stop', {}],
    ] as const) {
      const refused = await client.callRaw(method, params).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(isLuckyError(refused), `${method} was served to a container`);
      assert.match((refused as Error).message, `Unknown method: ${method}.`);
    }
    await client.call('container.image.set', { image: 'busybox' });
    const mount = await client.call('container.volume.add', { source: '/', target: '/host' }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.match(mount?.message ?? 'served', 'A container may not mount the host path / into a container');
    assert.ok((await client.call('container.volume.add', { source: 'data', target: '/data' })).warning === undefined);
  } finally {
    client.close();
  }
});

test('idle connections beyond the cap are refused; the daemon keeps serving', async (ctx) => {
  const sockets = await Promise.all(
    Array.from(
      { length: 300 },
      () =>
        new Promise<ReturnType<typeof connect>>((resolve) => {
          const socket = connect(ctx.daemon.socketPath);
          socket.on('error', () => undefined);
          // Read, as a client would: the refusal is a line, then the end of the connection.
          socket.resume();
          socket.once('connect', () => resolve(socket));
          socket.once('close', () => resolve(socket));
        }),
    ),
  );
  try {
    await waitFor(() => sockets.filter((socket) => socket.destroyed).length >= 300 - 256, 'connections over the cap to be refused');
    const refused = sockets.filter((socket) => socket.destroyed).length;
    for (const socket of sockets) socket.destroy();
    const result = await lucky(['kv', 'get', 'from'], ctx.daemon.env);
    assert.is(result.stdout, 'container\n', result.stderr);
    console.log(`  [figure] 300 idle connections: ${refused} refused, daemon still serving`);
  } finally {
    for (const socket of sockets) socket.destroy();
  }
});

test('a socket directory owned by another user is refused by client and daemon', async (ctx) => {
  const foreign = join(ctx.dir, 'foreign');
  const { mkdirSync, chownSync } = await import('node:fs');
  mkdirSync(foreign, { mode: 0o700 });
  chownSync(foreign, 4242, 4242);
  const env = { JUJU_UNIT_NAME: 'squat/0', LUCKY_DAEMON_SOCKET: join(foreign, 'daemon.sock'), LUCKY_DATA_DIR: join(ctx.dir, 'squat-data') };
  const start = await lucky(['daemon', 'start', '--charm-dir', ctx.charm], env);
  assert.is(start.exitCode, 1);
  assert.match(start.stderr, `${foreign} belongs to user 4242, not to you`);
  const client = await lucky(['kv', 'set', 'password=secret'], env);
  assert.is(client.exitCode, 1);
  assert.match(client.stderr, `${foreign} belongs to user 4242`);
});

test('a corrupt state is moved aside and reported in the hook output, daemon status and unit status', async (ctx) => {
  await ctx.daemon.stop();
  writeFileSync(join(ctx.daemon.dataDir, 'state.json'), '{"version": 1, "kv": {');
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
  // Stand-ins for Juju's status-set and juju-log that record what the daemon pushes.
  const tools = await writeCharm(join(ctx.dir, 'tools'), {
    'bin/status-set': `#!/bin/sh\necho "$@" >> ${ctx.dir}/status-set.log\n`,
    'bin/juju-log': '#!/bin/sh\n',
  });
  const path = { PATH: `${join(tools, 'bin')}:${process.env.PATH}` };
  const hook = await dispatch(ctx, 'quick', path);
  assert.is(hook.exitCode, 0, String(hook.stderr));
  assert.match(readFileSync(join(ctx.dir, 'status-set.log'), 'utf8'), 'blocked -- Unit state was corrupt and was reset');
  assert.match(String(hook.stderr), /^Warning: The unit state .*state\.json was not valid JSON .*moved to .*state\.json\.corrupt-/);
  const status = JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], ctx.daemon.env)).stdout) as {
    stateProblem: string;
    status: { state: string; message: string };
  };
  assert.match(status.stateProblem, 'was not valid JSON');
  assert.is(status.status.state, 'blocked');
  assert.is(status.status.message, 'Unit state was corrupt and was reset; see "lucky daemon status"');
  // The next hook does not repeat the warning.
  assert.is(String((await dispatch(ctx, 'quick', path)).stderr), '');
});

test('a state written by a newer Lucky stops the daemon from starting, and is kept', async (ctx) => {
  await ctx.daemon.stop();
  const file = join(ctx.daemon.dataDir, 'state.json');
  const saved = readFileSync(file, 'utf8');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(saved), version: 9 }));
  const start = await lucky(['daemon', 'start', '--charm-dir', ctx.charm], ctx.daemon.env);
  assert.is(start.exitCode, 1);
  assert.match(start.stderr, 'has format 9, written by a newer Lucky; this Lucky reads format 1');
  assert.is(JSON.parse(readFileSync(file, 'utf8')).version, 9);
  writeFileSync(file, saved);
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
});

test('an RPC error from a full disk says so, with the path, and loses nothing acknowledged', async (ctx) => {
  const client = await DaemonClient.connect(ctx.daemon.socketPath);
  try {
    await client.call('kv.set', { values: { before: '1' } });
    // A full disk, as far as the store can tell: its directory is gone.
    const data = ctx.daemon.dataDir;
    const { renameSync } = await import('node:fs');
    renameSync(data, `${data}.away`);
    const error = await client.call('kv.set', { values: { during: '1' } }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    renameSync(`${data}.away`, data);
    assert.ok(isLuckyError(error));
    assert.is(error.code, ErrorCode.StateWriteFailed);
    assert.match(error.message, `Could not save the unit state to ${join(data, 'state.json')}`);
    assert.equal(await client.call('kv.get', { key: 'during' }), { value: null });
    assert.equal(await client.call('kv.get', { key: 'before' }), { value: '1' });
  } finally {
    client.close();
  }
});

test('a small write with a 40 MB state appends to the journal instead of rewriting the state', async (ctx) => {
  const client = await DaemonClient.connect(ctx.daemon.socketPath);
  try {
    const chunk = 'x'.repeat(100_000);
    // Eight values a call: a frame stays under the 1 MiB limit.
    for (let i = 0; i < 400; i += 8) {
      const values: Record<string, string> = {};
      for (let j = i; j < i + 8; j++) values[`big${j}`] = chunk;
      await client.call('kv.set', { values });
    }
    const snapshot = readFileSync(join(ctx.daemon.dataDir, 'state.json')).length;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push((await timed(() => client.call('kv.set', { values: { small: String(i) } }))).ms);
    times.sort((a, b) => a - b);
    assert.is(readFileSync(join(ctx.daemon.dataDir, 'state.json')).length, snapshot, 'the 40 MB snapshot was rewritten for a small write');
    assert.equal(await client.call('kv.get', { key: 'small' }), { value: '19' });
    const journal = readFileSync(join(ctx.daemon.dataDir, 'state.json.journal')).length;
    console.log(
      `  [figure] small kv set with a ${((snapshot + journal) / 1e6).toFixed(0)} MB state (snapshot + journal): median ${times[10]!.toFixed(1)} ms over 20 writes`,
    );
    await client.call('kv.delete', { keys: Array.from({ length: 400 }, (_, i) => `big${i}`) });
  } finally {
    client.close();
  }
});

test("SIGKILL of the daemon in the middle of a hook: its successor ends the hook's processes", async (ctx) => {
  rmSync(pidFile(ctx, 'hang'), { force: true });
  const hung = dispatch(ctx, 'hang');
  await waitFor(() => existsSync(pidFile(ctx, 'hang')) && existsSync(pidFile(ctx, 'hang-child')), 'the hang hook to start');
  await ctx.daemon.kill();
  const result = await hung;
  assert.is(result.exitCode, 1);
  const [script, child] = [pidOf(ctx, 'hang'), pidOf(ctx, 'hang-child')];
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
  await waitFor(() => processGone(script) && processGone(child), "the successor to end the killed hook's processes");
  console.log('  [figure] daemon SIGKILLed mid-hook: leaked processes 0 of 2 after restart');
});

test.run();
