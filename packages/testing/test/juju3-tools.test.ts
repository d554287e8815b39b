import { rm } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatSince } from '../src/model/goal-state.js';
import type { ModelState } from '../src/index.js';
import { fails, makeFixture, ok, setHookScript, tool, type Fixture } from './support.js';

/** goal-state's `since` of a unit, from what the model recorded. */
function unitSince(state: ModelState, unit: string): string {
  const since = formatSince(state.units[unit]?.statusSince);
  assert.match(since, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/, `since of ${unit}`);
  return since;
}

// ---

const goal = suite('Juju 3 tools: goal-state');
let f1: Fixture;
goal.before(async () => {
  f1 = await makeFixture('goal');
});
goal.after(async () => {
  await rm(f1.root, { recursive: true, force: true });
});

goal('YAML by default and JSON on request: own units, then per endpoint the related application and its units; no peers', async () => {
  const ctx = await f1.model.openContext('web/0', 'update-status');
  try {
    ok(await tool(f1.model, ctx.env, 'status-set', ['active', 'serving']), '');
    const state = await f1.model.state();
    const relationSince = formatSince(state.relations[String(f1.db)]?.since);
    const [w0, w1, p0, p1] = ['web/0', 'web/1', 'pg/0', 'pg/1'].map((unit) => unitSince(state, unit));
    const yaml = [
      'units:',
      '  web/0:',
      '    status: active',
      `    since: ${w0}`,
      '  web/1:',
      '    status: maintenance',
      `    since: ${w1}`,
      'relations:',
      '  db:',
      '    pg:',
      '      status: joined',
      `      since: ${relationSince}`,
      '    pg/0:',
      '      status: maintenance',
      `      since: ${p0}`,
      '    pg/1:',
      '      status: maintenance',
      `      since: ${p1}`,
      '',
    ].join('\n');
    ok(await tool(f1.model, ctx.env, 'goal-state'), yaml);
    ok(await tool(f1.model, ctx.env, 'goal-state', ['--format', 'yaml']), yaml);
    const json =
      `{"units":{"web/0":{"status":"active","since":"${w0}"},"web/1":{"status":"maintenance","since":"${w1}"}},` +
      `"relations":{"db":{"pg":{"status":"joined","since":"${relationSince}"},"pg/0":{"status":"maintenance","since":"${p0}"},"pg/1":{"status":"maintenance","since":"${p1}"}}}}\n`;
    ok(await tool(f1.model, ctx.env, 'goal-state', ['--format=json']), json);
  } finally {
    await ctx.close(true);
  }
});

