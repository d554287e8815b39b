// The charm's lifecycle in Lucky's local Juju simulator: `npm test`.
// Hooks run through the charm's real dispatch file and scripts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalModel } from '@lucky/testing';

const charmDir = fileURLToPath(new URL('..', import.meta.url));
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

test('deploys: install, config-changed and start leave the unit active on its port', async () => {
  const outcomes = await model.deploy(charmDir, { name: '{{name}}' });
  assertSucceeded(outcomes);
  const hooks = outcomes.map((outcome) => outcome.hook);
  for (const hook of ['install', 'config-changed', 'start']) assert.ok(hooks.includes(hook), `${hook} did not run`);
  const web = await unit();
  assert.deepEqual(web.workload, { status: 'active', message: 'Serving on port 8080' });
  assert.deepEqual(web.ports, ['8080/tcp']);
});

test('an invalid port blocks the unit until it is fixed', async () => {
  assertSucceeded(await model.config('{{name}}', { port: 0 }));
  assert.deepEqual((await unit()).workload, { status: 'blocked', message: 'Invalid port 0: use 1-65535' });

  assertSucceeded(await model.config('{{name}}', { port: 9090 }));
  const web = await unit();
  assert.deepEqual(web.workload, { status: 'active', message: 'Serving on port 9090' });
  assert.deepEqual(web.ports, ['9090/tcp']);
});

test('update-status keeps a started unit active', async () => {
  assertSucceeded(await model.run('{{name}}/0', 'update-status'));
  assert.deepEqual((await unit()).workload, { status: 'active', message: 'Serving on port 9090' });
});

test('the refresh action applies the configuration again and reports it', async () => {
  const action = await model.runAction('{{name}}/0', 'refresh');
  assert.equal(action.status, 'completed', action.stderr);
  assert.match(action.stdout, /serving "Hello" on port 9090/);
  assert.deepEqual(action.results, { port: '9090', greeting: 'Hello' });
});
