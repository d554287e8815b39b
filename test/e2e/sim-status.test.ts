/**
 * `lucky sim status` through the CLI, on a real model (two units of lucky-demo, lucky-db,
 * related): the `juju status` table, `--format json|yaml` with Juju's keys, and `--watch`
 * off a terminal, on one (a pseudo-terminal from util-linux `script`) and stopped by SIGINT.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LUCKY_BIN, lucky, removeDir, tempDir, waitFor, type LuckyResult, type SimStatusJson } from '@lucky/test-utils';

const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const DB = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));
const TESTING = fileURLToPath(new URL('../../packages/testing/', import.meta.url));

/** Parses YAML with the `yaml` package that @lucky/testing writes it with (the tests' workspace does not list it). */
async function parse(text: string): Promise<unknown> {
  const script = "import { parse } from 'yaml'; let t = ''; for await (const c of process.stdin) t += c; process.stdout.write(JSON.stringify(parse(t)));";
  const result = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: TESTING, input: text });
  return JSON.parse(result.stdout) as unknown;
}

interface Ctx {
  dir: string;
}

const test = suite<Ctx>('lucky sim status: like juju status, as JSON and YAML with its keys, --watch');

function env(ctx: Ctx): Record<string, string> {
  return { LUCKY_SIM_MODEL: join(ctx.dir, 'model') };
}

async function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  const result = await lucky(['sim', ...args], env(ctx));
  assert.is(result.exitCode, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-sim-status-');
  await sim(ctx, 'deploy', DEMO, 'demo', '-n', '2');
  await sim(ctx, 'deploy', DB, 'db');
  await sim(ctx, 'relate', 'demo:db', 'db');
});

test.after(async (ctx) => {
  await lucky(['sim', 'destroy'], env(ctx));
  await removeDir(ctx.dir);
});

test("the table has juju status's sections and columns, the leader starred", async (ctx) => {
  const { stdout } = await sim(ctx, 'status');
  const sections = stdout.trimEnd().split('\n\n');
  assert.match(
    sections[0]!,
    /^Model +Controller +Cloud\/Region +Version +SLA +Timestamp\nlocal +lucky-sim +localhost\/localhost +3\.6\.8 +unsupported +\d\d:\d\d:\d\dZ$/,
  );
  assert.match(
    sections[1]!,
    /^App +Version +Status +Scale +Charm +Channel +Rev +Exposed +Message\ndb +active +1 +lucky-db +0 +no +\S.*\ndemo +active +2 +lucky-demo +0 +no +Configured: Hello$/,
  );
  assert.match(
    sections[2]!,
    /^Unit +Workload +Agent +Machine +Public address +Ports +Message\ndb\/0\* +active +idle +2 +127\.0\.1\.3 .*\ndemo\/0\* +active +idle +0 +127\.0\.1\.1 +8080\/tcp +Configured: Hello\ndemo\/1 +active +idle +1 +127\.0\.1\.2 +8080\/tcp +Configured: Hello$/,
  );
  assert.match(sections[3]!, /^Machine +State +Address +Inst id +Base +AZ +Message\n0 +started +127\.0\.1\.1 +juju-[0-9a-f]{6}-0 +\S+ +Running\n1 .*\n2 .*$/);
  assert.is(
    sections[4],
    [
      'Integration provider  Requirer      Interface         Type     Message',
      'db:db                 demo:db       pgsql             regular',
      'demo:cluster          demo:cluster  lucky-demo-peers  peer',
    ].join('\n'),
  );
});

test("--format json and yaml: Juju's keys, the same document", async (ctx) => {
  const json = JSON.parse((await sim(ctx, 'status', '--format', 'json')).stdout) as SimStatusJson & Record<string, unknown>;
  const yamlText = (await sim(ctx, 'status', '--format', 'yaml')).stdout;
  assert.match(yamlText, /^model:\n {2}name: local\n {2}type: iaas\n/);
  assert.match(yamlText, /\n {4}ip-addresses:\n {4}- 127\.0\.1\.1\n/, 'sequences as go-yaml writes them');
  assert.not.match(yamlText, /[&*]a\d/, 'no YAML anchors');
  const yaml = (await parse(yamlText)) as Record<string, unknown>;
  // The controller's timestamp is the time of asking; the rest is the same model.
  assert.equal({ ...yaml, controller: null }, { ...json, controller: null });
  assert.equal(Object.keys(json), ['model', 'machines', 'applications', 'controller']);
  assert.equal(json.model, {
    name: 'local',
    type: 'iaas',
    controller: 'lucky-sim',
    cloud: 'localhost',
    region: 'localhost',
    version: '3.6.8',
    'model-status': { current: 'available' },
    sla: 'unsupported',
  });
  assert.equal(Object.keys(json.machines), ['0', '1', '2']);
  const demo = json.applications.demo as unknown as Record<string, unknown> & SimStatusJson['applications'][string];
  assert.equal(
    [demo.charm, demo['charm-origin'], demo['charm-name'], demo['charm-rev'], demo.exposed, demo.scale],
    ['local:lucky-demo-0', 'local', 'lucky-demo', 0, false, 2],
  );
  assert.equal(demo['application-status'].current, 'active');
  assert.equal(demo.relations, {
    cluster: [{ 'related-application': 'demo', interface: 'lucky-demo-peers', scope: 'global' }],
    db: [{ 'related-application': 'db', interface: 'pgsql', scope: 'global' }],
  });
  const unit = demo.units?.['demo/0'] as unknown as Record<string, unknown>;
  assert.equal(
    Object.keys(unit).filter((key) => key !== 'lucky'),
    ['workload-status', 'juju-status', 'leader', 'machine', 'open-ports', 'public-address'],
  );
  assert.equal(unit['workload-status'], { current: 'active', message: 'Configured: Hello', since: (unit['workload-status'] as { since: string }).since });
  assert.match((unit['workload-status'] as { since: string }).since, /^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\dZ$/);
  assert.equal([unit.leader, unit.machine, unit['open-ports'], unit['public-address']], [true, '0', ['8080/tcp'], '127.0.1.1']);
  assert.is(demo.units?.['demo/1']?.leader, undefined, 'leader is left out when false, as Juju does');
  assert.equal(Object.keys(unit.lucky as object), ['data-dir', 'socket-path']);
});