goal('a relation no unit has joined yet is "joining"; the remote side sees this application', async () => {
  const other = await f1.model.addRelation('web:website', 'pg:db');
  const id = Number(other.split(':')[1]);
  const ctx = await f1.model.openContext('pg/1', 'update-status');
  try {
    const result = await tool(f1.model, ctx.env, 'goal-state', ['--format=json']);
    assert.is(result.exitCode, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { relations: Record<string, Record<string, { status: string }>> };
    // pg's db endpoint has two relations (web:db joined, web:website not yet): both merge under "db".
    assert.equal(Object.keys(parsed.relations), ['db']);
    assert.equal(Object.keys(parsed.relations.db ?? {}).sort(), ['web', 'web/0', 'web/1']);
    assert.is(parsed.relations.db?.web?.status, 'joining', 'the later relation wins, as in Juju');
  } finally {
    await ctx.close(true);
  }
  await f1.model.joinUnit(id, 'web/0');
});

goal('only yaml and json, and no arguments (exit 2)', async () => {
  const ctx = await f1.model.openContext('web/1', 'update-status');
  try {
    fails(await tool(f1.model, ctx.env, 'goal-state', ['--format', 'smart']), 2, 'ERROR invalid value "smart" for option --format: unknown format "smart"\n');
    fails(await tool(f1.model, ctx.env, 'goal-state', ['extra']), 2, 'ERROR unrecognized args: ["extra"]\n');
  } finally {
    await ctx.close(true);
  }
});

goal.run();

// ---

const credential = suite('Juju 3 tools: credential-get');
let f2: Fixture;
credential.before(async () => {
  f2 = await makeFixture('credential');
});
credential.after(async () => {
  await rm(f2.root, { recursive: true, force: true });
});

credential('without trust the controller refuses (exit 1)', async () => {
  const ctx = await f2.model.openContext('web/0', 'install');
  try {
    fails(await tool(f2.model, ctx.env, 'credential-get'), 1, 'ERROR cannot access cloud credentials: permission denied\n');
    fails(await tool(f2.model, ctx.env, 'credential-get', ['--format=json']), 1, 'ERROR cannot access cloud credentials: permission denied\n');
    fails(await tool(f2.model, ctx.env, 'credential-get', ['x']), 2, 'ERROR unrecognized args: ["x"]\n');
  } finally {
    await ctx.close(true);
  }
});

credential('with trust: the cloud spec, JSON with Go tags and omitempty, YAML with lower-cased field names', async () => {
  await f2.model.setTrust('web', true);
  const ctx = await f2.model.openContext('web/1', 'install');
  try {
    ok(
      await tool(f2.model, ctx.env, 'credential-get', ['--format=json']),
      '{"type":"lxd","name":"localhost","region":"localhost","credential":{"auth-type":"empty"},"is-controller-cloud":true}\n',
    );
    const yaml = [
      'type: lxd',
      'name: localhost',
      'region: localhost',
      'endpoint: ""',
      'identityendpoint: ""',
      'storageendpoint: ""',
      'credential:',
      '  authtype: empty',
      '  attributes: {}',
      '  redacted: []',
      'cacertificates: []',
      'skiptlsverify: false',
      'iscontrollercloud: true',
      '',
    ].join('\n');
    ok(await tool(f2.model, ctx.env, 'credential-get'), yaml);
    // Another application is still untrusted.
    const pg = await f2.model.openContext('pg/0', 'install');
    try {
      fails(await tool(f2.model, pg.env, 'credential-get'), 1, 'ERROR cannot access cloud credentials: permission denied\n');
    } finally {
      await pg.close(true);
    }
  } finally {
    await ctx.close(true);
  }
});

credential.run();

// ---

const reboot = suite('Juju 3 tools: juju-reboot');
let f3: Fixture;
reboot.before(async () => {
  f3 = await makeFixture('reboot');
});
reboot.after(async () => {
  await rm(f3.root, { recursive: true, force: true });
});

reboot('after the hook: the hook goes on, its changes are kept, and the reboot is reported', async () => {
  await setHookScript(f3.webCharm, `juju-reboot\necho still-running\nopen-port 8081\n`);
  const result = await f3.model.runHook('web/0', 'update-status');
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.stdout, 'still-running\n');
  assert.is(result.reboot, 'after-hook');
  assert.equal(await f3.model.openedPorts('web/0'), ['8081/tcp']);
});

reboot('a failing hook cancels the reboot after it', async () => {
  await setHookScript(f3.webCharm, `juju-reboot\nexit 4\n`);
  const result = await f3.model.runHook('web/0', 'update-status');
  assert.is(result.exitCode, 4);
  assert.is(result.reboot, undefined);
});

reboot('--now kills the hook at once and drops its changes; status set before stays (immediate)', async () => {
  await setHookScript(f3.webCharm, `status-set maintenance rebooting\nopen-port 9999\njuju-reboot --now\nsleep 5\necho never\n`);
  const result = await f3.model.runHook('web/1', 'update-status');
  assert.is(result.reboot, 'now');
  assert.is(result.exitCode, 137, 'killed by SIGKILL');
  assert.not.match(result.stdout, /never/);
  assert.equal(await f3.model.openedPorts('web/1'), []);
  assert.equal(await f3.model.unitStatus('web/1'), { status: 'maintenance', message: 'rebooting' });
  const [run] = (await f3.model.hookLog('web/1')).slice(-1);
  assert.is(run?.committed, false);
});

reboot('outside a running process (a test context) --now only records the request, as under debug-hooks', async () => {
  const ctx = await f3.model.openContext('pg/0', 'update-status');
  try {
    ok(await tool(f3.model, ctx.env, 'juju-reboot', ['--now']), '');
    fails(await tool(f3.model, ctx.env, 'juju-reboot', ['now']), 2, 'ERROR unrecognized args: ["now"]\n');
  } finally {
    await ctx.close(true);
  }
});

