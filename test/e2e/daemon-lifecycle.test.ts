import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LUCKY_BIN, lucky, processGone, removeDir, tempDir, waitFor, writeCharm } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
  env: Record<string, string>;
}

const test = suite<Ctx>('daemon lifecycle: start, stop, status, races');

test.before.each(async (ctx) => {
  ctx.dir = await tempDir();
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'lucky.yaml': 'use-docker: false\nhooks:\n  hello:\n    - inline-host-script: echo "hello from $LUCKY_HOOK ($JUJU_CONTEXT_ID)"\n',
  });
  ctx.env = {
    JUJU_UNIT_NAME: 'race/0',
    JUJU_CHARM_DIR: ctx.charm,
    LUCKY_DAEMON_SOCKET: join(ctx.dir, 'run', 'daemon.sock'),
    LUCKY_DATA_DIR: join(ctx.dir, 'data'),
  };
});

test.after.each(async (ctx) => {
  await lucky(['daemon', 'stop', '--ignore-already-stopped'], ctx.env);
  await removeDir(ctx.dir);
});

test('eight dispatches at once on a fresh unit start exactly one daemon and all succeed', async (ctx) => {
  const runs = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      execa(process.execPath, [LUCKY_BIN, 'dispatch', 'hello'], {
        env: { PATH: process.env.PATH, ...ctx.env, JUJU_CONTEXT_ID: `race/0-hello-${i}` },
        extendEnv: false,
        cwd: ctx.charm,
        reject: false,
      }),
    ),
  );
  runs.forEach((run, i) => {
    assert.is(run.exitCode, 0, String(run.stderr));
    assert.is(run.stdout, `hello from hello (race/0-hello-${i})`);
  });
  const log = readFileSync(join(ctx.dir, 'data', 'daemon.log'), 'utf8');
  assert.is(log.match(/Lucky daemon 0\.1\.0 started/g)?.length, 1, log);
  const status = JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], ctx.env)).stdout) as { pid: number };
  assert.is(Number(readFileSync(`${ctx.env.LUCKY_DAEMON_SOCKET}.pid`, 'utf8')), status.pid);
});

test('start, status and stop say what happened; stop returns after the daemon exited', async (ctx) => {
  const started = await lucky(['daemon', 'start'], ctx.env);
  assert.is(started.exitCode, 0, started.stderr);
  assert.match(started.stdout, /^Lucky daemon running for race\/0 \(pid \d+\) on .*daemon\.sock\n$/);
  const again = await lucky(['daemon', 'start'], ctx.env);
  assert.is(again.exitCode, 0);
  assert.is(again.stdout, started.stdout);
  const { statSync } = await import('node:fs');
  assert.is(statSync(ctx.env.LUCKY_DAEMON_SOCKET!).mode & 0o777, 0o600);
  assert.is(statSync(join(ctx.dir, 'run')).mode & 0o777, 0o700);
  await lucky(['kv', 'set', 'a=1'], ctx.env);
  assert.is(statSync(join(ctx.dir, 'data', 'state.json')).mode & 0o777, 0o600);
  const status = await lucky(['daemon', 'status'], ctx.env);
  assert.match(status.stdout, /^unit: race\/0\npid: \d+\n/);
  assert.match(
    status.stdout,
    /\ncontainer runtime: \(none\)\nplugins: @lucky\/plugin-juju, @lucky\/plugin-scripts, @lucky\/core:containers\nrunning hook: \(none\)\nunit status: active\n$/,
  );
  const pid = Number(/pid: (\d+)/.exec(status.stdout)?.[1]);
  const stopped = await lucky(['daemon', 'stop'], ctx.env);
  assert.is(stopped.exitCode, 0, stopped.stderr);
  assert.is(stopped.stdout, 'Lucky daemon for race/0 stopped\n');
  assert.ok(processGone(pid), `daemon pid ${pid} still runs`);
  const notRunning = await lucky(['daemon', 'stop'], ctx.env);
  assert.is(notRunning.exitCode, 1);
  assert.match(notRunning.stderr, /^Error: The Lucky daemon is not running: nothing answers at .*daemon\.sock \(ENOENT\)\./);
  assert.is((await lucky(['daemon', 'stop', '-i'], ctx.env)).exitCode, 0);
  const statusDown = await lucky(['daemon', 'status'], ctx.env);
  assert.is(statusDown.exitCode, 1);
});

test('a second foreground daemon for the same unit refuses, naming the running one', async (ctx) => {
  await lucky(['daemon', 'start'], ctx.env);
  const second = await lucky(['daemon', 'start', '--foreground'], ctx.env);
  assert.is(second.exitCode, 1);
  assert.match(second.stderr, /^Error: A Lucky daemon \(pid \d+\) is already running for .*daemon\.sock\.\n$/);
  assert.is((await lucky(['daemon', 'start', '--foreground', '-i'], ctx.env)).exitCode, 0);
});

test('a daemon that cannot start reports why, and dispatch fails with that reason', async (ctx) => {
  await writeCharm(ctx.charm, { 'lucky.yaml': 'hooks:\n  hello: [ {host-script: nope.sh} ]\n' });
  const result = await execa(process.execPath, [LUCKY_BIN, 'dispatch', 'hello'], {
    env: { PATH: process.env.PATH, ...ctx.env },
    extendEnv: false,
    reject: false,
  });
  assert.is(result.exitCode, 1);
  assert.match(
    String(result.stderr),
    /^Error: The Lucky daemon for race\/0 failed to start: Error: .*lucky\.yaml:2:26: hooks\.hello\.0\.host-script: the script host_scripts\/nope\.sh does not exist/,
  );
});

test('dispatch outside Juju says what is missing', async (ctx) => {
  const noHook = await lucky(['dispatch'], ctx.env);
  assert.is(noHook.exitCode, 2);
  assert.match(noHook.stderr, /^Error: No hook to run: give one as an argument, or run under Juju, which sets JUJU_DISPATCH_PATH\.\n$/);
  const noUnit = await lucky(['dispatch', 'hello'], { LUCKY_DATA_DIR: ctx.env.LUCKY_DATA_DIR });
  // Not a usage error: the same command line works in a hook.
  assert.is(noUnit.exitCode, 1);
  assert.match(noUnit.stderr, /^Error: Not in a hook context: JUJU_UNIT_NAME is not set; pass --unit-name <app\/N>\.\n$/);
});

test('SIGTERM stops the daemon cleanly: socket and pid file removed', async (ctx) => {
  await lucky(['daemon', 'start'], ctx.env);
  const status = JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], ctx.env)).stdout) as { pid: number };
  process.kill(status.pid, 'SIGTERM');
  const { existsSync } = await import('node:fs');
  await waitFor(() => !existsSync(ctx.env.LUCKY_DAEMON_SOCKET!) && !existsSync(`${ctx.env.LUCKY_DAEMON_SOCKET}.pid`), 'socket and pid file removal');
});

test.run();
