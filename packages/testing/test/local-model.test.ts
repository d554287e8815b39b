import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel, type HookOutcome, type ModelState } from '../src/index.js';
import { rejects, tempDir } from './support.js';

const DEMO = fileURLToPath(new URL('../../../test/fixtures/lucky-demo/', import.meta.url));
const LUCKY_CJS = fileURLToPath(new URL('../../cli/bin/lucky.cjs', import.meta.url));
const DIST_INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** A directory holding a `lucky` executable: the workspace's built CLI (run `pnpm build` first). */
async function luckyBinDir(root: string): Promise<string> {
  const bin = join(root, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(LUCKY_CJS, join(bin, 'lucky'));
  return bin;
}

/**
 * A second Lucky charm: it provides `db`, publishing where the database is when a
 * client joins, records what clients publish, and consumes `website`, whose -changed
 * hook fails until the test creates `allow-website` in the charm directory.
 */
async function writeFakePg(dir: string, version: 1 | 2 = 1): Promise<string> {
  await mkdir(dir, { recursive: true });
  // Version 2 adds a peer endpoint, a config option and an upgrade-charm entry.
  const v2 = version === 2;
  const files: Record<string, string> = {
    'metadata.yaml': `name: fake-pg
summary: A database that exists only in relation data.
${v2 ? 'peers:\n  replicas:\n    interface: pg-replicas\n' : ''}provides:
  db:
    interface: pgsql
  admin:
    interface: http
requires:
  website:
    interface: http
`,
    'lucky.yaml': `use-docker: false
hooks:
  install:
    - inline-host-script: lucky set-status active ready
  db-relation-joined:
    - inline-host-script: lucky relation set host="$(lucky private-address)" user=demo database=demo_db
  db-relation-changed:
    - inline-host-script: lucky kv set "db-client-$(echo "$JUJU_REMOTE_UNIT" | tr / -)=$(lucky relation get private-address)"
  website-relation-changed:
    - inline-host-script: |
        if [ ! -e "$JUJU_CHARM_DIR/allow-website" ]; then echo "website: not allowed yet" >&2; exit 1; fi
        lucky kv set "web-$(echo "$JUJU_REMOTE_UNIT" | tr / -)=$(lucky relation get hostname):$(lucky relation get port)"
  website-relation-departed:
    - inline-host-script: lucky kv delete "web-$(echo "$JUJU_DEPARTING_UNIT" | tr / -)"
${v2 ? '  upgrade-charm:\n    - inline-host-script: lucky kv set upgraded-to="$(lucky get-config max-connections)"\n' : ''}`,
    ...(v2 ? { 'config.yaml': 'options:\n  max-connections:\n    type: int\n    default: 100\n' } : {}),
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  await chmod(join(dir, 'dispatch'), 0o755);
  return dir;
}

function names(outcomes: readonly HookOutcome[]): string[] {
  return outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}`);
}

function assertAllSucceeded(outcomes: readonly HookOutcome[]): void {
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook} failed:\n${outcome.stderr}`);
}

interface Ctx {
  root: string;
  model: LocalModel;
  pgCharm: string;
  /** Every outcome returned so far, to compare with the hook log. */
  all: HookOutcome[];
}

async function kv(model: LocalModel, unit: string): Promise<Record<string, string>> {
  const result = await execa('lucky', ['kv', 'get', '--format', 'json'], { env: model.unitEnv(unit), extendEnv: false, reject: false });
  assert.is(result.exitCode, 0, String(result.stderr));
  return JSON.parse(String(result.stdout)) as Record<string, string>;
}

const scenario = suite<Ctx>('LocalModel: two applications, three units, through lucky dispatch');

scenario.before(async (ctx) => {
  ctx.root = await tempDir('local-model');
  // Serial: these steps check the queue's exact order across units (Juju's order per unit, and which
  // changes requeue which hooks); concurrent-hooks.test.ts checks what concurrent units guarantee.
  ctx.model = await LocalModel.create(join(ctx.root, 'model'), { path: [await luckyBinDir(ctx.root)], name: 'dev', serial: true });
  ctx.pgCharm = await writeFakePg(join(ctx.root, 'fake-pg'));
  ctx.all = [];
});

scenario.after(async (ctx) => {
  await ctx.model.destroy();
  assert.not.ok(existsSync(ctx.model.dir), 'destroy removes the model directory');
  await rm(ctx.root, { recursive: true, force: true });
});