reboot('in an action: refused, as Juju does (exit 1)', async () => {
  const ctx = await f3.model.openContext('pg/1', 'backup', { action: { name: 'backup', id: '1', params: {} } });
  try {
    fails(await tool(f3.model, ctx.env, 'juju-reboot'), 1, 'ERROR juju-reboot is not supported when running an action.\n');
    fails(await tool(f3.model, ctx.env, 'juju-reboot', ['--now']), 1, 'ERROR juju-reboot is not supported when running an action.\n');
  } finally {
    await ctx.close(false);
  }
});

reboot.run();

// ---

const status = suite('Juju 3 tools: unit status lifecycle, status-set and JUJU_SLA');
let f4: Fixture;
status.before(async () => {
  f4 = await makeFixture('status');
});
status.after(async () => {
  await rm(f4.root, { recursive: true, force: true });
});

status('units start in maintenance "installing charm software"; a start that never set a status leaves unknown', async () => {
  assert.equal(await f4.model.unitStatus('web/0'), { status: 'maintenance', message: 'installing charm software' });
  await setHookScript(f4.webCharm, 'true\n');
  assert.is((await f4.model.runHook('web/0', 'install')).exitCode, 0);
  assert.equal(await f4.model.unitStatus('web/0'), { status: 'maintenance', message: 'installing charm software' });
  assert.is((await f4.model.runHook('web/0', 'start')).exitCode, 0);
  assert.equal(await f4.model.unitStatus('web/0'), { status: 'unknown', message: '' });
});

status('a charm that set its status keeps it after start', async () => {
  await setHookScript(f4.webCharm, 'status-set active ready\n');
  assert.is((await f4.model.runHook('web/1', 'start')).exitCode, 0);
  assert.equal(await f4.model.unitStatus('web/1'), { status: 'active', message: 'ready' });
});

status('a message that starts with a dash needs --: otherwise it is an unknown option (exit 2)', async () => {
  const ctx = await f4.model.openContext('web/0', 'update-status');
  try {
    fails(await tool(f4.model, ctx.env, 'status-set', ['blocked', '-2 units missing']), 2, 'ERROR option provided but not defined: -2\n');
    ok(await tool(f4.model, ctx.env, 'status-set', ['blocked', '--', '-2 units missing']), '');
    ok(await tool(f4.model, ctx.env, 'status-set', ['--application', 'waiting', '--', '-1 unit']), '');
    ok(await tool(f4.model, ctx.env, 'application-version-set', ['--', '-rc1']), '');
    fails(await tool(f4.model, ctx.env, 'application-version-set'), 2, 'ERROR no version specified\n');
  } finally {
    await ctx.close(true);
  }
  assert.equal(await f4.model.unitStatus('web/0'), { status: 'blocked', message: '-2 units missing' });
  assert.equal(await f4.model.applicationStatus('web'), { status: 'waiting', message: '-1 unit' });
  assert.is((await f4.model.state()).units['web/0']?.workloadVersion, '-rc1');
});

status('hooks get JUJU_SLA=unsupported with the rest of Juju 3.6 environment', async () => {
  const ctx = await f4.model.openContext('web/0', 'update-status');
  await ctx.close(true);
  assert.is(ctx.env.JUJU_SLA, 'unsupported');
  assert.is(ctx.env.JUJU_VERSION, '3.6.8');
  for (const name of ['JUJU_AVAILABILITY_ZONE', 'JUJU_PRINCIPAL_UNIT', 'CLOUD_API_VERSION', 'JUJU_CHARM_HTTP_PROXY', 'JUJU_API_ADDRESSES']) {
    assert.ok(Object.hasOwn(ctx.env, name), name);
  }
});

status('series-upgrade and meter-status hooks get their per-kind variables', async () => {
  for (const hook of ['pre-series-upgrade', 'post-series-upgrade']) {
    const ctx = await f4.model.openContext('web/1', hook);
    await ctx.close(true);
    assert.is(ctx.env.JUJU_TARGET_BASE, 'ubuntu@24.04', hook);
    assert.is(ctx.env.JUJU_TARGET_SERIES, 'noble', hook);
  }
  const meter = await f4.model.openContext('web/1', 'meter-status-changed');
  await meter.close(true);
  assert.is(meter.env.JUJU_METER_STATUS, 'NOT SET');
  assert.is(meter.env.JUJU_METER_INFO, '');
  const other = await f4.model.openContext('web/1', 'install');
  await other.close(true);
  assert.not.ok('JUJU_TARGET_BASE' in other.env || 'JUJU_METER_STATUS' in other.env);
});

status.run();
