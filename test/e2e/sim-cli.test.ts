import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, simUnits, tempDir, type LuckyResult, type SimStatusJson, type SimUnit } from '@lucky/test-utils';

const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const DB = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));

interface Ctx {
  dir: string;
}

/** `lucky sim status --format json` (Juju's keys) and its units, flattened. */
interface StatusJson {
  raw: SimStatusJson;
  units: SimUnit[];
}

const test = suite<Ctx>('lucky sim: a two-application, three-unit model through the CLI');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-simcli-');
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  await removeDir(ctx.dir);
});

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: join(ctx.dir, 'model') });
}

async function status(ctx: Ctx): Promise<StatusJson> {
  const result = await sim(ctx, 'status', '--format', 'json');
  assert.is(result.exitCode, 0, result.stderr);
  return { raw: JSON.parse(result.stdout) as SimStatusJson, units: simUnits(result.stdout) };
}

function unit(s: StatusJson, name: string): SimUnit {
  const found = s.units.find((u) => u.name === name);
  assert.ok(found, `no unit ${name}`);
  return found;
}

async function kv(s: StatusJson, name: string): Promise<Record<string, string>> {
  const u = unit(s, name);
  const result = await lucky(['kv', 'get', '--format', 'json'], { LUCKY_DATA_DIR: u.dataDir, LUCKY_DAEMON_SOCKET: u.socketPath, JUJU_UNIT_NAME: name });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

test('deploy runs the install sequence on every unit, leader first', async (ctx) => {
  const demo = await sim(ctx, 'deploy', DEMO, 'demo', '-n', '2');
  assert.is(demo.exitCode, 0, demo.stdout + demo.stderr);
  const lines = demo.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(/\s+/).slice(0, 2).join(' '));
  for (const hook of ['install', 'leader-elected', 'config-changed', 'start']) assert.ok(lines.includes(`demo/0 ${hook}`), `${hook}:\n${demo.stdout}`);
  assert.ok(lines.includes('demo/1 leader-settings-changed'), demo.stdout);
  assert.ok(lines.indexOf('demo/0 install') < lines.indexOf('demo/0 start'));
  const db = await sim(ctx, 'deploy', DB, 'db');
  assert.is(db.exitCode, 0, db.stdout + db.stderr);
  const s = await status(ctx);
  assert.equal(
    Object.entries(s.raw.applications).map(([name, app]) => [name, Object.keys(app.units ?? {}).length]),
    [
      ['db', 1],
      ['demo', 2],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
  );
  assert.is(unit(s, 'demo/0').leader, true);
  assert.is(unit(s, 'demo/1').leader, false);
  assert.is.not(unit(s, 'demo/0').address, unit(s, 'demo/1').address);
  // The leader's generated password reached the other unit.
  assert.is((await kv(s, 'demo/1'))['shared-password']?.length, 16);
});

test('relating runs joined/changed on both sides and data flows both ways', async (ctx) => {
  const related = await sim(ctx, 'relate', 'demo:db', 'db');
  assert.is(related.exitCode, 0, related.stdout + related.stderr);
  const s = await status(ctx);
  assert.equal(s.raw.applications.demo?.relations?.db, [{ 'related-application': 'db', interface: 'pgsql', scope: 'global' }]);
  assert.equal(s.raw.applications.db?.relations?.db, [{ 'related-application': 'demo', interface: 'pgsql', scope: 'global' }]);
  for (const name of ['demo/0', 'demo/1']) {
    assert.is((await kv(s, name))['db-url'], `postgres://user-demo@${unit(s, 'db/0').address}/app`);
    assert.equal(unit(s, name).workload.status, 'active');
  }
  const dbKv = await kv(s, 'db/0');
  assert.is(dbKv['client-demo-0'], `http://${unit(s, 'demo/0').address}:8080`);
});

test('config changes are checked against config.yaml and run config-changed', async (ctx) => {
  const bad = await sim(ctx, 'config', 'demo', 'port=eighty');
  assert.is(bad.exitCode, 1);
  assert.match(bad.stderr, /^Error: .*port.*/);
  const unknown = await sim(ctx, 'config', 'demo', 'colour=blue');
  assert.is(unknown.exitCode, 1);
  assert.match(unknown.stderr, /colour/);
  const good = await sim(ctx, 'config', 'demo', 'greeting=Bonjour');
  assert.is(good.exitCode, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /demo\/0\s+config-changed\s+ok/);
  const shown = await sim(ctx, 'config', 'demo');
  assert.match(shown.stdout, /^greeting=Bonjour\nport=8080\n$/);
  const s = await status(ctx);
  assert.is((await kv(s, 'demo/1')).greeting, 'Bonjour');
});

test('a failing hook puts the unit in error until resolved retries it', async (ctx) => {
  let s = await status(ctx);
  const marker = join(unit(s, 'demo/1').dataDir, 'fail-update-status');
  writeFileSync(marker, '');
  const failed = await sim(ctx, 'hook', 'demo/1', 'update-status');
  assert.is(failed.exitCode, 1);
  assert.match(failed.stdout, /demo\/1\s+update-status\s+failed \(exit 1\)/);
  assert.match(failed.stdout, /update-status fails until fail-update-status is removed/);
  s = await status(ctx);
  // As Juju shows a failed hook: the workload in error with the hook named, the agent idle until resolved.
  assert.equal(unit(s, 'demo/1').workload, { status: 'error', message: 'hook failed: "update-status"' });
  assert.is(unit(s, 'demo/1').agent, 'idle');
  const table = await sim(ctx, 'status');
  assert.match(table.stdout, /\ndemo\/1\s+error\s+idle\s+1\s+127\.0\.1\.\d+\s+8080\/tcp\s+hook failed: "update-status"\n/);
  const refused = await sim(ctx, 'hook', 'demo/1', 'config-changed');
  assert.is(refused.exitCode, 1);
  assert.match(refused.stderr, /error/);
  rmSync(marker);
  const resolved = await sim(ctx, 'resolved', 'demo/1');
  assert.is(resolved.exitCode, 0, resolved.stdout + resolved.stderr);
  s = await status(ctx);
  assert.is.not(unit(s, 'demo/1').workload.status, 'error');
});

test('resolved --no-retry marks a hook that keeps failing resolved without running it again', async (ctx) => {
  let s = await status(ctx);
  const marker = join(unit(s, 'demo/1').dataDir, 'fail-update-status');
  writeFileSync(marker, '');
  const failed = await sim(ctx, 'hook', 'demo/1', 'update-status');
  assert.is(failed.exitCode, 1);
  const retried = await sim(ctx, 'resolved', 'demo/1');
  assert.is(retried.exitCode, 1, 'the retry runs the hook, which fails again');
  assert.match(retried.stdout, /demo\/1\s+update-status\s+failed \(exit 1\)/);
  const skipped = await sim(ctx, 'resolved', 'demo/1', '--no-retry');
  assert.is(skipped.exitCode, 0, skipped.stdout + skipped.stderr);
  assert.not.match(skipped.stdout, /update-status/);
  s = await status(ctx);
  assert.is.not(unit(s, 'demo/1').workload.status, 'error');
  rmSync(marker);
  const help = await sim(ctx, 'resolved', '--help');
  assert.match(help.stdout, /--no-retry/);
});

test('removing a unit runs departed on the others, and broken, stop and remove on it', async (ctx) => {
  const removed = await sim(ctx, 'remove-unit', 'demo/1');
  assert.is(removed.exitCode, 0, removed.stdout + removed.stderr);
  assert.match(removed.stdout, /demo\/0\s+cluster-relation-departed\s+ok/);
  assert.match(removed.stdout, /db\/0\s+db-relation-departed\s+ok/);
  assert.match(removed.stdout, /demo\/1\s+stop\s+ok/);
  assert.match(removed.stdout, /demo\/1\s+remove\s+ok/);
  const s = await status(ctx);
  assert.equal(
    s.units.filter((u) => u.application === 'demo').map((u) => u.name),
    ['demo/0'],
  );
  assert.is((await kv(s, 'demo/0'))['peer-demo-1'], undefined);
});

test('the status table and the hook log', async (ctx) => {
  const table = await sim(ctx, 'status');
  assert.is(table.exitCode, 0);
  assert.match(table.stdout, /^Model /);
  assert.match(
    table.stdout,
    /^Model +Controller +Cloud\/Region +Version +SLA +Timestamp\nlocal +lucky-sim +localhost\/localhost +3\.6\.8 +unsupported +\d\d:\d\d:\d\dZ\n/,
  );
  assert.match(
    table.stdout,
    /\n\nApp +Version +Status +Scale +Charm +Channel +Rev +Exposed +Message\ndb +active +1 +lucky-db +0 +no +\S.*\ndemo +active +1 +lucky-demo +0 +no +Configured: Bonjour\n/,
  );
  assert.match(table.stdout, /\n\nUnit +Workload +Agent +Machine +Public address +Ports +Message\n/);
  assert.match(table.stdout, /\ndemo\/0\* +active +idle +0 +127\.0\.1\.1 +8080\/tcp +Configured: Bonjour\n/);
  assert.match(table.stdout, /\n\nMachine +State +Address +Inst id +Base +AZ +Message\n0 +started +127\.0\.1\.1 +juju-[0-9a-f]{6}-0 +\S+ +Running\n/);
  assert.match(
    table.stdout,
    /\n\nIntegration provider +Requirer +Interface +Type +Message\ndb:db +demo:db +pgsql +regular\ndemo:cluster +demo:cluster +lucky-demo-peers +peer\n/,
  );
  const log = await sim(ctx, 'log', 'demo/0');
  assert.match(log.stdout, /^demo\/0 install: exit 0\n/);
  assert.match(log.stdout, /\ndemo\/0 cluster-relation-created: exit 0\n/);
  assert.match(log.stdout, /^demo\/0 install: exit 0\n {2}out\| \[lucky-demo\] installing demo\/0 in hook install\n/);
});

test('bad input is refused with one clear line and changes nothing', async (ctx) => {
  // The model as JSON, without the controller's timestamp (the time of asking).
  const snapshot = async (): Promise<unknown> => ({ ...(JSON.parse((await sim(ctx, 'status', '--format', 'json')).stdout) as object), controller: null });
  const before = await snapshot();
  const noMeta = await tempDir();
  const cases: Array<[string[], RegExp]> = [
    [['deploy', noMeta], /metadata\.yaml/],
    [['deploy', DEMO, 'demo'], /demo/],
    [['add-unit', 'nope'], /nope/],
    [['remove-unit', 'demo/7'], /demo\/7/],
    [['relate', 'demo:website', 'db:db'], /interface/],
    [['hook', 'ghost/0', 'install'], /ghost\/0/],
    [['hook', 'demo/0', 'flaky'], /cannot receive the hook "flaky"/],
    [['run', 'demo/0', 'backup'], /action "backup" not defined on unit "demo\/0"/],
    [['config', 'nope', 'a=b'], /nope/],
  ];
  for (const [args, message] of cases) {
    const result = await sim(ctx, ...args);
    assert.is(result.exitCode, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    assert.match(result.stderr, /^Error: /);
    assert.match(result.stderr, message);
    assert.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  }
  await removeDir(noMeta);
  assert.equal(await snapshot(), before);
  const missing = await lucky(['sim', 'status'], { LUCKY_SIM_MODEL: join(ctx.dir, 'no-model') });
  assert.is(missing.exitCode, 1);
  assert.ok(!existsSync(join(ctx.dir, 'no-model')));
});

test.run();