scenario('deploy runs install, relation-created, leader hooks, config-changed, start, then peers join', async (ctx) => {
  const demo = await ctx.model.deploy(DEMO, { name: 'demo', units: 2 });
  ctx.all.push(...demo);
  assertAllSucceeded(demo);
  assert.equal(names(demo).slice(0, 10), [
    'demo/0 install',
    'demo/0 cluster-relation-created',
    'demo/0 leader-elected',
    'demo/0 config-changed',
    'demo/0 start',
    'demo/1 install',
    'demo/1 cluster-relation-created',
    'demo/1 leader-settings-changed',
    'demo/1 config-changed',
    'demo/1 start',
  ]);
  // Peers: joined then changed on both sides; demo/0's address, written in its -joined, reaches demo/1 in one more -changed.
  assert.equal(names(demo).slice(10), [
    'demo/1 cluster-relation-joined',
    'demo/1 cluster-relation-changed',
    'demo/0 cluster-relation-joined',
    'demo/0 cluster-relation-changed',
    'demo/1 cluster-relation-changed',
  ]);
  const pg = await ctx.model.deploy(ctx.pgCharm, { name: 'pg' });
  ctx.all.push(...pg);
  assertAllSucceeded(pg);
  assert.equal(names(pg), ['pg/0 install', 'pg/0 leader-elected', 'pg/0 config-changed', 'pg/0 start']);

  const status = await ctx.model.status();
  assert.is(status.name, 'dev');
  assert.equal(
    status.applications.map((app) => [app.name, app.charm, app.units.map((unit) => unit.name)]),
    [
      ['demo', 'lucky-demo', ['demo/0', 'demo/1']],
      ['pg', 'fake-pg', ['pg/0']],
    ],
  );
  const units = status.applications.flatMap((app) => app.units);
  assert.equal(
    units.map((unit) => unit.leader),
    [true, false, true],
  );
  assert.equal(
    units.map((unit) => unit.agent),
    [
      { status: 'idle', message: '' },
      { status: 'idle', message: '' },
      { status: 'idle', message: '' },
    ],
  );
  assert.is(new Set(units.map((unit) => unit.address)).size, 3, 'a distinct address per unit');
  assert.is(new Set(units.map((unit) => unit.socketPath)).size, 3, 'a daemon per unit');
  for (const unit of units) assert.match(unit.address, /^127\.0\.1\.\d+$/);
  assert.equal(units[0]?.workload, { status: 'blocked', message: 'Waiting for a database, Configured: Hello' });
  assert.equal(units[0]?.ports, ['8080/tcp']);
  assert.equal(units[2]?.workload, { status: 'active', message: 'ready' });
  assert.equal(status.relations, [{ id: 0, endpoints: ['demo:cluster'], interface: 'lucky-demo-peers', peer: true }]);

  const state = await ctx.model.simulator.state();
  const password = state.applications.demo?.leaderSettings.password ?? '';
  assert.is(password.length, 16);
  assert.is((await kv(ctx.model, 'demo/1'))['shared-password'], password, 'the follower read the leader password');
  assert.match(
    demo.find((outcome) => outcome.unit === 'demo/1' && outcome.hook === 'leader-settings-changed')?.stdout ?? '',
    'follower: leader password has 17 bytes',
  );
  assert.is((await kv(ctx.model, 'demo/1'))['peer-demo-0'], units[0]?.address);
  assert.is((await kv(ctx.model, 'demo/0'))['peer-demo-1'], units[1]?.address);
});

