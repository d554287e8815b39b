import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, simUnits, tempDir, testImage, useDockerEngine, waitFor, type DockerEngine, type LuckyResult, type SimUnit } from '@lucky/test-utils';
import type Dockerode from 'dockerode';

const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
const CHARM = fileURLToPath(new URL('../fixtures/lucky-cluster/', import.meta.url));
/** Every container this test makes carries it, so `after` removes only ours. */
const TEST_LABEL = 'lucky.test.multi-unit-ports=1';

interface Ctx {
  engine: DockerEngine;
  docker: Dockerode;
  dir: string;
  port: number;
}

/** The units of `lucky sim status --format json`. */
async function units(ctx: Ctx): Promise<SimUnit[]> {
  return simUnits((await ok(sim(ctx, 'status', '--format', 'json'))).stdout);
}

const test = suite<Ctx>('lucky sim: three units of a Docker charm publish the same host port, each on its own address');

/** A port free on the loopback addresses (the units publish on 127.0.1.N). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], {
    LUCKY_SIM_MODEL: join(ctx.dir, 'model'),
    LUCKY_DOCKER_LABELS: TEST_LABEL,
    DOCKER_HOST: `unix://${ctx.engine.socketPath}`,
  });
}

async function ok(result: Promise<LuckyResult>): Promise<LuckyResult> {
  const done = await result;
  assert.is(done.exitCode, 0, done.stdout + done.stderr);
  return done;
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-ports-');
  ctx.port = await freePort();
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await removeDir(ctx.dir);
  await ctx.engine?.stop();
});

test('deploy -n 3: every unit starts and is active with its two peers', async (ctx) => {
  await ok(sim(ctx, 'deploy', CHARM, 'db', '-n', '3', '--config', `port=${ctx.port}`));
  const all = await units(ctx);
  assert.equal(
    all.map((unit) => [unit.name, unit.workload.status, unit.address]),
    [
      ['db/0', 'active', '127.0.1.1'],
      ['db/1', 'active', '127.0.1.2'],
      ['db/2', 'active', '127.0.1.3'],
    ],
  );
  for (const unit of all) assert.is(unit.workload.message, `serving on ${unit.address}:${ctx.port}, 2 peers`);
});

test("each unit's container publishes the same host port on the unit's own address", async (ctx) => {
  const list = await ctx.docker.listContainers({ filters: { label: [TEST_LABEL] } });
  const published = list
    .map((info) => {
      const port = info.Ports.find((p) => p.PublicPort === ctx.port);
      return `${info.Labels['lucky.unit']} ${port?.IP ?? '-'}:${port?.PublicPort ?? '-'}`;
    })
    .sort();
  assert.equal(published, [`db/0 127.0.1.1:${ctx.port}`, `db/1 127.0.1.2:${ctx.port}`, `db/2 127.0.1.3:${ctx.port}`]);
});

test("each address answers with its own unit's server", async (ctx) => {
  for (const [n, unit] of ['db/0', 'db/1', 'db/2'].entries()) {
    const url = `http://127.0.1.${n + 1}:${ctx.port}/`;
    // httpd is up once the container runs, a moment after start: poll, no sleep.
    const body = await waitFor(
      () =>
        fetch(url, { signal: AbortSignal.timeout(1000) }).then(
          (response) => response.text(),
          () => '',
        ),
      `${url} to answer`,
    );
    assert.is(body, `${unit}\n`);
  }
});

test('a unit added later publishes the same port on its own address too', async (ctx) => {
  await ok(sim(ctx, 'add-unit', 'db'));
  const added = (await units(ctx)).find((unit) => unit.name === 'db/3');
  assert.equal([added?.workload.status, added?.address, added?.workload.message], ['active', '127.0.1.4', `serving on 127.0.1.4:${ctx.port}, 3 peers`]);
  const body = await waitFor(
    () =>
      fetch(`http://127.0.1.4:${ctx.port}/`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.text(),
        () => '',
      ),
    'db/3 to answer',
  );
  assert.is(body, 'db/3\n');
});

test.run();
