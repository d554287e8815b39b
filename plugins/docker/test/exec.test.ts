import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Docker from 'dockerode';
import { isLuckyError } from '@lucky/core';
import { shellAwaitFile, tempDir, testImage, useDockerEngine, type DockerEngine } from '@lucky/test-utils';
import { DockerRuntime } from '../src/index.js';
import { definition, docker, rejection, removeDir, removeTestContainers, sleeper, testDaemon, testUnit, type TestDaemon } from './support.js';

interface Ctx {
  engine: DockerEngine;
  client: Docker;
  runtime: DockerRuntime;
  dir: string;
  daemon: TestDaemon;
}

const test = suite<Ctx>('docker runtime: exec in containers');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  const image = await testImage(ctx.engine.socketPath);
  ctx.client = docker(ctx.engine.socketPath);
  ctx.runtime = new DockerRuntime({ socketPath: ctx.engine.socketPath, stopTimeout: 2 });
  ctx.dir = await tempDir('lucky-docker-exec-');
  ctx.daemon = await testDaemon({ unit: testUnit('exec'), runtime: ctx.runtime, dir: ctx.dir });
  const defs = { '': definition(image, { command: sleeper(), env: { FROM_DEFINITION: 'def' } }), stopped: definition(image, { command: sleeper() }) };
  await ctx.daemon.define(defs);
  await ctx.runtime.apply(defs, ctx.daemon);
});

test.after(async (ctx) => {
  await removeTestContainers(ctx.client, [ctx.daemon.unit]);
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

type Chunk = ['stdout' | 'stderr', string];

async function run(
  ctx: Ctx,
  command: string[],
  env: Record<string, string> = {},
  name = '',
): Promise<{ code: number; chunks: Chunk[]; out: string; err: string }> {
  const chunks: Chunk[] = [];
  const code = await ctx.runtime.exec(name, command, { env, output: (stream, data) => void chunks.push([stream, data]) }, ctx.daemon);
  const text = (stream: string) =>
    chunks
      .filter(([s]) => s === stream)
      .map(([, d]) => d)
      .join('');
  return { code, chunks, out: text('stdout'), err: text('stderr') };
}

test('exit codes are the real ones, stdout and stderr stay apart, env is passed', async (ctx) => {
  const ok = await run(ctx, ['sh', '-c', 'echo "out $FOO $FROM_DEFINITION $LUCKY_CONTEXT"; echo "err $FOO" >&2']);
  assert.is(ok.code, 0);
  assert.is(ok.out, 'out  def client\n');
  assert.is(ok.err, 'err \n');
  const seven = await run(ctx, ['sh', '-c', 'echo "out $FOO"; echo "err" >&2; exit 7'], { FOO: 'bar baz' });
  assert.is(seven.code, 7);
  assert.is(seven.out, 'out bar baz\n');
  assert.is(seven.err, 'err\n');
  const missing = await run(ctx, ['/no/such/program']);
  assert.ok(missing.code === 126 || missing.code === 127, `exit ${missing.code}`);
  // Lines that look like Lucky's old sentinel are plain output now.
  const sentinel = await run(ctx, ['sh', '-c', 'echo __LUCKY_CMD_EXIT_CODE__:0; exit 3']);
  assert.is(sentinel.code, 3);
  assert.is(sentinel.out, '__LUCKY_CMD_EXIT_CODE__:0\n');
});

test('output is streamed as it arrives, before the command ends', async (ctx) => {
  // The command waits (up to 20 s) for a file that the test creates only once it has seen
  // the first line: with output held back until the end, it would say "timeout". No clock.
  const gate = `/tmp/streamed-${Date.now()}`;
  const script = `echo first; ${shellAwaitFile(gate, 20)}; [ -e ${gate} ] && echo released || echo timeout`;
  let opened: Promise<unknown> | undefined;
  let out = '';
  const code = await ctx.runtime.exec(
    '',
    ['sh', '-c', script],
    {
      env: {},
      output: (_s, data) => {
        out += data.toString();
        if (!opened && out.includes('first')) opened = run(ctx, ['touch', gate]);
      },
    },
    ctx.daemon,
  );
  await opened;
  assert.is(code, 0);
  assert.is(out, 'first\nreleased\n');
});

test('large binary-safe output arrives whole and in order', async (ctx) => {
  const result = await run(ctx, ['sh', '-c', 'i=0; while [ $i -lt 2000 ]; do echo "line $i ünïcödé"; i=$((i+1)); done']);
  assert.is(result.code, 0);
  const lines = result.out.trimEnd().split('\n');
  assert.is(lines.length, 2000);
  assert.is(lines[1999], 'line 1999 ünïcödé');
});

test('execs run side by side and do not hold up an apply', async (ctx) => {
  // The slow exec waits (up to 30 s) for a file created only after the quick exec and the
  // apply have finished: had either waited for it, it would say "timeout". No clock.
  const gate = `/tmp/side-by-side-${Date.now()}`;
  const slow = run(ctx, ['sh', '-c', `${shellAwaitFile(gate, 30)}; [ -e ${gate} ] && echo released || echo timeout`]);
  const quick = await run(ctx, ['echo', 'quick']);
  await ctx.runtime.apply(ctx.daemon.state.data.containers, ctx.daemon);
  assert.is(quick.out, 'quick\n');
  await run(ctx, ['touch', gate]);
  assert.is((await slow).out, 'released\n');
});

test('a container without a definition, or not running, is a clear error', async (ctx) => {
  const undefinedError = await rejection(run(ctx, ['true'], {}, 'nope'));
  assert.ok(isLuckyError(undefinedError));
  assert.is(undefinedError.message, 'Cannot run true in container "nope" because container does not exist.');
  await ctx.client.getContainer(`lucky-${ctx.daemon.unit.replace('/', '-')}-stopped`).stop({ t: 1 });
  assert.not.ok(await ctx.runtime.isRunning('stopped', ctx.daemon));
  const stoppedError = await rejection(run(ctx, ['true'], {}, 'stopped'));
  assert.ok(isLuckyError(stoppedError));
  assert.is(stoppedError.message, 'Cannot run true in container "stopped" because container has not been started.');
});

test('an aborted exec stops waiting', async (ctx) => {
  const controller = new AbortController();
  // Without the abort the exec would end normally (a minute later) and the rejection check fail: no clock needed.
  const pending = ctx.runtime.exec('', ['sleep', '60'], { env: {}, output: () => undefined, signal: controller.signal }, ctx.daemon);
  setTimeout(() => controller.abort(new Error('hook went away')), 200);
  const error = await rejection(pending);
  assert.match(error.message, /hook went away|abort/i);
});

test.run();