scenario('relate: -created on every unit, then -joined/-changed both ways; data flows both ways', async (ctx) => {
  const db = await ctx.model.relate('demo:db', 'pg');
  ctx.all.push(...db);
  assertAllSucceeded(db);
  assert.equal(names(db).slice(0, 3), ['demo/0 db-relation-created', 'demo/1 db-relation-created', 'pg/0 db-relation-created']);
  const pairs = names(db).slice(3, 11);
  assert.equal(pairs, [
    'demo/0 db-relation-joined',
    'demo/0 db-relation-changed',
    'pg/0 db-relation-joined',
    'pg/0 db-relation-changed',
    'demo/1 db-relation-joined',
    'demo/1 db-relation-changed',
    'pg/0 db-relation-joined',
    'pg/0 db-relation-changed',
  ]);
  // pg/0 published in its first -joined after demo/0's -changed had run: demo/0 hears of it again.
  assert.ok(names(db).slice(11).includes('demo/0 db-relation-changed'), names(db).join('\n'));
  const runs = (await ctx.model.hookLog('pg/0')).filter((run) => run.hook === 'db-relation-joined');
  assert.equal(
    runs.map((run) => run.env.JUJU_REMOTE_UNIT),
    ['demo/0', 'demo/1'],
  );

  const status = await ctx.model.status();
  const [demo0, demo1, pg0] = status.applications.flatMap((app) => app.units);
  const rel = status.relations.find((relation) => relation.interface === 'pgsql');
  assert.equal(rel, { id: 1, endpoints: ['demo:db', 'pg:db'], interface: 'pgsql', peer: false });
  const data = await ctx.model.simulator.relationData(1);
  assert.equal(data.units['pg/0'], {
    'egress-subnets': `${pg0?.address}/32`,
    'ingress-address': pg0?.address,
    'private-address': pg0?.address,
    host: pg0?.address,
    user: 'demo',
    database: 'demo_db',
  });
  for (const unit of ['demo/0', 'demo/1']) {
    assert.is((await kv(ctx.model, unit))['db-url'], `postgres://demo@${pg0?.address}/demo_db`, unit);
  }
  const pgKv = await kv(ctx.model, 'pg/0');
  assert.is(pgKv['db-client-demo-0'], demo0?.address);
  assert.is(pgKv['db-client-demo-1'], demo1?.address);
  // The db slot is no longer blocked once the database is known.
  assert.equal(demo0?.workload, { status: 'active', message: 'Configured: Hello' });
});

scenario('a failing hook puts its unit in error, its queue waits while others go on, resolved continues it', async (ctx) => {
  const website = await ctx.model.relate('demo', 'pg:website');
  ctx.all.push(...website);
  const failed = website.filter((outcome) => outcome.exitCode !== 0);
  assert.equal(names(failed), ['pg/0 website-relation-changed']);
  assert.match(failed[0]?.stderr ?? '', 'website: not allowed yet');
  const after = names(website.slice(website.indexOf(failed[0] as HookOutcome) + 1));
  assert.ok(after.length > 0 && after.every((name) => name.startsWith('demo/1 ')), `demo/1 went on: ${after.join(', ')}`);

  const status = await ctx.model.status();
  const pg0 = status.applications.find((app) => app.name === 'pg')?.units[0];
  assert.equal(pg0?.agent, { status: 'error', message: 'hook failed: "website-relation-changed"' });
  assert.equal((await ctx.model.simulator.statusHistory('pg/0')).at(-1), { status: 'error', message: 'hook failed: "website-relation-changed"' });
  await rejects(ctx.model.run('pg/0', 'update-status'), /^Unit pg\/0 is in error \(hook failed: "website-relation-changed"\); resolve it first\.$/);
  await rejects(ctx.model.removeUnit('pg/0'), /pg\/0 is in error/);
  await rejects(ctx.model.addUnit('demo'), /pg\/0 is in error/);
  // Units of other applications are not held up.
  const other = await ctx.model.run('demo/0', 'update-status');
  ctx.all.push(...other);
  assert.equal(names(other), ['demo/0 update-status']);
  assertAllSucceeded(other);

  // The queue and the error are on disk: another process resolves the unit.
  await writeFile(join(ctx.pgCharm, 'allow-website'), '');
  const script = `import { LocalModel } from ${JSON.stringify(DIST_INDEX)};
const model = await LocalModel.open(${JSON.stringify(ctx.model.dir)});
const outcomes = await model.resolved('pg/0');
process.stdout.write(JSON.stringify(outcomes));
`;
  const child = await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
  assert.is(child.exitCode, 0, String(child.stderr));
  const resolved = JSON.parse(String(child.stdout)) as HookOutcome[];
  ctx.all.push(...resolved);
  assertAllSucceeded(resolved);
  assert.equal(names(resolved), ['pg/0 website-relation-changed', 'pg/0 website-relation-joined', 'pg/0 website-relation-changed']);
  assert.equal(
    (await ctx.model.hookLog('pg/0')).slice(-3).map((run) => run.env.JUJU_REMOTE_UNIT),
    ['demo/0', 'demo/1', 'demo/1'],
    'the failed hook is retried with its own remote unit',
  );
  const fresh = await ctx.model.status();
  assert.equal(fresh.applications.find((app) => app.name === 'pg')?.units[0]?.agent, { status: 'idle', message: '' });
  const pgKv = await kv(ctx.model, 'pg/0');
  const [demo0, demo1] = fresh.applications[0]?.units ?? [];
  assert.is(pgKv['web-demo-0'], `${demo0?.address}:8080`);
  assert.is(pgKv['web-demo-1'], `${demo1?.address}:8080`);
});

