import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel, type HookOutcome } from '@lucky/testing';
import { create, luckyBinDir, removeDir, tempDir, TESTING_PACKAGE } from './support.js';

interface Ctx {
  root: string;
  charm: string;
  bin: string;
}

const test = suite<Ctx>('the generated charm runs as generated, in the simulator');

test.before(async (ctx) => {
  ctx.root = await tempDir('generated');
  const result = await create(ctx.root, ['fresh', '--yes', '--no-git', '--name', 'fresh', '--display-name', 'Fresh Charm']);
  assert.is(result.exitCode, 0, result.stderr);
  ctx.charm = join(ctx.root, 'fresh');
  ctx.bin = await luckyBinDir(ctx.root);
});

test.after(async (ctx) => {
  await removeDir(ctx.root);
});

function assertSucceeded(outcomes: readonly HookOutcome[]): void {
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook} failed:\n${outcome.stdout}${outcome.stderr}`);
}

async function kv(model: LocalModel, unit: string): Promise<Record<string, string>> {
  const result = await execa('lucky', ['kv', 'get', '--format', 'json'], { env: model.unitEnv(unit), extendEnv: false, reject: false });
  assert.is(result.exitCode, 0, String(result.stderr));
  return JSON.parse(String(result.stdout)) as Record<string, string>;
}

test('LocalModel: deploy, config changes, update-status, the action and the peer relation', async (ctx) => {
  const model = await LocalModel.create(join(ctx.root, 'model'), { path: [ctx.bin] });
  try {
    const deployed = await model.deploy(ctx.charm, { units: 2 });
    assertSucceeded(deployed);
    const hooks = deployed.filter((outcome) => outcome.unit === 'fresh/0').map((outcome) => outcome.hook);
    assert.equal(hooks.slice(0, 5), ['install', 'cluster-relation-created', 'leader-elected', 'config-changed', 'start']);
    assert.match(deployed.find((o) => o.unit === 'fresh/0' && o.hook === 'install')?.stdout ?? '', '[fresh/0] installing in hook install');
    assert.match(deployed.find((o) => o.unit === 'fresh/0' && o.hook === 'start')?.stdout ?? '', '[fresh/0] started, serving on port 8080');

    const units = async () => (await model.status()).applications[0]?.units ?? [];
    for (const unit of await units()) {
      assert.equal(unit.workload, { status: 'active', message: 'Serving on port 8080' }, unit.name);
      assert.equal(unit.ports, ['8080/tcp']);
    }
    const values = await kv(model, 'fresh/0');
    assert.is(values.started, 'true');
    assert.match(values['started-at'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'the async entry ran');
    assert.is(values['peer-fresh-1'], '127.0.1.2', "relation.sh stored the peer's address");
    // install recorded the container; with use-docker: false nothing runs it and the container entries are skipped.
    const image = await execa('lucky', ['container', 'image', 'get', '-c', 'web'], { env: model.unitEnv('fresh/0'), extendEnv: false, reject: false });
    assert.is(String(image.stdout), 'nginx:stable-alpine', String(image.stderr));

    assertSucceeded(await model.config('fresh', { port: 0 }));
    assert.equal((await units())[0]?.workload, { status: 'blocked', message: 'Invalid port 0: use 1-65535' });

    const changed = await model.config('fresh', { port: '9090', debug: true });
    assertSucceeded(changed);
    assert.match(changed[0]?.stdout ?? '', 'configure (config-changed): port=9090 greeting=Hello');
    for (const unit of await units()) {
      assert.equal(unit.workload, { status: 'active', message: 'Serving on port 9090' }, unit.name);
      assert.equal(unit.ports, ['9090/tcp']);
    }

    assertSucceeded(await model.run('fresh/0', 'update-status'));
    assert.equal((await units())[0]?.workload, { status: 'active', message: 'Serving on port 9090' });

    // refresh is an action (actions: in lucky.yaml): it runs like juju run, and reports what it serves.
    const refreshed = await model.runAction('fresh/0', 'refresh');
    assert.is(refreshed.status, 'completed', refreshed.stderr);
    assert.match(refreshed.stdout, '[fresh/0] serving "Hello" on port 9090');
    assert.equal(refreshed.results, { port: '9090', greeting: 'Hello' });

    assertSucceeded(await model.removeUnit('fresh/1'));
    assert.is((await kv(model, 'fresh/0'))['peer-fresh-1'], undefined, 'cluster-relation-departed forgot the peer');
  } finally {
    await model.destroy();
  }
});

test('its own tests/charm.test.mjs passes under node --test', async (ctx) => {
  // What `npm install` would provide: @lucky/testing, and `lucky` in node_modules/.bin.
  await mkdir(join(ctx.charm, 'node_modules', '@lucky'), { recursive: true });
  await symlink(TESTING_PACKAGE, join(ctx.charm, 'node_modules', '@lucky', 'testing'));
  await mkdir(join(ctx.charm, 'node_modules', '.bin'));
  await symlink(join(ctx.bin, 'lucky'), join(ctx.charm, 'node_modules', '.bin', 'lucky'));
  const result = await execa(process.execPath, ['--test', 'tests/'], { cwd: ctx.charm, reject: false, env: { NODE_OPTIONS: '' } });
  const output = String(result.stdout) + String(result.stderr);
  assert.is(result.exitCode, 0, output);
  assert.match(output, /# pass 4\n/);
  assert.match(output, /# fail 0\n/);
});

test.run();
