// One charm's logic on both runtimes: the same scripts, with only `runtime:` (and the
// image the operator configures: a reference for Docker, the OCI resource for Pebble)
// differing. Both units define the container, run a container script that calls
// `lucky` inside, and serve the same service.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TEST_IMAGE, TestModel, lucky, removeDir, tempDir, testImage, useDockerEngine, writeCharm, type DockerEngine } from '@lucky/test-utils';
import { startPebbleServer, type PebbleServer } from '@lucky/testing/pebble';
import { PebbleClient } from '../src/index.js';

const LABEL = 'lucky.test=pebble-portable';

interface Ctx {
  engine: DockerEngine;
  docker: Docker;
  sims: TestModel[];
  dirs: string[];
  server: PebbleServer | undefined;
}

const test = suite<Ctx>('the same charm on runtime: docker and runtime: pebble');

const METADATA = `
name: portable
containers:
  app:
    resource: app-image
resources:
  app-image: {type: oci-image}
`;

const CONFIG = `
options:
  image: {type: string, default: ""}
  greeting: {type: string, default: hello}
`;

// Everything below `runtime:` is the charm's logic, the same on both runtimes.
const LOGIC = `
hooks:
  config-changed:
    - inline-host-script: |
        set -e
        lucky container image set "$(lucky get-config image)" -c app
        lucky container set-command -c app -- /bin/sh -c 'echo "$GREETING" > /tmp/greeting; exec sleep 3600'
        lucky container env set -c app GREETING="$(lucky get-config greeting)"
    - container-script: report.sh
      container-name: app
`;

const REPORT = `#!/bin/sh
set -e
lucky kv set report="$(lucky container env get GREETING -c app) as uid $(id -u)"
echo "reported from the container"
`;

async function charm(dir: string, runtime: string): Promise<string> {
  return writeCharm(dir, {
    'metadata.yaml': METADATA,
    'config.yaml': CONFIG,
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'lucky.yaml': `runtime: ${runtime}\n${LOGIC}`,
    'container_scripts/report.sh': REPORT,
  });
}

/** Deploys the charm with `runtime` in `sim`; returns a hook runner that expects success. */
async function deploy(sim: TestModel, runtime: string, image: string): Promise<(name: string) => Promise<void>> {
  await sim.model.addApplication('portable', { charmDir: await charm(join(sim.dir, 'charm'), runtime), units: 1, config: { image } });
  return async (name) => {
    const result = await sim.hook('portable/0', name);
    assert.is(result.exitCode, 0, `${runtime} ${name}: ${result.stdout}${result.stderr}`);
    if (name === 'config-changed') assert.match(result.stdout, 'reported from the container');
  };
}

async function model(ctx: Ctx, env: Record<string, string>): Promise<TestModel> {
  const sim = await TestModel.create(env);
  ctx.sims.push(sim);
  return sim;
}

async function report(sim: TestModel): Promise<string> {
  const result = await lucky(['kv', 'get', 'report'], { ...sim.unitEnv('portable/0'), JUJU_UNIT_NAME: 'portable/0' });
  return result.stdout.trim();
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.sims = [];
  ctx.dirs = [];
});

test.after(async (ctx) => {
  for (const sim of ctx.sims) await sim.stop();
  await ctx.server?.close({ removeContainer: true });
  for (const dir of ctx.dirs) await removeDir(dir);
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [LABEL] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true });
  }
  await ctx.engine?.stop();
});

test('runtime: docker runs it with an image reference', async (ctx) => {
  const sim = await model(ctx, { LUCKY_DOCKER_LABELS: LABEL });
  const hook = await deploy(sim, 'docker', TEST_IMAGE);
  await hook('install');
  await hook('config-changed');
  assert.is(await report(sim), 'hello as uid 0');
  const [container] = await ctx.docker.listContainers({ filters: { label: [LABEL, 'lucky.container=app'] } });
  assert.is(container?.State, 'running');
});

test('runtime: pebble runs it with the OCI resource', async (ctx) => {
  const shared = await tempDir('lucky-pebble-portable-');
  ctx.dirs.push(shared);
  const containersDir = join(shared, 'c');
  const sim = await model(ctx, { LUCKY_PEBBLE_CONTAINERS_DIR: containersDir });
  await mkdir(join(containersDir, 'app'), { recursive: true });
  ctx.server = await startPebbleServer({
    socketPath: join(containersDir, 'app', 'pebble.socket'),
    dockerSocketPath: ctx.engine.socketPath,
    containerName: `lucky-pebble-portable-${process.pid}`,
    image: await testImage(ctx.engine.socketPath),
    mounts: [{ source: join(containersDir, 'app'), target: '/charm/container' }],
    labels: { 'lucky.test': 'pebble-portable' },
  });
  const hook = await deploy(sim, 'pebble', 'app-image');
  await hook('install');
  await hook('config-changed');
  assert.is(await report(sim), 'hello as uid 0');
  const [service] = await new PebbleClient({ socketPath: join(containersDir, 'app', 'pebble.socket') }).getServices(['app']);
  assert.is(service?.current, 'active');
});

test.run();