scenario('lucky-demo fail-on-purpose: error, a retry that fails again, then resolved without retry', async (ctx) => {
  const seen: string[] = [];
  let streamed = '';
  ctx.model.listener = {
    hookStarted: (unit, hook) => seen.push(`started ${unit} ${hook}`),
    output: (_unit, _hook, stream, chunk) => {
      if (stream === 'stderr') streamed += chunk;
    },
    hookFinished: (outcome) => seen.push(`finished ${outcome.unit} ${outcome.hook} ${outcome.exitCode}`),
  };
  const failed = await ctx.model.run('demo/1', 'fail-on-purpose').finally(() => (ctx.model.listener = null));
  ctx.all.push(...failed);
  assert.equal(seen, ['started demo/1 fail-on-purpose', 'finished demo/1 fail-on-purpose 1']);
  assert.match(streamed, 'about to fail');
  assert.equal(names(failed), ['demo/1 fail-on-purpose']);
  assert.is(failed[0]?.exitCode, 1);
  assert.match(failed[0]?.stderr ?? '', 'about to fail');
  const retry = await ctx.model.resolved('demo/1');
  ctx.all.push(...retry);
  assert.equal(
    retry.map((outcome) => [outcome.unit, outcome.hook, outcome.exitCode]),
    [['demo/1', 'fail-on-purpose', 1]],
  );
  assert.is((await ctx.model.status()).applications[0]?.units[1]?.agent.status, 'error');
  assert.equal(await ctx.model.resolved('demo/1', { retry: false }), []);
  assert.is((await ctx.model.status()).applications[0]?.units[1]?.agent.status, 'idle');
  assert.is((await kv(ctx.model, 'demo/1'))['never-ran'], undefined);
});

scenario('config coerces command-line strings, runs config-changed on every unit, and null resets', async (ctx) => {
  const changed = await ctx.model.config('demo', { greeting: 'Bonjour', port: '9090' });
  ctx.all.push(...changed);
  assertAllSucceeded(changed);
  assert.equal(names(changed), ['demo/0 config-changed', 'demo/1 config-changed']);
  assert.equal((await ctx.model.simulator.state()).applications.demo?.config, { greeting: 'Bonjour', port: 9090 });
  assert.is((await kv(ctx.model, 'demo/1')).greeting, 'Bonjour');
  assert.equal(await ctx.model.config('demo', { port: 9090 }), [], 'no change, no hook');
  const reset = await ctx.model.config('demo', { greeting: null });
  ctx.all.push(...reset);
  assertAllSucceeded(reset);
  assert.is((await kv(ctx.model, 'demo/0')).greeting, 'Hello');
});

