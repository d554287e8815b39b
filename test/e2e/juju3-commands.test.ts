import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, lucky, removeDir, simUnit, tempDir, writeCharm, type ProbeResult, type SimStatusJson } from '@lucky/test-utils';

const CHARM = fileURLToPath(new URL('../fixtures/lucky-juju3/', import.meta.url));

interface Ctx {
  sim: TestModel;
  db: number;
}

const test = suite<Ctx>("Juju 3 commands: lucky's status, network, storage, goal-state, reboot and log commands through real hooks");

test.before(async (ctx) => {
  ctx.sim = await TestModel.create();
  await ctx.sim.model.addApplication('app', { charmDir: CHARM, units: 2 });
  const pg = await writeCharm(join(ctx.sim.dir, 'fake-pg'), { 'metadata.yaml': 'name: pg\nprovides:\n  db:\n    interface: pgsql\n' });
  await ctx.sim.model.addApplication('pg', { charmDir: pg, units: 1 });
  ctx.db = Number((await ctx.sim.model.addRelation('app:db', 'pg:db')).split(':')[1]);
  for (const unit of ['app/0', 'pg/0']) await ctx.sim.model.joinUnit(ctx.db, unit);
  for (const unit of ['app/0', 'app/1']) {
    const install = await ctx.sim.hook(unit, 'install');
    assert.is(install.exitCode, 0, install.stderr);
  }
});

test.after(async (ctx) => {
  await ctx.sim.stop();
});

async function probe(ctx: Ctx, commands: string[], unit = 'app/0', hook = 'probe'): Promise<ProbeResult[]> {
  return (await ctx.sim.probe(unit, hook, commands)).results;
}

function ok(result: ProbeResult | undefined, out: string): void {
  assert.ok(result, 'missing result');
  assert.is(result.exit, 0, result.out);
  assert.is(result.out, out);
}

function fails(result: ProbeResult | undefined, exit: number, message: RegExp | string): void {
  assert.ok(result, 'missing result');
  assert.is(result.exit, exit, result.out);
  assert.match(result.out, message);
}

// ---

test('set-status: a message after -- may start with a dash (status-set gets -- too)', async (ctx) => {
  const r = await probe(ctx, ['lucky set-status blocked -- "-2 units missing"']);
  ok(r[0], '');
  assert.equal(await ctx.sim.model.unitStatus('app/0'), { status: 'blocked', message: 'installed, -2 units missing' });
});

test('set-status --app: the leader sets the application status; others get Juju\'s "not the leader"', async (ctx) => {
  const leader = await probe(ctx, [
    'lucky set-status --app waiting "2 of 3 ready"',
    'lucky set-status --app blocked -- "-1 unit"',
    'lucky set-status --app --name x active',
  ]);
  ok(leader[0], '');
  ok(leader[1], '');
  fails(leader[2], 2, /^Error: set-status --app sets the application status, which has no slots: drop --name\n/);
  assert.equal(await ctx.sim.model.applicationStatus('app'), { status: 'blocked', message: '-1 unit' });
  const follower = await probe(ctx, ['lucky set-status --app active "mine"'], 'app/1');
  fails(follower[0], 1, /^Error: status-set failed: this unit is not the leader \(exit 1\)\n$/);
  assert.equal(await ctx.sim.model.applicationStatus('app'), { status: 'blocked', message: '-1 unit' });
});

test('workload-version sets the version Juju shows; a failing hook keeps it (immediate)', async (ctx) => {
  const hook = await ctx.sim.hook('app/1', 'probe', { extraEnv: { LUCKY_PROBE: 'lucky workload-version -- "-rc1" && lucky workload-version 2.0.0\nexit 1' } });
  assert.is(hook.exitCode, 1, hook.stderr);
  assert.is((await ctx.sim.model.state()).units['app/1']?.workloadVersion, '2.0.0');
  const r = await probe(ctx, ['lucky workload-version'], 'app/1');
  fails(r[0], 2, /Not enough positional arguments/);
});

