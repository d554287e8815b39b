import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, lucky, writeCharm } from '@lucky/test-utils';

const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));

interface Ctx {
  sim: TestModel;
  cluster: number;
  db: number;
}

const test = suite<Ctx>('demo charm: host scripts through lucky dispatch and the hook-tool simulator');

test.before(async (ctx) => {
  ctx.sim = await TestModel.create();
  await ctx.sim.model.addApplication('demo', { charmDir: DEMO, units: 2 });
  const pg = await writeCharm(join(ctx.sim.dir, 'fake-pg'), {
    'metadata.yaml': 'name: fake-pg\nprovides:\n  db:\n    interface: pgsql\n',
  });
  await ctx.sim.model.addApplication('pg', { charmDir: pg, units: 1 });
});

test.after(async (ctx) => {
  await ctx.sim.stop();
});

/** The KV store of a unit, read through the real CLI from outside any hook. */
async function kv(ctx: Ctx, unit: string): Promise<Record<string, string>> {
  const result = await lucky(['kv', 'get', '--format', 'json'], { ...ctx.sim.unitEnv(unit), JUJU_UNIT_NAME: unit });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

test('install runs the host script and the inline script, sourcing bin/functions.sh', async (ctx) => {
  for (const unit of ['demo/0', 'demo/1']) {
    const result = await ctx.sim.hook(unit, 'install');
    assert.is(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, `[lucky-demo] installing ${unit} in hook install`);
    const values = await kv(ctx, unit);
    assert.is(values['installed-by'], 'install');
    assert.is(values['install-script-id'], 'install_1');
    assert.is(values['install-count'], '1');
  }
  // Slots: install_0 (active), db (blocked, created second): the unit shows the worst.
  assert.equal(await ctx.sim.model.unitStatus('demo/0'), { status: 'blocked', message: 'Waiting for a database' });
  const history = (await ctx.sim.model.statusHistory('demo/0')).map((s) => `${s.status}:${s.message}`);
  assert.ok(history.includes('maintenance:Installing'), history.join(' | '));
});

test('the leader publishes a generated password and the other unit reads it', async (ctx) => {
  const leader = await ctx.sim.hook('demo/0', 'leader-elected');
  assert.is(leader.exitCode, 0, leader.stderr);
  assert.match(leader.stdout, 'leader: password is set');
  const follower = await ctx.sim.hook('demo/1', 'leader-settings-changed');
  assert.is(follower.exitCode, 0, follower.stderr);
  assert.match(follower.stdout, 'follower: leader password has 17 bytes');
  const state = await ctx.sim.model.state();
  const password = state.applications.demo?.leaderSettings.password;
  assert.is(password?.length, 16);
  assert.is((await kv(ctx, 'demo/1'))['shared-password'], password);
});

test('config-changed passes args, refreshes the config cache and waits for async entries', async (ctx) => {
  await ctx.sim.model.setConfig('demo', { greeting: 'Bonjour' });
  const result = await ctx.sim.hook('demo/0', 'config-changed');
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, 'configure called with 2 args: update / two words');
  const done = result.stdout.indexOf('config-changed done after the async scripts started');
  assert.ok(done >= 0 && done < result.stdout.indexOf('async first finished'), result.stdout);
  assert.ok(result.stdout.includes('async second finished'));
  const values = await kv(ctx, 'demo/0');
  assert.equal([values.greeting, values['configured-with'], values['async-first'], values['async-second']], ['Bonjour', 'update', 'done', 'done']);
  // Messages in slot-creation order: db was created before config.
  assert.equal(await ctx.sim.model.unitStatus('demo/0'), { status: 'blocked', message: 'Waiting for a database, Configured: Bonjour' });
});

test('start opens the configured port once the hook succeeded', async (ctx) => {
  const result = await ctx.sim.hook('demo/0', 'start');
  assert.is(result.exitCode, 0, result.stderr);
  const state = await ctx.sim.model.state();
  assert.match(result.stdout, `Bonjour from demo/0 at ${state.units['demo/0']?.privateAddress}`);
  assert.equal(await ctx.sim.model.openedPorts('demo/0'), ['8080/tcp']);
});