scenario('bad input is refused with one clear line and leaves the model unchanged', async (ctx) => {
  const empty = join(ctx.root, 'not-a-charm');
  await mkdir(empty, { recursive: true });
  const dropsDb = join(ctx.root, 'drops-db');
  await mkdir(dropsDb, { recursive: true });
  await writeFile(join(dropsDb, 'metadata.yaml'), 'name: fake-pg\nprovides:\n  admin:\n    interface: http\nrequires:\n  website:\n    interface: http\n');
  await writeFile(join(dropsDb, 'dispatch'), '#!/bin/sh\n', { mode: 0o755 });
  const before: ModelState = await ctx.model.simulator.state();
  const statusBefore = await ctx.model.status();
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['no metadata', () => ctx.model.deploy(empty), /is not a charm: it has neither metadata\.yaml nor charmcraft\.yaml\.$/],
    ['no directory', () => ctx.model.deploy(join(ctx.root, 'nowhere')), /^Charm directory .*nowhere does not exist\.$/],
    ['duplicate application', () => ctx.model.deploy(ctx.pgCharm, { name: 'pg' }), /^Application pg already exists\.$/],
    [
      'undeclared config key',
      () => ctx.model.deploy(DEMO, { name: 'demo2', config: { colour: 'red' } }),
      /^Application demo2 has no config option "colour"; its charm declares: greeting, port\.$/,
    ],
    [
      'wrong config type at deploy',
      () => ctx.model.deploy(DEMO, { name: 'demo2', config: { port: 'eighty' } }),
      /^Invalid value "eighty" for config option "port" of demo2: expected an int\.$/,
    ],
    ['undeclared config key', () => ctx.model.config('demo', { colour: 'red' }), /has no config option "colour"/],
    ['not an int', () => ctx.model.config('demo', { port: 1.5 }), /^Invalid value 1\.5 for config option "port" of demo: expected an int\.$/],
    ['not a string', () => ctx.model.config('demo', { greeting: 42 }), /expected a string/],
    ['unknown application', () => ctx.model.config('nope', {}), /^Application nope does not exist \(applications: demo, pg\)\.$/],
    ['unknown application', () => ctx.model.addUnit('nope'), /^Application nope does not exist/],
    ['unknown unit', () => ctx.model.removeUnit('demo/7'), /^Unit demo\/7 does not exist \(units of demo: demo\/0, demo\/1\)\.$/],
    ['unknown unit', () => ctx.model.run('ghost/0', 'update-status'), /^Unit ghost\/0 does not exist\.$/],
    ['not in error', () => ctx.model.resolved('demo/0'), /^Unit demo\/0 is not in error/],
    ['relation hook', () => ctx.model.run('demo/0', 'db-relation-changed'), /is a relation hook/],
    ['bad hook name', () => ctx.model.run('demo/0', 'Bad Hook'), /^Invalid hook name "Bad Hook"/],
    [
      'interfaces differ',
      () => ctx.model.relate('demo:website', 'pg:db'),
      /^Cannot relate demo:website \(provides, interface http\) to pg:db \(provides, interface pgsql\): their interfaces differ\.$/,
    ],
    ['provides to provides', () => ctx.model.relate('demo:website', 'pg:admin'), /: both are provides endpoints\.$/],
    ['unknown endpoint', () => ctx.model.relate('demo:nope', 'pg'), /^Application demo has no endpoint "nope" \(endpoints: cluster, db, website\)\.$/],
    ['unknown application', () => ctx.model.relate('demo', 'ghost'), /^Application ghost does not exist/],
    ['peer endpoint', () => ctx.model.relate('demo:cluster', 'pg'), /is a peer endpoint/],
    ['already related', () => ctx.model.relate('demo:db', 'pg:db'), /^demo:db and pg:db are already related \(relation 1\)\.$/],
    ['no relation', () => ctx.model.removeRelation('demo', 'pg:admin'), /^There is no relation between demo and pg:admin\.$/],
    ['ambiguous', () => ctx.model.removeRelation('demo', 'pg'), /^Ambiguous: demo and pg are related more than once/],
    ['bad units', () => ctx.model.addUnit('demo', 0), /at least 1/],
    [
      'upgrade dropping an endpoint in use',
      () => ctx.model.upgrade('pg', dropsDb),
      /^Cannot upgrade pg: relation 1 uses endpoint "db", which the new charm does not declare\.$/,
    ],
    ['upgrade to no charm', () => ctx.model.upgrade('pg', empty), /is not a charm/],
  ];
  for (const [what, call, pattern] of cases) {
    try {
      await call();
    } catch (error) {
      const message = (error as Error).message;
      assert.match(message, pattern, what);
      assert.not.match(message, '\n', `${what}: one line`);
      continue;
    }
    assert.unreachable(`${what}: expected a refusal`);
  }
  assert.equal(await ctx.model.simulator.state(), before);
  assert.equal(await ctx.model.status(), statusBefore);
  await rejects(LocalModel.create(ctx.model.dir), /already holds a model/);
  await rejects(LocalModel.open(empty), /^There is no model in .*not-a-charm/);
});

