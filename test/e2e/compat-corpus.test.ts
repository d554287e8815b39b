import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel, type HookOutcome } from '@lucky/testing';
import { LUCKY_BIN, removeDir, tempDir } from '@lucky/test-utils';

// Charms written for the original Lucky (see test/fixtures/compat/README.md), built
// unchanged with `lucky charm build` and run through their lifecycle in the simulator.
const CORPUS = fileURLToPath(new URL('../fixtures/compat/', import.meta.url));
const WEB = join(CORPUS, 'classic-web');
const DB = join(CORPUS, 'classic-db');
const WORKSPACE_BIN = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));

interface Built {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function build(charm: string, out: string, ...flags: string[]): Promise<Built> {
  const result = await execa(process.execPath, [LUCKY_BIN, 'charm', 'build', charm, '-o', out, '--runtime', 'system', ...flags], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function allSucceeded(outcomes: readonly HookOutcome[]): void {
  assert.equal(
    outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}:${outcome.exitCode}`),
    outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}:0`),
    outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}: ${outcome.stdout}${outcome.stderr}`).join('\n'),
  );
}

interface Ctx {
  dir: string;
  out: string;
  web: Built;
  db: Built;
  model: LocalModel;
}

const test = suite<Ctx>('compatibility corpus: charms written for the original Lucky build and run unchanged');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-compat-');
  ctx.out = join(ctx.dir, 'out');
  ctx.web = await build(WEB, ctx.out);
  ctx.db = await build(DB, ctx.out);
  // The workspace's lucky stops daemons of removed units; the charms' hooks run their own runtime.
  ctx.model = await LocalModel.create(join(ctx.dir, 'model'), { path: [WORKSPACE_BIN] });
});

test.after(async (ctx) => {
  // Each unit's daemon runs the charm's own runtime: its launcher stops it.
  for (const [app, units] of [
    ['classic-web', ['classic-web/0', 'classic-web/1']],
    ['classic-db', ['classic-db/0']],
  ] as const) {
    for (const unit of units) {
      await execa(join(ctx.out, app, 'lucky', 'bin', 'lucky'), ['daemon', 'stop', '--ignore-already-stopped', '--unit-name', unit], {
        env: ctx.model.unitEnv(unit),
        extendEnv: false,
        reject: false,
      });
    }
  }
  await ctx.model.destroy().catch(() => undefined);
  await removeDir(ctx.dir);
});

test('both charms build, and the build names every accepted oddity with its file, line and column', (ctx) => {
  assert.is(ctx.web.exitCode, 0, ctx.web.stderr);
  assert.is(ctx.db.exitCode, 0, ctx.db.stderr);
  const web = (file: string) => join(WEB, file);
  const warnings = [
    `Warning: ${web('metadata.yaml')}:7:1: summary: the key "summary" is repeated (first at ${web('metadata.yaml')}:3:1)`,
    `Warning: ${web('config.yaml')}:8:14: options.enable-something.default: "false" is a string; Juju reads it as the boolean false: write false without quotes`,
    `Warning: ${web('config.yaml')}:12:14: options.port.default: "8080" is a string; Juju reads it as the int 8080: write 8080 without quotes`,
    `Warning: ${web('config.yaml')}:18:3: options.domain: the option has no type; Juju takes it as a string option`,
    `Warning: ${web('lucky.yaml')}:9:3: hooks.config-changed: the key "config-changed" is repeated (first at ${web('lucky.yaml')}:5:3)`,
    `Warning: ${web('lucky.yaml')}:26:3: hooks.db-relation-changed: the charm never receives the hook "db-relation-changed"`,
  ];
  for (const warning of warnings) assert.ok(ctx.web.stderr.includes(warning), `missing:\n${warning}\nin:\n${ctx.web.stderr}`);
  assert.ok(
    ctx.db.stderr.includes(
      `Warning: ${join(DB, 'lucky.yml')}:16:7: hooks.db-relation-joined.0.args: the key "args" is repeated (first at ${join(DB, 'lucky.yml')}:15:7)`,
    ),
    ctx.db.stderr,
  );
  assert.match(ctx.db.stderr, `${join(DB, 'config.yaml')}:8:14: options.backups.default: "True" is a string; Juju reads it as the boolean true`);
});

test('--strict turns every one of those warnings into an error and writes nothing', async (ctx) => {
  const out = join(ctx.dir, 'strict');
  const result = await build(WEB, out, '--strict');
  assert.is(result.exitCode, 1, result.stderr);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error: '));
  const warned = ctx.web.stderr.split('\n').filter((line) => line.startsWith('Warning: '));
  assert.is(errors.length, warned.length, result.stderr);
  for (const line of warned) assert.ok(result.stderr.includes(`Error: ${line.slice('Warning: '.length)} (--strict)`), line);
  assert.not.match(result.stdout, 'Built');
});

test('deployed: every hook succeeds, the last of a repeated hook key runs, defaults are typed as Juju types them', async (ctx) => {
  allSucceeded(await ctx.model.deploy(join(ctx.out, 'classic-db')));
  allSucceeded(await ctx.model.deploy(join(ctx.out, 'classic-web'), { units: 2 }));
  const status = await ctx.model.status();
  const units = Object.fromEntries(status.applications.flatMap((app) => app.units.map((unit) => [unit.name, unit.workload])));
  assert.equal(units['classic-db/0'], { status: 'active', message: 'Database ready for 100 connections' });
  // install's slot is active, "db" waits for the relation, "config" says what serves: the worst state, messages in slot order.
  assert.equal(units['classic-web/0'], { status: 'blocked', message: 'Waiting for database, Serving John on port 8080' });
  assert.equal(units['classic-web/1'], { status: 'blocked', message: 'Waiting for database, Serving John on port 8080' });
  const state = await ctx.model.simulator.state();
  assert.equal(state.applications['classic-web']?.configOptions, {
    name: { type: 'string', default: 'John', description: 'The name to greet.' },
    'enable-something': { type: 'boolean', default: false, description: 'Enable something.' },
    port: { type: 'int', default: 8080, description: 'The port to serve on.' },
    count: { type: 'int', default: 100, description: 'The number of things.' },
    domain: { type: 'string', default: 'example.invalid', description: 'The domain name (no type, as pyjuju allowed).' },
  });
  const web0 = status.applications.find((app) => app.name === 'classic-web')?.units.find((unit) => unit.name === 'classic-web/0');
  assert.equal(web0?.ports, ['8080/tcp']);
});

test("the runtime loader's warnings reach the daemon's log and the first hook's output, once", async (ctx) => {
  const runs = await ctx.model.hookLog('classic-web/0');
  const warning = 'hooks.config-changed: the key "config-changed" is repeated';
  const showing = runs.filter((run) => run.stderr.includes(warning)).map((run) => run.hook);
  assert.equal(showing, [runs[0]?.hook], runs.map((run) => `${run.hook}: ${run.stderr}`).join('\n'));
  const line = `${join(ctx.out, 'classic-web', 'lucky.yaml')}:9:3: ${warning} (first at `;
  assert.match(runs[0]?.stderr ?? '', `Warning: ${line}`);
  const log = await readFile(join(ctx.model.unitEnv('classic-web/0').LUCKY_DATA_DIR ?? '', 'daemon.log'), 'utf8');
  // The log holds JSON records: the warning appears JSON-escaped.
  assert.match(log, JSON.stringify(line).slice(1, -1));
});

test('lucky sim deploy shows what Juju only accepts with a coercion, and deploys', async (ctx) => {
  const modelDir = join(ctx.dir, 'sim-cli');
  const sim = (...args: string[]) =>
    execa(process.execPath, [LUCKY_BIN, 'sim', ...args, '--model', modelDir], {
      env: { PATH: `${WORKSPACE_BIN}:${process.env.PATH}` },
      reject: false,
      stdin: 'ignore',
    });
  try {
    const deployed = await sim('deploy', join(ctx.out, 'classic-db'));
    assert.is(deployed.exitCode, 0, `${deployed.stdout}${deployed.stderr}`);
    assert.match(
      String(deployed.stderr),
      `Warning: ${join(ctx.out, 'classic-db', 'config.yaml')}:8:14: options.backups.default: "True" is a string; Juju reads it as the boolean true`,
    );
  } finally {
    const destroyed = await sim('destroy');
    assert.is(destroyed.exitCode, 0, String(destroyed.stderr));
  }
});

test('relating the database: one script handles every database hook, the last of a repeated entry key counts', async (ctx) => {
  const outcomes = await ctx.model.relate('classic-web:database', 'classic-db:db');
  allSucceeded(outcomes);
  const joined = outcomes.find((outcome) => outcome.unit === 'classic-db/0' && outcome.hook === 'db-relation-joined');
  assert.match(joined?.stdout ?? '', '[classic-db] publishing in db-relation-joined (joined)');
  const status = await ctx.model.status();
  const web = status.applications.find((app) => app.name === 'classic-web');
  for (const unit of web?.units ?? []) assert.equal(unit.workload, { status: 'active', message: 'Serving John on port 8080' }, unit.name);
});

test('config set as strings on a command line is parsed as `juju config` does; what Juju refuses is refused', async (ctx) => {
  allSucceeded(await ctx.model.config('classic-web', { port: '9090', 'enable-something': 'true', domain: 'example.org' }));
  const [unit] = (await ctx.model.status()).applications.find((app) => app.name === 'classic-web')?.units ?? [];
  assert.equal(unit?.workload, { status: 'active', message: 'Serving John on port 9090' });
  const config = (await ctx.model.simulator.state()).applications['classic-web']?.config;
  assert.equal([config?.port, config?.['enable-something']], [9090, true]);
  // Juju's ParseInt(s, 10, 64) and ParseBool: no hex, no "yes".
  for (const values of [{ port: '0x10' }, { 'enable-something': 'yes' }]) {
    let error: unknown;
    await ctx.model.config('classic-web', values).catch((caught: unknown) => (error = caught));
    assert.instance(error, Error, JSON.stringify(values));
  }
});

test('update-status runs an old bin/ helper by name; upgrade-charm and config-changed keep the status', async (ctx) => {
  const updated = await ctx.model.run('classic-web/0', 'update-status');
  allSucceeded(updated);
  assert.match(updated[0]?.stdout ?? '', '[classic-web] status refreshed in update-status');
  allSucceeded(await ctx.model.upgrade('classic-web'));
  const web = (await ctx.model.status()).applications.find((app) => app.name === 'classic-web');
  for (const unit of web?.units ?? []) assert.equal(unit.workload, { status: 'active', message: 'Serving John on port 9090' }, unit.name);
});

test('the 6-field cron jobs of lucky.yml run on the model clock (the daily one is loaded beside it)', async (ctx) => {
  const steps = await ctx.model.advance('10m');
  const jobs = steps.filter((step) => step.event.startsWith('cron'));
  assert.equal(
    jobs.map((step) => `${step.unit} ${step.event}`),
    ['classic-db/0 cron "0 */10 * * * *"'],
    steps.map((step) => `${step.unit} ${step.event}`).join('\n'),
  );
  allSucceeded(steps.flatMap((step) => step.outcomes));
  const launcher = join(ctx.out, 'classic-db', 'lucky', 'bin', 'lucky');
  const health = await execa(launcher, ['kv', 'get', 'last-health'], {
    env: { ...ctx.model.unitEnv('classic-db/0'), JUJU_UNIT_NAME: 'classic-db/0' },
    extendEnv: false,
    reject: false,
  });
  assert.is(health.exitCode, 0, String(health.stderr));
  assert.match(String(health.stdout), /^\d{2}:\d{2}$/);
});

test('removing a unit: -departed with lucky kv delete, -broken, stop and remove all succeed', async (ctx) => {
  const outcomes = await ctx.model.removeUnit('classic-web/1');
  allSucceeded(outcomes);
  const hooks = outcomes.filter((outcome) => outcome.unit === 'classic-web/1').map((outcome) => outcome.hook);
  for (const hook of ['database-relation-departed', 'database-relation-broken', 'stop', 'remove']) assert.ok(hooks.includes(hook), hooks.join(' '));
  const left = (await ctx.model.status()).applications.find((app) => app.name === 'classic-web')?.units.map((unit) => unit.name);
  assert.equal(left, ['classic-web/0']);
});

test.run();
