// The charm in Lucky's local Juju simulator: `npm test`. Its units are Kubernetes units:
// the httpreq container is a real Docker container under a Pebble-compatible server,
// started from WORKLOAD_IMAGE (default lucky-httpreq-provider:0.1.0), which must be in
// the local Docker engine (`pnpm --filter @lucky/httpreq-provider image` in the Lucky
// repository builds it). Serving needs a git server reachable over SSH: Lucky's own
// end-to-end test (test/e2e/httpreq-provider.test.ts) runs a real lego against it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalModel } from '@lucky/testing';

const charmDir = fileURLToPath(new URL('..', import.meta.url));
const image = process.env.WORKLOAD_IMAGE || 'lucky-httpreq-provider:0.1.0';
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

async function workloads() {
  const status = await model.status();
  return status.applications.flatMap((app) => app.units).map((unit) => [unit.name, unit.workload]);
}

test('deploys two units; each waits for git-repo, naming it', async () => {
  assertSucceeded(await model.deploy(charmDir, { name: '{{name}}', units: 2, resources: { 'httpreq-image': image } }));
  assert.deepEqual(await workloads(), [
    ['{{name}}/0', { status: 'waiting', message: 'Config git-repo is required' }],
    ['{{name}}/1', { status: 'waiting', message: 'Config git-repo is required' }],
  ]);
});

test('then for git-ssh-key, then for a secret it can read', async () => {
  assertSucceeded(await model.config('{{name}}', { 'git-repo': 'git+ssh://git@git.example.invalid:2222/dns/zones.git@main' }));
  assert.deepEqual((await workloads())[0], ['{{name}}/0', { status: 'waiting', message: 'Config git-ssh-key is required' }]);

  assertSucceeded(await model.config('{{name}}', { 'git-ssh-key': 'secret:d0l4ft3ndudj2q1f2d6g' }));
  const [, workload] = (await workloads())[0];
  assert.equal(workload.status, 'waiting');
  assert.match(workload.message, /^Cannot read secret secret:d0l4ft3ndudj2q1f2d6g \(config git-ssh-key\): .+; grant it: juju grant-secret secret:d0l4ft3ndudj2q1f2d6g {{name}}$/);
});

test('actions fail until the service runs', async () => {
  const result = await model.runAction('{{name}}/0', 'create-user', { username: 'alice' });
  assert.equal(result.status, 'failed');
  assert.equal(result.message, 'Service not yet ready.');
});
