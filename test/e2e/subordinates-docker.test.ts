/**
 * A subordinate charm on the Docker runtime through `lucky sim`: each subordinate unit's
 * container has its own name and unit label (units share their principal's machine, not
 * their containers), and removing the relation removes the subordinates' containers.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, tempDir, testImage, useDockerEngine, writeCharm, type DockerEngine, type LuckyResult } from '@lucky/test-utils';
import type Dockerode from 'dockerode';

const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
const HOST = fileURLToPath(new URL('../fixtures/lucky-host/', import.meta.url));
/** Every container this test makes carries it, so `after` removes only ours. */
const TEST_LABEL = 'lucky.test.subordinates-docker=1';

interface Ctx {
  engine: DockerEngine;
  docker: Dockerode;
  dir: string;
  image: string;
}

const test = suite<Ctx>('lucky sim: Docker containers of subordinate units');

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

/** The containers of this test: `name unit-label`, sorted. */
async function containers(ctx: Ctx): Promise<string[]> {
  const list = await ctx.docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } });
  return list.map((info) => `${(info.Names[0] ?? '').replace(/^\//, '')} ${info.Labels['lucky.unit'] ?? '-'}`).sort();
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.image = await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-sub-docker-');
  await writeCharm(join(ctx.dir, 'agent'), {
    'metadata.yaml': `name: agent
summary: A subordinate whose workload runs in a container next to its principal.
subordinate: true
requires:
  juju-info:
    interface: juju-info
    scope: container
`,
    'lucky.yaml': `hooks:
  install:
    - inline-host-script: |
        lucky container image set ${ctx.image} --no-pull
        lucky container set-command -- sleep 3600
        lucky set-status active "watching $JUJU_PRINCIPAL_UNIT"
`,
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
  });
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await removeDir(ctx.dir);
  await ctx.engine?.stop();
});

test("each subordinate unit runs its own container, named and labelled for the unit, not for its principal's", async (ctx) => {
  await ok(sim(ctx, 'deploy', HOST, 'host', '-n', '2'));
  await ok(sim(ctx, 'deploy', join(ctx.dir, 'agent')));
  await ok(sim(ctx, 'relate', 'agent', 'host'));
  assert.equal(await containers(ctx), ['lucky-agent-0-default agent/0', 'lucky-agent-1-default agent/1']);
});

test("removing the relation removes the subordinate units' containers", async (ctx) => {
  await ok(sim(ctx, 'remove-relation', 'agent', 'host'));
  assert.equal(await containers(ctx), []);
});

test.run();