scenario('removing the leader: the others see -departed, it runs -broken, stop, remove; leadership moves', async (ctx) => {
  const password = (await ctx.model.simulator.state()).applications.demo?.leaderSettings.password;
  const socket = ctx.model.unitEnv('demo/0').LUCKY_DAEMON_SOCKET ?? '';
  assert.ok(existsSync(socket), 'demo/0 has a daemon');
  const removed = await ctx.model.removeUnit('demo/0');
  ctx.all.push(...removed);
  assertAllSucceeded(removed);
  assert.equal(names(removed), [
    'demo/1 cluster-relation-departed',
    'pg/0 db-relation-departed',
    'pg/0 website-relation-departed',
    'demo/0 cluster-relation-departed',
    'demo/0 db-relation-departed',
    'demo/0 db-relation-broken',
    'demo/0 website-relation-departed',
    'demo/0 website-relation-broken',
    'demo/0 stop',
    'demo/0 remove',
    'demo/1 leader-elected',
  ]);
  const departed = (await ctx.model.hookLog()).filter((run) => run.hook.endsWith('-relation-departed')).slice(-5);
  for (const run of departed) assert.is(run.env.JUJU_DEPARTING_UNIT, 'demo/0', `${run.unit} ${run.hook}`);
  assert.is((await kv(ctx.model, 'demo/1'))['peer-demo-0'], undefined, 'cluster.sh forgot the departed peer');
  assert.is((await kv(ctx.model, 'pg/0'))['web-demo-0'], undefined);
  assert.match(removed.at(-1)?.stdout ?? '', 'leader: password is set');

  const status = await ctx.model.status();
  const demo = status.applications.find((app) => app.name === 'demo');
  assert.equal(
    demo?.units.map((unit) => [unit.name, unit.leader]),
    [['demo/1', true]],
  );
  const state = await ctx.model.simulator.state();
  assert.is(state.applications.demo?.leaderSettings.password, password);
  assert.equal(Object.keys((await ctx.model.simulator.relationData(1)).units).sort(), ['demo/1', 'pg/0']);
  assert.not.ok(existsSync(socket), 'its daemon was stopped');
});

scenario('remove-relation: -departed on both sides, then -broken on every unit', async (ctx) => {
  const removed = await ctx.model.removeRelation('demo', 'pg:website');
  ctx.all.push(...removed);
  assertAllSucceeded(removed);
  assert.equal(names(removed), [
    'demo/1 website-relation-departed',
    'pg/0 website-relation-departed',
    'demo/1 website-relation-broken',
    'pg/0 website-relation-broken',
  ]);
  assert.equal(
    (await ctx.model.status()).relations.map((relation) => relation.endpoints.join(' ')),
    ['demo:cluster', 'demo:db pg:db'],
  );
  assert.is((await kv(ctx.model, 'pg/0'))['web-demo-1'], undefined);
});

scenario('a unit added later installs, then joins its peers and the related units, both ways', async (ctx) => {
  const added = await ctx.model.addUnit('demo');
  ctx.all.push(...added);
  assertAllSucceeded(added);
  assert.equal(names(added), [
    'demo/2 install',
    'demo/2 cluster-relation-created',
    'demo/2 db-relation-created',
    'demo/2 leader-settings-changed',
    'demo/2 config-changed',
    'demo/2 start',
    'demo/2 cluster-relation-joined',
    'demo/2 cluster-relation-changed',
    'demo/1 cluster-relation-joined',
    'demo/1 cluster-relation-changed',
    'demo/2 db-relation-joined',
    'demo/2 db-relation-changed',
    'pg/0 db-relation-joined',
    'pg/0 db-relation-changed',
  ]);
  // demo/1 wrote its address again in its -joined, but the same value is no change: no further -changed.
  const status = await ctx.model.status();
  const [demo1, demo2] = status.applications[0]?.units ?? [];
  const pg0 = status.applications[1]?.units[0];
  assert.equal([demo1?.name, demo2?.name, demo2?.leader], ['demo/1', 'demo/2', false]);
  const values = await kv(ctx.model, 'demo/2');
  assert.is(values['shared-password'], (await ctx.model.simulator.state()).applications.demo?.leaderSettings.password);
  assert.is(values['db-url'], `postgres://demo@${pg0?.address}/demo_db`);
  assert.is(values['peer-demo-1'], demo1?.address);
  assert.is((await kv(ctx.model, 'demo/1'))['peer-demo-2'], demo2?.address);
  assert.is((await kv(ctx.model, 'pg/0'))['db-client-demo-2'], demo2?.address);
});