test('--watch off a terminal: each snapshot after the last, --count of them', async (ctx) => {
  const tables = (await sim(ctx, 'status', '--watch', '100ms', '--count', '2')).stdout;
  assert.is(tables.match(/^Model +Controller/gm)?.length, 2, tables);
  assert.not.match(tables, /\x1b\[/, 'no terminal control off a terminal');
  const json = (await sim(ctx, 'status', '--watch=100ms', '--count', '3', '--format', 'json')).stdout.trimEnd().split('\n');
  assert.is(json.length, 3);
  for (const line of json) assert.equal(Object.keys(JSON.parse(line) as object), ['model', 'machines', 'applications', 'controller']);
  const yamlDocs = (await sim(ctx, 'status', '--watch', '100ms', '--count', '2', '--format', 'yaml')).stdout.split(/^---\n/m);
  assert.is(yamlDocs.length, 2);
  for (const doc of yamlDocs) assert.is(((await parse(doc)) as SimStatusJson).model.name, 'local');
});

test('--watch on a terminal clears and redraws', async (ctx) => {
  const command = [process.execPath, LUCKY_BIN, 'sim', 'status', '--watch', '100ms', '--count', '2'].map((word) => `'${word}'`).join(' ');
  const result = await execa('script', ['-qec', command, '/dev/null'], { env: env(ctx), reject: false });
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  const redraws = result.stdout.split('\x1b[H\x1b[2J\x1b[3J');
  assert.is(redraws.length, 3, JSON.stringify(result.stdout.slice(0, 200)));
  assert.is(redraws[0], '');
  for (const table of redraws.slice(1)) assert.match(table, /^Model +Controller/);
});

test('--watch runs until interrupted; SIGINT ends it with exit 0', async (ctx) => {
  const child = execa(process.execPath, [LUCKY_BIN, 'sim', 'status', '--watch', '50ms'], { env: env(ctx), reject: false });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => (out.match(/^Model /gm)?.length ?? 0) >= 3, 'three snapshots');
  child.kill('SIGINT');
  const result = await child;
  assert.is(result.exitCode, 0, result.stderr);
});

test('bad options are usage errors (exit 2) with the fix', async (ctx) => {
  const cases: Array<[string[], RegExp]> = [
    [['--format', 'xml'], /Invalid --format "xml": expected tabular, json or yaml/],
    [['--watch', 'soon'], /Invalid --watch interval "soon"/],
    [['--count', '2'], /--count goes with --watch/],
    [['--watch', '1s', '--count', '0'], /Invalid --count "0"/],
    [['web'], /Unexpected argument "web"/],
  ];
  for (const [args, message] of cases) {
    const result = await lucky(['sim', 'status', ...args], env(ctx));
    assert.is(result.exitCode, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    assert.match(result.stderr, message);
  }
});

test('a model without applications: the Model line, and on stderr that it is empty', async (ctx) => {
  const other = { LUCKY_SIM_MODEL: join(ctx.dir, 'emptied') };
  for (const args of [
    ['deploy', DB, 'db'],
    ['remove-application', 'db'],
  ]) {
    const result = await lucky(['sim', ...args], other);
    assert.is(result.exitCode, 0, result.stdout + result.stderr);
  }
  const status = await lucky(['sim', 'status'], other);
  assert.is(status.exitCode, 0, status.stderr);
  assert.match(status.stdout, /^Model +Controller +Cloud\/Region +Version +SLA +Timestamp\nlocal +lucky-sim .*\n$/);
  assert.is(status.stderr, '\nModel "local" is empty.\n');
  const json = JSON.parse((await lucky(['sim', 'status', '--format', 'json'], other)).stdout) as SimStatusJson;
  assert.equal([json.machines, json.applications], [{}, {}]);
  await lucky(['sim', 'destroy'], other);
});

test.run();
