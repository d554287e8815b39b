// The charm's lifecycle in Lucky's local Juju simulator: `npm test`.
// The unit is a Kubernetes unit: its web container is a real Docker container under a
// Pebble-compatible server, started from WORKLOAD_IMAGE (default busybox:stable),
// which must be in the local Docker engine (`docker pull busybox:stable`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalModel } from '@lucky/testing';

const charmDir = fileURLToPath(new URL('..', import.meta.url));
const image = process.env.WORKLOAD_IMAGE || 'busybox:stable';
// Hooks run `lucky`: the one @lucky/cli installed, else the one on PATH.
const localBin = join(charmDir, 'node_modules', '.bin');

let root;
let model;

before(async () => {
  root = await mkdtemp(join(tmpdir(), '{{name}}-test-'));
  model = await LocalModel.create(join(root, 'model'), { path: existsSync(join(localBin, 'lucky')) ? [localBin] : [] });
});

after(async () => {
  await model?.destroy();
  await rm(root, { recursive: true, force: true });
});

/** Fails with the hook's output when a hook failed. */
function assertSucceeded(outcomes) {
  for (const outcome of outcomes) {
    assert.equal(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook} failed:\n${outcome.stdout}${outcome.stderr}`);
  }
}

async function unit(name = '{{name}}/0') {
  const status = await model.status();
  const found = status.applications.flatMap((app) => app.units).find((u) => u.name === name);
  assert.ok(found, `no unit ${name}`);
  return found;
}

test('deploys: web-pebble-ready starts the web service, the unit is active on its port', async () => {
  const outcomes = await model.deploy(charmDir, { name: '{{name}}', resources: { 'web-image': image } });
  assertSucceeded(outcomes);
  const hooks = outcomes.map((outcome) => outcome.hook);
  assert.deepEqual(hooks.slice(0, 4), ['install', 'leader-elected', 'config-changed', 'start']);
  assert.ok(hooks.includes('web-pebble-ready'), 'web-pebble-ready did not run');
  const web = await unit();
  assert.deepEqual(web.workload, { status: 'active', message: 'Serving on port 8080' });
  assert.deepEqual(web.ports, ['8080/tcp']);
  assert.deepEqual(
    web.containers?.[0]?.services.map((s) => [s.name, s.current]),
    [['web', 'active']],
  );
});

test('a new port restarts the service on it; an invalid one blocks the unit', async () => {
  assertSucceeded(await model.config('{{name}}', { port: 9090 }));
  assert.deepEqual((await unit()).workload, { status: 'active', message: 'Serving on port 9090' });
  assert.deepEqual((await unit()).ports, ['9090/tcp']);

  assertSucceeded(await model.config('{{name}}', { port: 0 }));
  assert.deepEqual((await unit()).workload, { status: 'blocked', message: 'Invalid port 0: use 1-65535' });
});

test('after the web container restarts (pod churn), web-pebble-ready sets it up again', async () => {
  assertSucceeded(await model.config('{{name}}', { port: 8080 }));
  const outcomes = await model.restartContainer('{{name}}/0', 'web');
  assertSucceeded(outcomes);
  assert.deepEqual(
    outcomes.map((o) => o.hook),
    ['web-pebble-ready'],
  );
  assert.deepEqual(
    (await unit()).containers?.[0]?.services.map((s) => [s.name, s.current]),
    [['web', 'active']],
  );
});