test('peers exchange addresses over the cluster relation', async (ctx) => {
  const id = await ctx.sim.model.addPeerRelation('demo', 'cluster');
  ctx.cluster = Number(id.split(':')[1]);
  await ctx.sim.model.joinUnit(ctx.cluster, 'demo/0');
  await ctx.sim.model.joinUnit(ctx.cluster, 'demo/1');
  for (const [unit, remote] of [
    ['demo/0', 'demo/1'],
    ['demo/1', 'demo/0'],
  ] as const) {
    const joined = await ctx.sim.hook(unit, 'cluster-relation-joined', { relationId: ctx.cluster, remoteUnit: remote });
    assert.is(joined.exitCode, 0, joined.stderr);
  }
  const changed = await ctx.sim.hook('demo/0', 'cluster-relation-changed', { relationId: ctx.cluster, remoteUnit: 'demo/1' });
  assert.is(changed.exitCode, 0, changed.stderr);
  assert.match(changed.stdout, 'peers: demo/1');
  const state = await ctx.sim.model.state();
  assert.is((await kv(ctx, 'demo/0'))['peer-demo-1'], state.units['demo/1']?.privateAddress);
});

test('database relation data turns into config and clears the blocked slot', async (ctx) => {
  const id = await ctx.sim.model.addRelation('demo:db', 'pg:db');
  ctx.db = Number(id.split(':')[1]);
  await ctx.sim.model.joinUnit(ctx.db, 'demo/0');
  await ctx.sim.model.joinUnit(ctx.db, 'pg/0');
  await ctx.sim.model.setRelationData(ctx.db, 'pg/0', { host: 'db.internal', user: 'demo', database: 'demo_db' });
  const result = await ctx.sim.hook('demo/0', 'db-relation-changed', { relationId: ctx.db, remoteUnit: 'pg/0' });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is((await kv(ctx, 'demo/0'))['db-url'], 'postgres://demo@db.internal/demo_db');
  assert.equal(await ctx.sim.model.unitStatus('demo/0'), { status: 'active', message: 'Configured: Bonjour' });
});

test('update-status writes a named slot from an inline script', async (ctx) => {
  const result = await ctx.sim.hook('demo/0', 'update-status');
  assert.is(result.exitCode, 0, result.stderr);
  assert.equal(await ctx.sim.model.unitStatus('demo/0'), { status: 'active', message: 'Configured: Bonjour, healthy since install' });
});

test('a failing script fails the hook, names the script and its code, and stops later entries', async (ctx) => {
  const result = await ctx.sim.hook('demo/0', 'fail-on-purpose');
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, 'about to fail');
  assert.match(result.stderr, 'Error: Hook "fail-on-purpose" failed: Host script "fail-on-purpose_inline" exited non-zero (3)');
  assert.is((await kv(ctx, 'demo/0'))['never-ran'], undefined);
});

test("a departing peer is seen through the current hook's JUJU_DEPARTING_UNIT", async (ctx) => {
  await ctx.sim.model.departUnit(ctx.cluster, 'demo/1');
  const result = await ctx.sim.hook('demo/0', 'cluster-relation-departed', { relationId: ctx.cluster, remoteUnit: 'demo/1', departingUnit: 'demo/1' });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is((await kv(ctx, 'demo/0'))['peer-demo-1'], undefined);
});

test('the daemon log holds the script output and hook results', async (ctx) => {
  const log = readFileSync(join(ctx.sim.unitEnv('demo/0').LUCKY_DATA_DIR!, 'daemon.log'), 'utf8');
  // Script output is stored compactly: the lines a stream produced at once, in one record per hook and stream.
  assert.match(log, /"hook":"install","s":"out","lines":\[[^\n]*"\[lucky-demo\] installing demo\/0 in hook install"/);
  assert.match(log, 'Hook fail-on-purpose failed');
  const jujuLog = (await ctx.sim.model.logs('demo/0')).map((entry) => entry.message);
  assert.ok(
    jujuLog.some((message) => message.includes('Hook fail-on-purpose failed')),
    jujuLog.join('\n'),
  );
});

test.run();