scenario('upgrade runs upgrade-charm then config-changed, with a fresh daemon on the new charm', async (ctx) => {
  const next = await writeFakePg(join(ctx.root, 'fake-pg-2'), 2);
  const upgraded = await ctx.model.upgrade('pg', next);
  ctx.all.push(...upgraded);
  assertAllSucceeded(upgraded);
  assert.equal(names(upgraded), ['pg/0 upgrade-charm', 'pg/0 config-changed', 'pg/0 replicas-relation-created']);
  assert.is((await kv(ctx.model, 'pg/0'))['upgraded-to'], '100', 'the new lucky.yaml and config.yaml are in use');
  const status = await ctx.model.status();
  assert.is(status.applications[1]?.charmDir, next);
  assert.ok(status.relations.some((relation) => relation.endpoints.join() === 'pg:replicas' && relation.peer));
  const again = await ctx.model.upgrade('pg');
  ctx.all.push(...again);
  assert.equal(names(again), ['pg/0 upgrade-charm', 'pg/0 config-changed']);
});

scenario('the hook log holds every hook the operations returned, in order', async (ctx) => {
  const log = await ctx.model.hookLog();
  assert.equal(
    log.map((run) => `${run.unit} ${run.hook} ${run.exitCode}`),
    ctx.all.map((outcome) => `${outcome.unit} ${outcome.hook} ${outcome.exitCode}`),
  );
  assert.equal(
    (await ctx.model.hookLog('pg/0')).map((run) => run.unit),
    log.filter((run) => run.unit === 'pg/0').map((run) => run.unit),
  );
});

scenario.run();

// ---

const limits = suite<{ root: string; model: LocalModel }>('LocalModel: loop bound and socket paths');

limits.before(async (ctx) => {
  ctx.root = await tempDir('local-model-limits');
  ctx.model = await LocalModel.create(join(ctx.root, 'model'), { maxHooksPerOperation: 24 });
});

limits.after(async (ctx) => {
  await ctx.model.destroy();
  await rm(ctx.root, { recursive: true, force: true });
});

limits('charms that answer each other forever are stopped with a clear message', async (ctx) => {
  // Plain hook tools, no Lucky: every -changed bumps a counter, which fires -changed on the peer.
  const charm = join(ctx.root, 'echo');
  await mkdir(charm, { recursive: true });
  await writeFile(join(charm, 'metadata.yaml'), 'name: echo\npeers:\n  ring:\n    interface: echo-ring\n');
  await writeFile(
    join(charm, 'dispatch'),
    '#!/bin/sh\ncase "$JUJU_HOOK_NAME" in\n  ring-relation-changed) n=$(relation-get n "$JUJU_UNIT_NAME"); relation-set n=$(( ${n:-0} + 1 )) ;;\nesac\n',
  );
  await chmod(join(charm, 'dispatch'), 0o755);
  await rejects(
    ctx.model.deploy(charm, { units: 2 }),
    /^Stopped after 24 hooks in one operation without the model settling; the charms seem to trigger each other endlessly \(last: .*echo\/\d ring-relation-changed.*\)\. The remaining hooks stay queued\.$/,
  );
  assert.is((await ctx.model.hookLog()).length, 24);
});

limits('socket paths stay under 108 bytes: a deep model directory gets its sockets under the temp dir', async (ctx) => {
  const short = ctx.model.unitEnv('echo/0');
  assert.is(short.LUCKY_DAEMON_SOCKET, join(ctx.model.dir, 'units', 'unit-echo-0', 'run', 'daemon.sock'));
  assert.is(short.LUCKY_DATA_DIR, join(ctx.model.dir, 'units', 'unit-echo-0', 'data'));
  assert.is(short.JUJU_UNIT_NAME, 'echo/0');
  const deep = await LocalModel.create(join(ctx.root, 'a-rather-long-directory-name-for-a-model'.repeat(2), 'model'));
  try {
    const env = deep.unitEnv('some-application/12');
    const socket = env.LUCKY_DAEMON_SOCKET ?? '';
    assert.ok(Buffer.byteLength(socket) <= 107, socket);
    assert.ok(socket.startsWith(join(tmpdir(), 'lucky-sim-')), socket);
    assert.is(deep.unitEnv('some-application/12').LUCKY_DAEMON_SOCKET, socket, 'the same path every time');
    assert.ok(env.LUCKY_DATA_DIR?.startsWith(deep.dir), 'data stays in the model');
  } finally {
    await deep.destroy();
  }
});

limits.run();
