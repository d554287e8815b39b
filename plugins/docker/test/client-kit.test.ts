import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { lucky, startTestDaemon, tempDir, testImage, useDockerEngine, writeCharm, type DockerEngine, type TestDaemon as RealDaemon } from '@lucky/test-utils';
import { DockerRuntime, parseLdd } from '../src/index.js';
import { definition, docker, removeDir, removeTestContainers, sleeper, testDaemon, testUnit, type TestDaemon } from './support.js';

interface Ctx {
  engine: DockerEngine;
  client: Docker;
  runtime: DockerRuntime;
  dir: string;
  real: RealDaemon;
  daemon: TestDaemon;
}

const test = suite<Ctx>('docker runtime: the lucky client inside a busybox container');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  const image = await testImage(ctx.engine.socketPath);
  ctx.client = docker(ctx.engine.socketPath);
  ctx.runtime = new DockerRuntime({ socketPath: ctx.engine.socketPath, stopTimeout: 2 });
  ctx.dir = await tempDir('lucky-kit-');
  const charmDir = await writeCharm(join(ctx.dir, 'charm'), {
    // The real daemon only serves the socket here; the test's runtime owns the containers.
    'lucky.yaml': 'use-docker: false\nhooks: {}\n',
    'container_scripts/remember.sh': '#!/bin/sh\nlucky kv set "from-script=$1" && echo "saved $1"\n',
  });
  ctx.real = await startTestDaemon({ charmDir, dir: ctx.dir, unit: testUnit('kit') });
  ctx.daemon = await testDaemon({ unit: ctx.real.unit, runtime: ctx.runtime, dir: join(ctx.dir, 'runtime'), charmDir, socketPath: ctx.real.socketPath });
  const defs = { '': definition(image, { command: sleeper() }) };
  await ctx.daemon.define(defs);
  await ctx.runtime.apply(defs, ctx.daemon);
});

test.after(async (ctx) => {
  await removeTestContainers(ctx.client, [ctx.daemon.unit]);
  await ctx.real.stop();
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

async function inContainer(ctx: Ctx, command: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await ctx.runtime.exec('', command, { env: {}, output: (s, d) => void (s === 'stdout' ? (out += d) : (err += d)) }, ctx.daemon);
  return { code, out, err };
}

test('the image really has neither Node nor glibc', async (ctx) => {
  const probe = await inContainer(ctx, ['sh', '-c', 'ls /lib /lib64 /usr/lib 2>&1; command -v node || echo no-node']);
  assert.match(probe.out, /no-node/);
  assert.not.match(probe.out, /libc\.so/);
});

test('lucky --version runs in busybox through the mounted Node, loader and libraries', async (ctx) => {
  const result = await inContainer(ctx, ['lucky', '--version']);
  assert.is(result.err, '');
  assert.is(result.code, 0);
  assert.is(result.out, `${(await lucky(['--version'])).stdout}`);
  const wrapper = await inContainer(ctx, ['cat', '/lucky/bin/lucky']);
  assert.match(wrapper.out, /^#!\/bin\/sh\n/);
  assert.match(
    wrapper.out,
    /exec \/lucky\/runtime\/lib\/ld-linux[^ ]* --library-path \/lucky\/runtime\/lib \/lucky\/runtime\/node '\/lucky\/cli\/bin\/lucky.cjs' "\$@"/,
  );
});

test('lucky kv set inside the container reaches the daemon on the host', async (ctx) => {
  const set = await inContainer(ctx, ['lucky', 'kv', 'set', 'color=blue', 'size=xl']);
  assert.is(set.err, '');
  assert.is(set.code, 0);
  const host = await lucky(['kv', 'get', 'color'], ctx.real.env);
  assert.is(host.stdout, 'blue\n');
  const back = await inContainer(ctx, ['lucky', 'kv', 'get']);
  assert.match(back.out, /^color=blue$/m);
  assert.match(back.out, /^size=xl$/m);
});

test('a container script from container_scripts/ calls lucky by PATH', async (ctx) => {
  const result = await inContainer(ctx, ['/lucky/container_scripts/remember.sh', 'yes']);
  assert.is(result.code, 0, result.err);
  assert.is(result.out, 'saved yes\n');
  assert.is((await lucky(['kv', 'get', 'from-script'], ctx.real.env)).stdout, 'yes\n');
  const readOnly = await inContainer(ctx, ['sh', '-c', 'echo x > /lucky/container_scripts/new 2>/dev/null || echo read-only']);
  assert.is(readOnly.out, 'read-only\n');
});

test('inside a container, lucky reaches only the container channel: no daemon control, and the socket cannot be removed', async (ctx) => {
  const status = await inContainer(ctx, ['lucky', 'daemon', 'status', '--unit-name', 'kit/0']);
  assert.is.not(status.code, 0);
  assert.match(status.err, 'Unknown method: daemon.status.', status.out + status.err);
  const stop = await inContainer(ctx, ['lucky', 'daemon', 'stop', '--unit-name', 'kit/0']);
  assert.is.not(stop.code, 0);
  const listing = await inContainer(ctx, ['ls', '/run/lucky']);
  assert.is(listing.out, 'daemon.sock\n', 'the host socket directory is mounted');
  const removed = await inContainer(ctx, ['sh', '-c', 'rm -f /run/lucky/daemon.sock 2>/dev/null; ls /run/lucky']);
  assert.is(removed.out, 'daemon.sock\n');
  const hostPath = await inContainer(ctx, ['lucky', 'container', 'volume', 'add', '/etc', '/host-etc']);
  assert.is(hostPath.code, 1);
  assert.match(hostPath.err, 'A container may not mount the host path /etc into a container');
  assert.is((await lucky(['daemon', 'status'], ctx.real.env)).exitCode, 0);
});

test('a restarted daemon is reached through the same container (the socket directory is mounted)', async (ctx) => {
  await ctx.real.stop();
  const down = await inContainer(ctx, ['lucky', 'kv', 'get', 'color']);
  assert.is.not(down.code, 0);
  ctx.real = await startTestDaemon({ charmDir: ctx.daemon.charmDir, dir: ctx.dir, unit: ctx.real.unit });
  const up = await inContainer(ctx, ['lucky', 'kv', 'get', 'color']);
  assert.is(up.code, 0, up.err);
  assert.is(up.out, 'blue\n');
});

test('ldd output is parsed into a loader and libraries', () => {
  const parsed = parseLdd(
    '/usr/bin/node',
    [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f40)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f41)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f42)',
    ].join('\n'),
  );
  assert.is(parsed.loader, '/lib64/ld-linux-x86-64.so.2');
  assert.equal([...parsed.libraries.keys()], ['libdl.so.2', 'libstdc++.so.6']);
  assert.equal(parseLdd('/x', '\tstatically linked\n'), { loader: undefined, libraries: new Map() });
  assert.throws(() => parseLdd('/x', '\tlibfoo.so.1 => not found\n'), /needs libfoo\.so\.1, which ldd cannot find/);
});

test.run();
