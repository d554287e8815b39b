/**
 * Subordinate charms in LocalModel, as Juju runs them: deployed without units, a unit per
 * principal unit over a container-scoped relation (the implicit juju-info endpoint too),
 * co-located units only seeing each other there, the subordinate removed with the relation
 * or its principal, and a regular relation of the subordinate behaving as any other.
 * The charms are bash dispatch scripts calling the real hook tools.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel, type HookOutcome, type HookRun } from '../src/index.js';
import { jujuDocument, jujuStatus } from '../src/commands/status-juju.js';
import { rejects, setHookScript, tempDir, writeCharm } from './support.js';

/** Every hook appends `<unit> <hook> [<relation-list>]` to log.txt next to the charms; relation hooks also list the units they see. */
const RECORD = `log="$JUJU_CHARM_DIR/../log.txt"
if [ -n "\${JUJU_RELATION_ID:-}" ] && [[ "$JUJU_HOOK_NAME" != *-broken ]]; then
  echo "$JUJU_UNIT_NAME $JUJU_HOOK_NAME [$(relation-list | tr '\\n' ' ' | sed 's/ $//')]" >> "$log"
else
  echo "$JUJU_UNIT_NAME $JUJU_HOOK_NAME" >> "$log"
fi
`;

const WEB = `name: web
provides:
  website:
    interface: http
`;

const SUB = `name: sub
subordinate: true
requires:
  juju-info:
    interface: juju-info
    scope: container
  db:
    interface: pgsql
`;

const PG = `name: pg
provides:
  db:
    interface: pgsql
`;

/** A principal charm that declares a container-scoped endpoint itself. */
const MONITOR = `name: monitor
requires:
  host:
    interface: juju-info
    scope: container
`;

interface Ctx {
  root: string;
  model: LocalModel;
  charms: Record<'web' | 'sub' | 'pg' | 'monitor' | 'lonely' | 'sidecar', string>;
}

const test = suite<Ctx>('subordinate charms in LocalModel');

function names(outcomes: readonly HookOutcome[]): string[] {
  return outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}`);
}

function succeeded(outcomes: readonly HookOutcome[]): HookOutcome[] {
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook} failed:\n${outcome.stderr}`);
  return [...outcomes];
}

