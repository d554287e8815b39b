// The workload container's processes: each is a Docker exec whose host PID the
// Pebble-compatible server signals, even when Docker is slow to start it.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { processGone, testImage, useDockerEngine, type DockerEngine } from '@lucky/test-utils';
import { WorkloadContainer } from '../src/pebble/container.js';

interface Ctx {
  engine: DockerEngine;
  container: WorkloadContainer;
}

const test = suite<Ctx>('pebble server: the workload container and its processes');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.container = await WorkloadContainer.create({
    dockerSocketPath: ctx.engine.socketPath,
    name: `lucky-pebble-container-test-${process.pid}`,
    image: await testImage(ctx.engine.socketPath),
    mounts: [],
    labels: { 'lucky.test': 'pebble-container' },
  });
});

test.after(async (ctx) => {
  await ctx.container.remove();
  await ctx.engine.stop();
});

/** The container's runtime shim: the parent of its init process (Docker reports the init's host PID). */
async function shimPid(ctx: Ctx): Promise<number> {
  const { State } = await ctx.container.docker.getContainer(ctx.container.id).inspect();
  const stat = readFileSync(`/proc/${State.Pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

test('a process Docker starts late still gets its host PID, so a stop can signal it', async (ctx) => {
  // A frozen shim holds `runc exec` back, as a loaded machine does: Docker has answered
  // the attach and reports the exec running, but with no PID yet.
  const shim = await shimPid(ctx);
  assert.match(readFileSync(`/proc/${shim}/comm`, 'utf8'), /^containerd-shim/);
  process.kill(shim, 'SIGSTOP');
  let thawed = false;
  const thaw = setTimeout(() => {
    thawed = true;
    process.kill(shim, 'SIGCONT');
  }, 2_000);
  try {
    const proc = await ctx.container.spawn({ command: ['/charm/bin/busybox', 'sleep', '600'] });
    assert.ok(thawed, 'the spawn waited for Docker to start the process');
    assert.ok(proc.hostPid > 0, `a host PID (got ${proc.hostPid})`);
    assert.ok(proc.signal('SIGKILL', true), 'the signal reached the process');
    assert.is(await proc.exited, 137);
    assert.ok(processGone(proc.hostPid));
  } finally {
    clearTimeout(thaw);
    if (!thawed) process.kill(shim, 'SIGCONT');
  }
});

test('a process that ends at once reports its exit code', async (ctx) => {
  const proc = await ctx.container.spawn({ command: ['/charm/bin/busybox', 'sh', '-c', 'exit 3'] });
  assert.is(await proc.exited, 3);
  assert.not.ok(proc.signal('SIGTERM'), 'nothing left to signal');
});

test.run();
