import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, shellAwaitFile, tempDir, testImage, useDockerEngine, waitFor, type DockerEngine } from '@lucky/test-utils';
import { PebbleClient, PebbleError } from '@lucky/plugin-pebble/client';
import { startPebbleServer, type PebbleServer } from '../src/pebble/index.js';

interface Ctx {
  engine: DockerEngine;
  dir: string;
  server: PebbleServer;
  client: PebbleClient;
}

const test = suite<Ctx>('pebble server: service life cycle in the container');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  const image = await testImage(ctx.engine.socketPath);
  ctx.dir = await tempDir('lucky-pebsvc-');
  ctx.server = await startPebbleServer({
    socketPath: join(ctx.dir, 'pebble.socket'),
    dockerSocketPath: ctx.engine.socketPath,
    containerName: `lucky-pebble-services-test-${process.pid}`,
    image,
    labels: { 'lucky.test': 'pebble-services' },
    log: () => undefined,
  });
  ctx.client = new PebbleClient({ socketPath: ctx.server.socketPath });
  await ctx.client.push('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n');
  await ctx.client.push('/etc/group', 'root:x:0:\napp:x:1000:\n');
});

test.after(async (ctx) => {
  await ctx.server.close({ removeContainer: true });
  await ctx.engine.stop();
  await removeDir(ctx.dir);
});

async function starts(ctx: Ctx, name: string): Promise<number> {
  let out = '';
  await ctx.client.exec(['sh', '-c', `cat /tmp/${name}.starts 2>/dev/null || true`], { onStdout: (b) => (out += b.toString()) });
  return out.split('\n').filter(Boolean).length;
}

const current = async (ctx: Ctx, name: string) => (await ctx.client.getServices([name]))[0]?.current;

test('on-failure restart: a service that dies is restarted after its backoff', async (ctx) => {
  await ctx.client.addLayer('backoff', {
    services: {
      // Its first run outlasts the start's okay delay: it waits for the file the test pushes once the start has succeeded.
      flaky: {
        override: 'replace',
        command: `sh -c "echo x >> /tmp/flaky.starts; ${shellAwaitFile('/tmp/flaky.go', 60)}; exit 1"`,
        'backoff-delay': '100ms',
      } as never,
    },
  });
  await ctx.client.startServices(['flaky']);
  await ctx.client.push('/tmp/flaky.go', '');
  await waitFor(async () => (await starts(ctx, 'flaky')) >= 2, 'the service to be restarted');
  await ctx.client.stopServices(['flaky']);
  assert.is(await current(ctx, 'flaky'), 'inactive');
});

test('on-success and on-failure ignore leave the service inactive or in error', async (ctx) => {
  await ctx.client.addLayer('ignore', {
    services: {
      done: { override: 'replace', command: `sh -c "${shellAwaitFile('/tmp/ignore.go', 60)}; exit 0"`, 'on-success': 'ignore' },
      broken: { override: 'replace', command: `sh -c "${shellAwaitFile('/tmp/ignore.go', 60)}; exit 2"`, 'on-failure': 'ignore' },
    },
  });
  await ctx.client.startServices(['done', 'broken']);
  await ctx.client.push('/tmp/ignore.go', '');
  await waitFor(async () => (await current(ctx, 'done')) === 'inactive' && (await current(ctx, 'broken')) === 'error', 'both to exit');
});

test('stop: SIGKILL after kill-delay when SIGTERM is ignored', async (ctx) => {
  await ctx.client.addLayer('stubborn', {
    services: { stubborn: { override: 'replace', command: 'sh -c "trap \\"\\" TERM; while true; do sleep 0.1; done"', 'kill-delay': '300ms' } },
  });
  await ctx.client.startServices(['stubborn']);
  await ctx.client.stopServices(['stubborn']);
  assert.is(await current(ctx, 'stubborn'), 'inactive');
  let out = '';
  await ctx.client.exec(['sh', '-c', 'ps | grep -c "[w]hile true" || true'], { onStdout: (b) => (out += b.toString()) });
  assert.is(out.trim(), '0');
});

test('a service runs as its user, with its environment and working dir; exec can borrow its context', async (ctx) => {
  await ctx.client.makeDir('/home/app', { makeParents: true, user: 'app' });
  await ctx.client.addLayer('ctx', {
    services: {
      owned: {
        override: 'replace',
        command: 'sh -c "echo $(id -u) $V $(pwd) > owned.out; exec sleep 1000"',
        user: 'app',
        environment: { V: 'from-service' },
        'working-dir': '/home/app',
      },
    },
  });
  await ctx.client.startServices(['owned']);
  let out = '';
  await waitFor(async () => {
    out = '';
    await ctx.client.exec(['sh', '-c', 'cat /home/app/owned.out 2>/dev/null || true'], { onStdout: (b) => (out += b.toString()) });
    return out !== '';
  }, 'the service to write owned.out');
  assert.is(out, '1000 from-service /home/app\n');
  out = '';
  await ctx.client.exec(['sh', '-c', 'echo $(id -u) $V $(pwd)'], { serviceContext: 'owned', onStdout: (b) => (out += b.toString()) });
  assert.is(out, '1000 from-service /home/app\n');
  await ctx.client.stopServices(['owned']);
});

test('signals: SIGHUP reaches a running service; a stopped one is refused', async (ctx) => {
  await ctx.client.addLayer('hup', {
    services: { hup: { override: 'replace', command: 'sh -c "trap \\"echo reloaded >> /tmp/hup.out\\" HUP; while true; do sleep 0.1; done"' } },
  });
  await ctx.client.startServices(['hup']);
  await ctx.client.sendSignal('SIGHUP', ['hup']);
  await waitFor(async () => {
    let out = '';
    await ctx.client.exec(['sh', '-c', 'cat /tmp/hup.out 2>/dev/null || true'], { onStdout: (b) => (out += b.toString()) });
    return out === 'reloaded\n';
  }, 'the service to handle SIGHUP');
  await ctx.client.stopServices(['hup']);
  const error = await ctx.client.sendSignal('SIGHUP', ['hup']).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(error, PebbleError);
  assert.is((error as PebbleError).apiMessage, 'cannot send signal to "hup": service is not running');
});

test('on-check-failure restart: a failing check restarts the service', async (ctx) => {
  await ctx.client.push('/tmp/ok', '');
  await ctx.client.addLayer('checked', {
    services: { watched: { override: 'replace', command: 'sh -c "echo x >> /tmp/watched.starts; exec sleep 1000"', 'on-check-failure': { alive: 'restart' } } },
    // threshold 3: one check exec that a loaded engine runs past its timeout must not restart the service early.
    checks: { alive: { override: 'replace', period: '100ms', threshold: 3, exec: { command: 'test -f /tmp/ok' } } },
  });
  await ctx.client.startServices(['watched']);
  assert.is(await starts(ctx, 'watched'), 1);
  await ctx.client.removePath('/tmp/ok');
  await waitFor(async () => (await starts(ctx, 'watched')) >= 2, 'the restart after the check failed');
  await ctx.client.push('/tmp/ok', '');
  await waitFor(async () => (await ctx.client.getChecks({ names: ['alive'] }))[0]?.status === 'up', 'the check to recover');
  await ctx.client.stopServices(['watched']);
});

test.run();