test('network get: the whole config, one value, several values, JSON and YAML, unknown bindings', async (ctx) => {
  const address = (await ctx.sim.model.state()).units['app/0']?.privateAddress ?? '';
  const cidr = `${address.split('.').slice(0, 3).join('.')}.0/24`;
  const r = await probe(ctx, [
    'lucky network get website --ingress-address',
    'lucky network get db --bind-address --format json',
    'lucky network get metrics --egress-subnets',
    'lucky network get website --ingress-address --egress-subnets',
    'lucky network get website --format json',
    'lucky network get website --format yaml',
    'lucky network get db -r db:' + ctx.db + ' --primary-address',
    'lucky network get nope',
    'lucky network get website --primary-address --bind-address',
    'lucky network get website --format xml',
  ]);
  ok(r[0], `${address}\n`);
  ok(r[1], `"${address}"\n`);
  ok(r[2], `${address}/32\n`);
  ok(r[3], `egress-subnets:\n- ${address}/32\ningress-address: ${address}\n`);
  ok(
    r[4],
    `{"bind-addresses":[{"mac-address":"","interface-name":"lo","addresses":[{"hostname":"","value":"${address}","cidr":"${cidr}"}]}],"egress-subnets":["${address}/32"],"ingress-addresses":["${address}"]}\n`,
  );
  ok(
    r[5],
    [
      'bind-addresses:',
      '- mac-address: ""',
      '  interface-name: lo',
      '  addresses:',
      '  - hostname: ""',
      `    value: ${address}`,
      `    cidr: ${cidr}`,
      `    address: ${address}`,
      '  macaddress: ""',
      '  interfacename: lo',
      'egress-subnets:',
      `- ${address}/32`,
      'ingress-addresses:',
      `- ${address}`,
      '',
    ].join('\n'),
  );
  ok(r[6], `${address}\n`);
  fails(r[7], 1, /^Error: network-get failed: no network config found for binding "nope" \(exit 1\)\n$/);
  fails(r[8], 1, /^Error: network-get failed: --primary-address must be the only flag specified \(exit 1\)\n$/);
  fails(r[9], 2, /^Error: Invalid --format "xml": expected plain, json or yaml\n/);
});

test('storage list, get and add: ids, attributes, the storage hook default, additions when the hook succeeds', async (ctx) => {
  const location = (await ctx.sim.model.state()).storage['data/0']?.location ?? '';
  assert.ok(location !== '', 'app/0 has data/0');
  const r = await probe(ctx, [
    'lucky storage list',
    'lucky storage list data --format json',
    'lucky storage list other',
    'lucky storage get -s data/0',
    'lucky storage get -s data/0 location',
    'lucky storage get -s data/0 --format json',
    'lucky storage get -s data/0 size',
    'lucky storage get',
    'lucky storage add data=2',
    'lucky storage add "data=0"',
    'lucky storage list',
  ]);
  ok(r[0], 'data/0\n');
  ok(r[1], '["data/0"]\n');
  ok(r[2], '');
  ok(r[3], `kind=filesystem\nlocation=${location}\n`);
  ok(r[4], `${location}\n`);
  ok(r[5], `{"kind":"filesystem","location":"${location}"}\n`);
  fails(r[6], 2, /^Error: Invalid storage attribute "size": expected kind or location\n/);
  fails(r[7], 1, /^Error: storage-get failed: no storage instance specified \(exit 2\)\n$/);
  ok(r[8], '');
  fails(r[9], 2, /^Error: Invalid storage request "data=0"/);
  // Buffered until the hook ends.
  ok(r[10], 'data/0\n');
  // Committed with the hook: the store's maximum of 3, ids from the model-wide sequence (app/1 has data/1).
  const state = await ctx.sim.model.state();
  const ids = Object.keys(state.storage).filter((id) => state.storage[id]?.unit === 'app/0');
  assert.equal(ids.sort(), ['data/0', 'data/2', 'data/3']);
});

test('storage get without -s reads the storage of a storage hook', async (ctx) => {
  const { results, hook } = await ctx.sim.probe('app/1', 'data-storage-attached', ['lucky storage get kind', 'lucky storage list'], { storageId: 'data/1' });
  assert.is(hook.exitCode, 0, hook.stderr);
  ok(results[0], 'filesystem\n');
  ok(results[1], 'data/1\n');
});

test("goal-state: Juju's YAML by default, JSON on request", async (ctx) => {
  const r = await probe(ctx, ['lucky goal-state', 'lucky goal-state --format json', 'lucky goal-state --format yaml']);
  assert.is(r[0]?.exit, 0, r[0]?.out);
  assert.match(r[0]?.out ?? '', /^units:\n {2}app\/0:\n {4}status: \w+\n {4}since: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\n {2}app\/1:\n/);
  assert.match(r[0]?.out ?? '', /\nrelations:\n {2}db:\n {4}pg:\n {6}status: joined\n/);
  const parsed = JSON.parse(r[1]?.out ?? '') as { units: Record<string, { status: string }>; relations: Record<string, Record<string, { status: string }>> };
  assert.equal(Object.keys(parsed.units), ['app/0', 'app/1']);
  assert.equal(Object.keys(parsed.relations.db ?? {}), ['pg', 'pg/0']);
  ok(r[2], r[0]?.out ?? '');
});

