// The Pebble runtime in Juju's hooks, with the simulator's hook tools: install waits
// for Pebble, port bindings become opened ports, stop stops the services. The
// workload container is a Pebble-compatible server of @lucky/testing with busybox.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, testImage, useDockerEngine, waitFor, writeCharm, type DockerEngine } from '@lucky/test-utils';
import { startPebbleServer, type PebbleServer } from '@lucky/testing/pebble';
import { PebbleClient } from '../src/index.js';

const UNIT = 'web/0';

interface Ctx {
  engine: DockerEngine;
  sim: TestModel;
  containersDir: string;
  server: PebbleServer | undefined;
}

const test = suite<Ctx>('pebble runtime: install, ports and stop in Juju hooks (simulator tools)');

const METADATA = `
name: web
containers:
  app:
    resource: app-image
resources:
  app-image: {type: oci-image}
`;

const LUCKY_YAML = `
runtime: [pebble, { readyTimeoutMs: 10000 }]
hooks:
  config-changed:
    - inline-host-script: |
        set -e
        lucky container image set app-image
        lucky container set-command -- /bin/sh -c 'echo $$ > /tmp/service.pid; exec sleep 3600'
        lucky container port add "$(lucky get-config port):$(lucky get-config port)"
  upgrade-charm:
    - inline-host-script: lucky container port remove "$(lucky get-config port):$(lucky get-config port)"
`;

function client(ctx: Ctx): PebbleClient {
  return new PebbleClient({ socketPath: join(ctx.containersDir, 'app', 'pebble.socket') });
}

/** The unit's opened ports as Juju recorded them (committed when the hook succeeded). */
async function openedPorts(ctx: Ctx): Promise<string[]> {
  const state = await ctx.sim.model.state();
  return Object.values(state.units[UNIT]?.openedPorts ?? {})
    .flat()
    .sort();
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  ctx.sim = await TestModel.create();
  ctx.containersDir = join(ctx.sim.dir, 'c');
  const charm = await writeCharm(join(ctx.sim.dir, 'charm'), {
    'metadata.yaml': METADATA,
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'config.yaml': 'options:\n  port: {type: int, default: 8080}\n',
    'lucky.yaml': LUCKY_YAML,
  });
  await ctx.sim.model.addApplication('web', { charmDir: charm, units: 1 });
});

test.after(async (ctx) => {
  await ctx.sim?.stop();
  await ctx.server?.close({ removeContainer: true });
  await ctx.engine?.stop();
});

function hook(ctx: Ctx, name: string) {
  return ctx.sim.hook(UNIT, name, { extraEnv: { LUCKY_PEBBLE_CONTAINERS_DIR: ctx.containersDir } });
}

test('install waits for Pebble and fails naming the socket when it never answers', async (ctx) => {
  const failed = await ctx.sim.hook(UNIT, 'install', {
    extraEnv: { LUCKY_PEBBLE_CONTAINERS_DIR: join(ctx.sim.dir, 'nowhere') },
  });
  assert.is.not(failed.exitCode, 0);
  assert.match(failed.stderr, `Pebble of container "app" did not answer on ${join(ctx.sim.dir, 'nowhere', 'app', 'pebble.socket')}`);
  // The workload container comes up while install waits.
  await mkdir(join(ctx.containersDir, 'app'), { recursive: true });
  const installing = hook(ctx, 'install');
  ctx.server = await startPebbleServer({
    socketPath: join(ctx.containersDir, 'app', 'pebble.socket'),
    dockerSocketPath: ctx.engine.socketPath,
    containerName: `lucky-pebble-hooks-${process.pid}`,
    image: await testImage(ctx.engine.socketPath),
    mounts: [{ source: join(ctx.containersDir, 'app'), target: '/charm/container' }],
    labels: { 'lucky.test': 'pebble-runtime' },
  });
  const installed = await installing;
  assert.is(installed.exitCode, 0, installed.stdout + installed.stderr);
});

/** The PID the service wrote when it started. */
async function servicePid(ctx: Ctx): Promise<string> {
  return waitFor(
    async () =>
      (
        await client(ctx)
          .pull('/tmp/service.pid')
          .catch(() => undefined)
      )
        ?.toString()
        .trim(),
    'the service PID',
  );
}

test('a port binding becomes an opened port; removing it closes the port; upgrade-charm restarts the service', async (ctx) => {
  const configured = await hook(ctx, 'config-changed');
  assert.is(configured.exitCode, 0, configured.stdout + configured.stderr);
  const [service] = await client(ctx).getServices(['app']);
  assert.is(service?.current, 'active');
  assert.equal(await openedPorts(ctx), ['8080/tcp']);
  const before = await servicePid(ctx);
  await client(ctx).removePath('/tmp/service.pid');
  // upgrade-charm applies with force: the unchanged service is restarted.
  const removed = await hook(ctx, 'upgrade-charm');
  assert.is(removed.exitCode, 0, removed.stdout + removed.stderr);
  assert.equal(await openedPorts(ctx), []);
  assert.is.not(await servicePid(ctx), before);
});

test('stop stops the services of the lucky layer', async (ctx) => {
  const stopped = await hook(ctx, 'stop');
  assert.is(stopped.exitCode, 0, stopped.stdout + stopped.stderr);
  const [service] = await client(ctx).getServices(['app']);
  assert.is(service?.current, 'inactive');
  assert.is((await client(ctx).getPlan()).services?.app?.startup, 'disabled');
});

test.run();