async function logLines(ctx: Ctx): Promise<string[]> {
  return (await readFile(join(ctx.root, 'charms', 'log.txt'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

test.before(async (ctx) => {
  ctx.root = await tempDir('subordinates');
  const charm = async (name: string, metadata: string, extra = '') => {
    const dir = await writeCharm(join(ctx.root, 'charms', name), { 'metadata.yaml': metadata });
    await setHookScript(dir, RECORD + extra);
    return dir;
  };
  ctx.charms = {
    web: await charm(
      'web',
      WEB,
      `if [ "$JUJU_HOOK_NAME" = juju-info-relation-changed ]; then goal-state --format=json > "$JUJU_CHARM_DIR/../goal-$(echo "$JUJU_UNIT_NAME" | tr / -).json"; fi
`,
    ),
    // Tells its principal who it is, and records its goal-state when it starts.
    sub: await charm(
      'sub',
      SUB,
      `case "$JUJU_HOOK_NAME" in
  juju-info-relation-joined) relation-set principal="$JUJU_PRINCIPAL_UNIT" machine="$JUJU_MACHINE_ID" ;;
  start) goal-state --format=json > "$JUJU_CHARM_DIR/../goal-$(echo "$JUJU_UNIT_NAME" | tr / -).json" ;;
  stop) if [ -e "$JUJU_CHARM_DIR/../fail-stop-$(echo "$JUJU_UNIT_NAME" | tr / -)" ]; then exit 1; fi ;;
esac
`,
    ),
    pg: await charm('pg', PG),
    monitor: await charm('monitor', MONITOR),
    lonely: await charm('lonely', 'name: lonely\nsubordinate: true\nrequires:\n  db:\n    interface: pgsql\n'),
    sidecar: await charm(
      'sidecar',
      'name: sidecar\nsubordinate: true\nrequires:\n  juju-info:\n    interface: juju-info\n    scope: container\ncontainers:\n  app:\n    resource: app-image\nresources:\n  app-image:\n    type: oci-image\n',
    ),
  };
  ctx.model = await LocalModel.create(join(ctx.root, 'model'));
  succeeded(await ctx.model.deploy(ctx.charms.web, { units: 2 }));
  succeeded(await ctx.model.deploy(ctx.charms.pg));
});

test.after(async (ctx) => {
  await ctx.model.destroy();
  await rm(ctx.root, { recursive: true, force: true });
});

test('a subordinate deploys without units; -n, add-unit and a charm without a container-scoped requires are refused', async (ctx) => {
  await rejects(ctx.model.deploy(ctx.charms.sub, { units: 2 }), /^cannot use --num-units or --to with subordinate application \(sub\)/);
  await rejects(ctx.model.deploy(ctx.charms.lonely), /^subordinate charm "lonely" lacks "requires" relation with container scope/);
  await rejects(ctx.model.deploy(ctx.charms.sidecar), /^Cannot deploy sidecar: a subordinate charm cannot declare workload containers \(app\)/);
  assert.equal(await ctx.model.deploy(ctx.charms.sub), [], 'no unit, no hook');
  const state = await ctx.model.simulator.state();
  assert.is(state.applications.sub?.subordinate, true);
  assert.equal(
    Object.keys(state.units).filter((unit) => unit.startsWith('sub/')),
    [],
  );
  assert.equal(state.applications.sub?.endpoints?.['juju-info'], { role: 'requires', interface: 'juju-info', scope: 'container' });
  await rejects(ctx.model.addUnit('sub'), /^cannot add unit to application "sub": application is a subordinate$/);
  const status = await ctx.model.status();
  assert.equal(status.applications.find((app) => app.name === 'sub')?.units, []);
});

test('a container-scoped relation between two principals is refused', async (ctx) => {
  succeeded(await ctx.model.deploy(ctx.charms.monitor));
  await rejects(ctx.model.relate('monitor', 'web'), /container scoped relation requires at least one subordinate application/);
  succeeded(await ctx.model.removeApplication('monitor'));
});

test('relating over juju-info makes one subordinate unit per principal unit, on its machine, running its install hooks', async (ctx) => {
  await rm(join(ctx.root, 'charms', 'log.txt'), { force: true });
  const outcomes = succeeded(await ctx.model.relate('sub', 'web'));
  const state = await ctx.model.simulator.state();
  assert.is(state.units['sub/0']?.principal, 'web/0');
  assert.is(state.units['sub/1']?.principal, 'web/1');
  for (const [sub, principal] of [
    ['sub/0', 'web/0'],
    ['sub/1', 'web/1'],
  ] as const) {
    assert.is(state.units[sub]?.machineId, state.units[principal]?.machineId, `${sub} shares ${principal}'s machine`);
    assert.is(state.units[sub]?.privateAddress, state.units[principal]?.privateAddress);
  }
  assert.is(state.applications.sub?.leader, 'sub/0');
  const own = (unit: string) => names(outcomes).filter((line) => line.startsWith(`${unit} `));
  assert.equal(own('sub/0'), [
    'sub/0 install',
    'sub/0 juju-info-relation-created',
    'sub/0 leader-elected',
    'sub/0 config-changed',
    'sub/0 start',
    'sub/0 juju-info-relation-joined',
    'sub/0 juju-info-relation-changed',
  ]);
  assert.equal(own('sub/1').slice(0, 3), ['sub/1 install', 'sub/1 juju-info-relation-created', 'sub/1 leader-settings-changed']);
  // The principal's side: the relation is created, then only its own subordinate joins (its bag then changes once).
  assert.equal(own('web/0'), ['web/0 juju-info-relation-created', 'web/0 juju-info-relation-joined', 'web/0 juju-info-relation-changed']);
  // Each unit sees only the unit in its own container.
  const seen = (await logLines(ctx)).filter((entry) => / juju-info-relation-(joined|changed) /.test(entry));
  assert.is(seen.length, 8, seen.join('\n'));
  for (const line of seen) {
    const [unit] = line.split(' ');
    const expected = { 'sub/0': '[web/0]', 'sub/1': '[web/1]', 'web/0': '[sub/0]', 'web/1': '[sub/1]' }[unit ?? ''];
    assert.ok(line.endsWith(expected ?? '?'), line);
  }
  // Hooks of the subordinate know their principal; a principal has none.
  const runs = await ctx.model.hookLog();
  const env = (unit: string, hook: string): Record<string, string> => runs.find((run: HookRun) => run.unit === unit && run.hook === hook)?.env ?? {};
  assert.is(env('sub/1', 'install').JUJU_PRINCIPAL_UNIT, 'web/1');
  assert.is(env('sub/1', 'install').JUJU_MACHINE_ID, state.units['web/1']?.machineId);
  assert.is(env('web/1', 'juju-info-relation-joined').JUJU_PRINCIPAL_UNIT, '');
  assert.is(env('web/1', 'juju-info-relation-joined').JUJU_REMOTE_UNIT, 'sub/1');
  // What the subordinate published reached its principal only.
  const data = await ctx.model.simulator.relationData(Number(env('web/0', 'juju-info-relation-joined').JUJU_RELATION_ID?.split(':')[1]));
  assert.is(data.units['sub/0']?.principal, 'web/0');
  assert.is(data.units['sub/1']?.principal, 'web/1');
});

test("goal-state: a subordinate lists no unit of its own application, its principal's all; a principal only its own subordinate", async (ctx) => {
  const goal = JSON.parse(await readFile(join(ctx.root, 'charms', 'goal-sub-1.json'), 'utf8')) as {
    units: Record<string, unknown>;
    relations: Record<string, Record<string, unknown>>;
  };
  assert.equal(goal.units, {});
  assert.equal(Object.keys(goal.relations['juju-info'] ?? {}).sort(), ['web', 'web/0', 'web/1']);
  const principal = JSON.parse(await readFile(join(ctx.root, 'charms', 'goal-web-1.json'), 'utf8')) as typeof goal;
  assert.equal(Object.keys(principal.units).sort(), ['web/0', 'web/1']);
  assert.equal(Object.keys(principal.relations['juju-info'] ?? {}).sort(), ['sub', 'sub/1']);
});

test('status nests each subordinate under its principal, without a machine, subordinate-to the principal application', async (ctx) => {
  const view = await ctx.model.status();
  const sub = view.applications.find((app) => app.name === 'sub');
  assert.equal(
    sub?.units.map((unit) => [unit.name, unit.principal]),
    [
      ['sub/0', 'web/0'],
      ['sub/1', 'web/1'],
    ],
  );
  const status = jujuStatus(view, await ctx.model.simulator.state());
  assert.is(status.applications.sub?.units, undefined);
  assert.equal(status.applications.sub?.['subordinate-to'], ['web']);
  assert.equal(Object.keys(status.applications.web?.units?.['web/1']?.subordinates ?? {}), ['sub/1']);
  assert.is(status.applications.web?.units?.['web/1']?.subordinates?.['sub/1']?.machine, undefined);
  assert.equal(status.applications.web?.relations?.['juju-info'], [{ 'related-application': 'sub', interface: 'juju-info', scope: 'container' }]);
  assert.ok(status.relationRows.some((row) => row.provider === 'web:juju-info' && row.requirer === 'sub:juju-info' && row.type === 'subordinate'));
  assert.ok(JSON.stringify(jujuDocument(status)).includes('"subordinates":{"sub/0"'));
});

test("a subordinate's regular relation joins every unit of the other side", async (ctx) => {
  const outcomes = succeeded(await ctx.model.relate('sub', 'pg'));
  const joined = names(outcomes).filter((line) => line.endsWith('db-relation-joined'));
  assert.equal(joined.sort(), ['pg/0 db-relation-joined', 'pg/0 db-relation-joined', 'sub/0 db-relation-joined', 'sub/1 db-relation-joined']);
  // relation-list in a regular relation: every unit of the other side, once both have joined
  // (units' hooks run concurrently, as on Juju: the units' order is not fixed).
  const log = await logLines(ctx);
  assert.equal(log.filter((line) => / db-relation-changed /.test(line)).sort(), [
    'pg/0 db-relation-changed [sub/0 sub/1]',
    'pg/0 db-relation-changed [sub/0 sub/1]',
    'sub/0 db-relation-changed [pg/0]',
    'sub/1 db-relation-changed [pg/0]',
  ]);
});

test('adding a principal unit adds its subordinate unit, which joins the regular relation too', async (ctx) => {
  const outcomes = succeeded(await ctx.model.addUnit('web'));
  const state = await ctx.model.simulator.state();
  assert.is(state.units['sub/2']?.principal, 'web/2');
  const sub2 = names(outcomes).filter((line) => line.startsWith('sub/2 '));
  assert.equal(sub2.slice(0, 7), [
    'sub/2 install',
    'sub/2 juju-info-relation-created',
    'sub/2 db-relation-created',
    'sub/2 leader-settings-changed',
    'sub/2 config-changed',
    'sub/2 start',
    'sub/2 juju-info-relation-joined',
  ]);
  assert.ok(names(outcomes).includes('pg/0 db-relation-joined'));
  assert.not.ok(names(outcomes).includes('web/0 juju-info-relation-joined'), 'no other principal sees the new subordinate');
});

test('removing a subordinate unit directly is refused as Juju refuses it', async (ctx) => {
  await rejects(ctx.model.removeUnit('sub/0'), /^unit "sub\/0" is a subordinate, to remove use remove-relation\. Note: this will remove all units of "sub"$/);
});

test('removing a principal unit removes its subordinate first: departed both sides, broken, stop, remove, then the principal', async (ctx) => {
  const outcomes = succeeded(await ctx.model.removeUnit('web/2'));
  // pg/0 is on another machine: its hook runs alongside, as on Juju. web/2's machine runs its
  // units' hooks one at a time (Juju's machine lock), in this order.
  assert.equal(
    names(outcomes).filter((line) => line.startsWith('pg/0 ')),
    ['pg/0 db-relation-departed'],
  );
  assert.equal(
    names(outcomes).filter((line) => !line.startsWith('pg/0 ')),
    [
      'web/2 juju-info-relation-departed',
      'sub/2 juju-info-relation-departed',
      'sub/2 juju-info-relation-broken',
      'sub/2 db-relation-departed',
      'sub/2 db-relation-broken',
      'sub/2 stop',
      'sub/2 remove',
      'web/2 juju-info-relation-broken',
      'web/2 stop',
      'web/2 remove',
    ],
  );
  const state = await ctx.model.simulator.state();
  assert.is(state.units['sub/2'], undefined);
  assert.is(state.units['web/2'], undefined);
});

test("a principal stays until its subordinate is gone: a failed stop of the subordinate holds the principal's removal", async (ctx) => {
  succeeded(await ctx.model.addUnit('web'));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(ctx.root, 'charms', 'fail-stop-sub-3'), '');
  const outcomes = await ctx.model.removeUnit('web/3');
  assert.ok(outcomes.some((outcome) => outcome.unit === 'sub/3' && outcome.hook === 'stop' && outcome.exitCode !== 0));
  let state = await ctx.model.simulator.state();
  assert.ok(state.units['sub/3'], 'the subordinate waits in error');
  assert.ok(state.units['web/3'], 'its principal is not removed before it');
  await rm(join(ctx.root, 'charms', 'fail-stop-sub-3'));
  succeeded(await ctx.model.resolved('sub/3'));
  state = await ctx.model.simulator.state();
  assert.is(state.units['sub/3'], undefined);
  assert.is(state.units['web/3'], undefined);
});

test('removing the relation removes every subordinate unit; the application stays, without units', async (ctx) => {
  const outcomes = succeeded(await ctx.model.removeRelation('sub:juju-info', 'web:juju-info'));
  for (const unit of ['sub/0', 'sub/1']) {
    const own = names(outcomes).filter((line) => line.startsWith(`${unit} `));
    assert.equal(own, [
      `${unit} juju-info-relation-departed`,
      `${unit} juju-info-relation-broken`,
      `${unit} db-relation-departed`,
      `${unit} db-relation-broken`,
      `${unit} stop`,
      `${unit} remove`,
    ]);
  }
  const state = await ctx.model.simulator.state();
  assert.equal(
    Object.keys(state.units).filter((unit) => unit.startsWith('sub/')),
    [],
  );
  assert.ok(state.applications.sub, 'the subordinate application stays');
  // Relating again with explicit endpoints makes new units (numbers are never reused).
  succeeded(await ctx.model.relate('web:juju-info', 'sub:juju-info'));
  const again = await ctx.model.simulator.state();
  assert.equal(
    Object.keys(again.units)
      .filter((unit) => unit.startsWith('sub/'))
      .map((unit) => [unit, again.units[unit]?.principal]),
    [
      ['sub/4', 'web/0'],
      ['sub/5', 'web/1'],
    ],
  );
});

test('removing the principal application takes its subordinate units along', async (ctx) => {
  succeeded(await ctx.model.removeApplication('web'));
  const state = await ctx.model.simulator.state();
  assert.equal(Object.keys(state.units).sort(), ['pg/0']);
  assert.ok(state.applications.sub);
  assert.is(state.applications.web, undefined);
});

test('removing the subordinate application removes its units from every principal, then the application', async (ctx) => {
  succeeded(await ctx.model.deploy(ctx.charms.web, { units: 2 }));
  succeeded(await ctx.model.relate('sub', 'web'));
  const outcomes = succeeded(await ctx.model.removeApplication('sub'));
  assert.ok(names(outcomes).includes('web/1 juju-info-relation-broken'));
  assert.ok(names(outcomes).includes('pg/0 db-relation-broken'));
  const state = await ctx.model.simulator.state();
  assert.equal(Object.keys(state.units).sort(), ['pg/0', 'web/0', 'web/1']);
  assert.is(state.applications.sub, undefined);
  assert.equal(Object.keys(state.relations).length, 0);
});

test.run();