test('log: lines in the unit log at the chosen level; an unknown level is refused', async (ctx) => {
  const r = await probe(ctx, ['lucky log --level warning disk almost full', 'lucky log "plain info"', 'lucky log --level LOUD x']);
  ok(r[0], '');
  ok(r[1], '');
  fails(r[2], 2, /^Error: Invalid --level "LOUD": expected one of TRACE, DEBUG, INFO, WARNING, ERROR\n/);
  const logs = await ctx.sim.model.logs('app/0');
  assert.ok(
    logs.some((line) => line.level === 'WARNING' && line.message === 'disk almost full'),
    JSON.stringify(logs.slice(-5)),
  );
  assert.ok(logs.some((line) => line.level === 'INFO' && line.message === 'plain info'));
});

test('reboot: after the hook (changes kept), or --now (hook killed, changes dropped)', async (ctx) => {
  const after = await ctx.sim.probe('app/1', 'probe', ['lucky reboot', 'lucky kv set rebooted=later']);
  assert.is(after.hook.exitCode, 0, after.hook.stderr);
  ok(after.results[0], '');
  assert.is(after.hook.reboot, 'after-hook');
  const now = await ctx.sim.hook('app/1', 'probe', { extraEnv: { LUCKY_PROBE: 'lucky port open 8443\nlucky reboot --now\necho never' } });
  assert.is(now.reboot, 'now');
  assert.not.match(now.stdout, /never/);
  assert.equal(await ctx.sim.model.openedPorts('app/1'), []);
  // The daemon survived its hook being killed and serves the next one.
  const next = await probe(ctx, ['lucky kv get rebooted'], 'app/1');
  ok(next[0], 'later\n');
});

test('--help of each new command has examples', async () => {
  for (const command of [
    ['set-status'],
    ['workload-version'],
    ['network', 'get'],
    ['storage', 'list'],
    ['storage', 'get'],
    ['storage', 'add'],
    ['goal-state'],
    ['reboot'],
    ['log'],
  ]) {
    const result = await lucky([...command, '--help']);
    assert.is(result.exitCode, 0, command.join(' '));
    assert.match(result.stdout, /\nExamples\n\n.+\n {2}\$ lucky /, command.join(' '));
  }
});

test.run();

// ---

const sim = suite<{ dir: string }>('Juju 3 in lucky sim status: application status and message, workload version');

sim.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-juju3-sim-');
});

sim.after(async (ctx) => {
  await lucky(['sim', 'destroy'], { LUCKY_SIM_MODEL: join(ctx.dir, 'model') });
  await removeDir(ctx.dir);
});

sim('the table and --format json show what the charm set', async (ctx) => {
  const env = { LUCKY_SIM_MODEL: join(ctx.dir, 'model') };
  const deploy = await lucky(['sim', 'deploy', CHARM, 'app', '-n', '2'], env);
  assert.is(deploy.exitCode, 0, deploy.stdout + deploy.stderr);
  const table = await lucky(['sim', 'status'], env);
  assert.is(table.exitCode, 0, table.stderr);
  assert.match(
    table.stdout,
    /\nApp +Version +Status +Scale +Charm +Channel +Rev +Exposed +Message\napp +1\.2\.3 +active +2 +lucky-juju3 +0 +no +leading app\/0\n/,
  );
  assert.match(table.stdout, /\napp\/0\* +active +idle +\d+ +127\.0\.1\.\d+ +installed\n/);
  const json = JSON.parse((await lucky(['sim', 'status', '--format', 'json'], env)).stdout) as SimStatusJson;
  assert.equal(
    Object.entries(json.applications).map(([name, app]) => [name, app.version, app['application-status'].current, app['application-status'].message]),
    [['app', '1.2.3', 'active', 'leading app/0']],
  );
});

sim('lucky reboot --now: the hook is killed, the machine reboots, the hook runs again, then start', async (ctx) => {
  const env = { LUCKY_SIM_MODEL: join(ctx.dir, 'model') };
  const run = await lucky(['sim', 'hook', 'app/1', 'update-status'], env);
  assert.is(run.exitCode, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /app\/1 +update-status +rebooting now \(runs again\)\napp\/1 +update-status +ok\napp\/1 +start +ok\n/);
  const unit = simUnit((await lucky(['sim', 'status', '--format', 'json'], env)).stdout, 'app/1');
  // The killed run never counted; the second run did, with a new daemon (state kept across the reboot).
  const kv = await lucky(['kv', 'get', 'update-status-runs'], { LUCKY_DATA_DIR: unit.dataDir, LUCKY_DAEMON_SOCKET: unit.socketPath, JUJU_UNIT_NAME: 'app/1' });
  assert.is(kv.stdout, '1\n', kv.stderr);
});

sim.run();
