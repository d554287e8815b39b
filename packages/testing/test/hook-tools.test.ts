import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shellAwaitFile } from '@lucky/test-utils';
import type { SimulatedModel } from '../src/index.js';
import { fails, makeFixture, ok, setHookScript, tool, type Fixture, type ToolResult } from './support.js';

type Run = (name: string, args?: readonly string[], options?: { readonly input?: string; readonly cwd?: string }) => Promise<ToolResult>;

function bind(model: SimulatedModel, env: Readonly<Record<string, string>>): Run {
  return (name, args = [], options = {}) => tool(model, env, name, args, options);
}

// ---

const context = suite('hook tools: hook context');
let f1: Fixture;
context.before(async () => {
  f1 = await makeFixture('context');
});
context.after(async () => {
  await rm(f1.root, { recursive: true, force: true });
});

context('refuses to run without JUJU_CONTEXT_ID', async () => {
  const ctx = await f1.model.openContext('web/0', 'install');
  try {
    const { JUJU_CONTEXT_ID: _omitted, ...env } = ctx.env;
    fails(await tool(f1.model, env, 'is-leader'), 1, 'ERROR JUJU_CONTEXT_ID not set\n');
  } finally {
    await ctx.close(true);
  }
});

context('refuses a context id other than the hook the unit is running', async () => {
  const ctx = await f1.model.openContext('web/0', 'install');
  try {
    const result = await tool(f1.model, { ...ctx.env, JUJU_CONTEXT_ID: 'web/0-install-42' }, 'is-leader');
    fails(result, 1, `ERROR bad request: expected context id "${ctx.contextId}", got "web/0-install-42"\n`);
  } finally {
    await ctx.close(true);
  }
});

context('refuses the context of a hook that has ended', async () => {
  const ctx = await f1.model.openContext('web/0', 'install');
  await ctx.close(true);
  const result = await tool(f1.model, ctx.env, 'is-leader');
  fails(result, 1, `ERROR dial unix ${ctx.env.JUJU_AGENT_SOCKET_ADDRESS}: connect: connection refused\n`);
});

context('refuses a context id that belongs to another unit', async () => {
  const ctx = await f1.model.openContext('web/1', 'install');
  try {
    const env = { ...ctx.env, JUJU_AGENT_SOCKET_ADDRESS: ctx.env.JUJU_AGENT_SOCKET_ADDRESS?.replace('unit-web-1', 'unit-web-0') ?? '' };
    const result = await tool(f1.model, env, 'is-leader');
    fails(result, 1, `ERROR dial unix ${env.JUJU_AGENT_SOCKET_ADDRESS}: connect: connection refused\n`);
  } finally {
    await ctx.close(true);
  }
});

context('the bin shim runs a tool by name and rejects unknown tools', async () => {
  const shim = fileURLToPath(new URL('../bin/hook-tool.js', import.meta.url));
  const ctx = await f1.model.openContext('web/1', 'install');
  try {
    const leader = await execa('node', [shim, 'is-leader', '--format=json'], { env: ctx.env, extendEnv: false, reject: false });
    assert.is(leader.stdout, 'false');
    assert.is(leader.exitCode, 0);
    const unknown = await execa('node', [shim, 'no-such-tool'], { env: ctx.env, extendEnv: false, reject: false });
    assert.is(unknown.stderr, 'ERROR bad request: unknown hook command: no-such-tool');
    assert.is(unknown.exitCode, 1);
  } finally {
    await ctx.close(true);
  }
});

context.run();

// ---

const config = suite('hook tools: config-get and options');
let f2: Fixture;
let runConfig: Run;
let closeConfig: () => Promise<void>;
config.before(async () => {
  f2 = await makeFixture('config');
  const ctx = await f2.model.openContext('web/0', 'config-changed');
  runConfig = bind(f2.model, ctx.env);
  closeConfig = () => ctx.close(true);
});
config.after(async () => {
  await closeConfig();
  await rm(f2.root, { recursive: true, force: true });
});

config('prints set and defaulted options as YAML by default', async () => {
  ok(await runConfig('config-get'), 'debug: false\nport: 8080\nratio: 45\ntitle: Hello\n');
});

config('prints Go JSON with sorted keys, and --all adds unset options as null', async () => {
  ok(await runConfig('config-get', ['--format=json']), '{"debug":false,"port":8080,"ratio":45,"title":"Hello"}\n');
  ok(await runConfig('config-get', ['--format', 'json', '--all']), '{"debug":false,"port":8080,"ratio":45,"title":"Hello","token":null}\n');
  ok(await runConfig('config-get', ['-a', '--format', 'yaml']), 'debug: false\nport: 8080\nratio: 45\ntitle: Hello\ntoken: null\n');
});

config('prints one key raw in smart format and as JSON on request', async () => {
  ok(await runConfig('config-get', ['port']), '8080\n');
  ok(await runConfig('config-get', ['title']), 'Hello\n');
  ok(await runConfig('config-get', ['debug']), 'False\n');
  ok(await runConfig('config-get', ['title', '--format=json']), '"Hello"\n');
});

config('prints null for an unknown key without failing', async () => {
  ok(await runConfig('config-get', ['nope', '--format=json']), 'null\n');
  ok(await runConfig('config-get', ['nope']), '');
});

config('escapes <, > and & in JSON as Go does', async () => {
  await f2.model.setConfig('web', { title: null });
  try {
    ok(await runConfig('config-get', ['title', '--format=json']), '"\\u003cb\\u003eTom \\u0026 Jerry\\u003c/b\\u003e"\n');
    ok(await runConfig('config-get', ['title']), '<b>Tom & Jerry</b>\n');
  } finally {
    await f2.model.setConfig('web', { title: 'Hello' });
  }
});

config('rejects --all together with a key, and extra arguments (exit 2)', async () => {
  fails(await runConfig('config-get', ['--all', 'port']), 2, 'ERROR cannot use argument --all together with key "port"\n');
  fails(await runConfig('config-get', ['port', 'extra', 'more']), 2, 'ERROR unrecognized args: ["extra" "more"]\n');
});

config('writes output to the -o/--output file instead of stdout', async () => {
  ok(await runConfig('config-get', ['--format=json', '-o', 'out.json'], { cwd: f2.root }), '');
  assert.is(await readFile(join(f2.root, 'out.json'), 'utf8'), '{"debug":false,"port":8080,"ratio":45,"title":"Hello"}\n');
  ok(await runConfig('config-get', ['port', `--output=${join(f2.root, 'port.txt')}`]), '');
  assert.is(await readFile(join(f2.root, 'port.txt'), 'utf8'), '8080\n');
});

config('reports option errors with exit code 2', async () => {
  fails(await runConfig('config-get', ['--format', 'xml']), 2, 'ERROR invalid value "xml" for option --format: unknown format "xml"\n');
  fails(await runConfig('config-get', ['--bogus']), 2, 'ERROR option provided but not defined: --bogus\n');
  fails(await runConfig('config-get', ['-x']), 2, 'ERROR option provided but not defined: -x\n');
  fails(await runConfig('config-get', ['--format']), 2, 'ERROR option needs an argument: --format\n');
});

config('prints usage for --help and exits 0', async () => {
  const result = await runConfig('config-get', ['--help']);
  assert.is(result.exitCode, 0);
  assert.match(result.stdout, /^Usage: config-get \[options\] \[<key>\]/);
});

config.run();

// ---

const leadership = suite('hook tools: leadership and status');
let f3: Fixture;
leadership.before(async () => {
  f3 = await makeFixture('leadership');
});
leadership.after(async () => {
  await rm(f3.root, { recursive: true, force: true });
});

leadership('is-leader prints True/False in smart format and true/false in JSON', async () => {
  const leader = await f3.model.openContext('web/0', 'update-status');
  const minion = await f3.model.openContext('web/1', 'update-status');
  try {
    ok(await tool(f3.model, leader.env, 'is-leader'), 'True\n');
    ok(await tool(f3.model, leader.env, 'is-leader', ['--format=json']), 'true\n');
    ok(await tool(f3.model, minion.env, 'is-leader'), 'False\n');
    ok(await tool(f3.model, minion.env, 'is-leader', ['--format', 'json']), 'false\n');
  } finally {
    await leader.close(true);
    await minion.close(true);
  }
});

leadership('leader-set writes at once, even when the hook fails, and only on the leader', async () => {
  const minion = await f3.model.openContext('web/1', 'update-status');
  try {
    fails(await tool(f3.model, minion.env, 'leader-set', ['a=1']), 1, 'ERROR cannot write leadership settings: cannot write settings: not the leader\n');
  } finally {
    await minion.close(true);
  }
  const leader = await f3.model.openContext('web/0', 'update-status');
  ok(await tool(f3.model, leader.env, 'leader-set', ['a=1', 'b=two words', 'c=3']), '');
  await leader.close(false);
  const later = await f3.model.openContext('web/1', 'leader-settings-changed');
  try {
    const run = bind(f3.model, later.env);
    ok(await run('leader-get', ['--format=json']), '{"a":"1","b":"two words","c":"3"}\n');
    ok(await run('leader-get', ['b']), 'two words\n');
    ok(await run('leader-get', ['-', '--format=json']), '{"a":"1","b":"two words","c":"3"}\n');
    ok(await run('leader-get', ['missing', '--format=json']), 'null\n');
    fails(await run('leader-get', ['a=b']), 2, 'ERROR invalid key "a=b"\n');
  } finally {
    await later.close(true);
  }
});

leadership('leader-set deletes keys given an empty value and rejects bad pairs (exit 2)', async () => {
  const ctx = await f3.model.openContext('web/0', 'update-status');
  try {
    const run = bind(f3.model, ctx.env);
    ok(await run('leader-set', ['c=']), '');
    ok(await run('leader-get', ['--format=json']), '{"a":"1","b":"two words"}\n');
    fails(await run('leader-set', ['x=1', 'x=2']), 2, 'ERROR key "x" specified more than once\n');
    fails(await run('leader-set', ['novalue']), 2, 'ERROR expected "key=value", got "novalue"\n');
    fails(await run('leader-set', ['=v']), 2, 'ERROR expected "key=value", got "=v"\n');
  } finally {
    await ctx.close(true);
  }
});

leadership('status-set applies at once and status-get reads it back', async () => {
  const ctx = await f3.model.openContext('web/0', 'install');
  const run = bind(f3.model, ctx.env);
  ok(await run('status-set', ['maintenance', 'installing']), '');
  ok(await run('status-set', ['active', '--', '--all good--']), '');
  ok(await run('status-get'), 'active\n');
  ok(await run('status-get', ['--format=json']), '{"status":"active"}\n');
  ok(await run('status-get', ['--include-data', '--format=json']), '{"message":"--all good--","status":"active","status-data":{}}\n');
  ok(await run('status-get', ['--include-data']), 'message: --all good--\nstatus: active\nstatus-data: {}\n');
  await ctx.close(false);
  assert.equal(await f3.model.unitStatus('web/0'), { status: 'active', message: '--all good--' });
  assert.equal(await f3.model.statusHistory('web/0'), [
    { status: 'maintenance', message: 'installing' },
    { status: 'active', message: '--all good--' },
  ]);
});

leadership('status-set rejects unknown statuses and extra arguments (exit 2)', async () => {
  const ctx = await f3.model.openContext('web/0', 'install');
  try {
    const run = bind(f3.model, ctx.env);
    fails(await run('status-set', ['happy']), 2, 'ERROR invalid status "happy", expected one of [maintenance blocked waiting active]\n');
    fails(await run('status-set'), 2, 'ERROR invalid args, require <status> [message]\n');
    fails(await run('status-set', ['active', 'a', 'b']), 2, 'ERROR unrecognized args: ["b"]\n');
  } finally {
    await ctx.close(true);
  }
});

leadership('application status is for the leader only, with Go bool option syntax', async () => {
  const minion = await f3.model.openContext('web/1', 'update-status');
  try {
    fails(await tool(f3.model, minion.env, 'status-set', ['--application', 'blocked', 'no']), 1, 'ERROR this unit is not the leader\n');
    fails(await tool(f3.model, minion.env, 'status-get', ['--application']), 1, 'ERROR finding application status: this unit is not the leader\n');
    ok(await tool(f3.model, minion.env, 'status-set', ['--application=false', 'waiting', 'for leader']), '');
    fails(
      await tool(f3.model, minion.env, 'status-set', ['--application=maybe', 'waiting']),
      2,
      'ERROR invalid value "maybe" for option --application: strconv.ParseBool: parsing "maybe": invalid syntax\n',
    );
  } finally {
    await minion.close(true);
  }
  const leader = await f3.model.openContext('web/0', 'update-status');
  try {
    const run = bind(f3.model, leader.env);
    ok(await run('status-set', ['--application=True', 'blocked', 'needs a database']), '');
    ok(await run('status-get', ['--application']), 'blocked\n');
    ok(
      await run('status-get', ['--application=true', '--format=json']),
      '{"application-status":{"status":"blocked","units":{"web/0":{"status":"active"},"web/1":{"status":"waiting"}}}}\n',
    );
    ok(
      await run('status-get', ['--application', '--include-data', '--format=json']),
      '{"application-status":{"message":"needs a database","status":"blocked","status-data":{},"units":{"web/0":{"message":"--all good--","status":"active","status-data":{}},"web/1":{"message":"for leader","status":"waiting","status-data":{}}}}}\n',
    );
  } finally {
    await leader.close(true);
  }
  assert.equal(await f3.model.applicationStatus('web'), { status: 'blocked', message: 'needs a database' });
});

leadership('application-version-set records the workload version at once', async () => {
  const ctx = await f3.model.openContext('web/0', 'start');
  const run = bind(f3.model, ctx.env);
  ok(await run('application-version-set', ['--', '1.2.3']), '');
  fails(await run('application-version-set'), 2, 'ERROR no version specified\n');
  await ctx.close(false);
  assert.is((await f3.model.state()).units['web/0']?.workloadVersion, '1.2.3');
});

leadership.run();

// ---

const relationGet = suite('hook tools: relation-get');
let f4: Fixture;
relationGet.before(async () => {
  f4 = await makeFixture('relation-get');
});
relationGet.after(async () => {
  await rm(f4.root, { recursive: true, force: true });
});

relationGet('reads the remote unit of the hook by default, with auto-populated addresses', async () => {
  const ctx = await f4.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f4.model, ctx.env);
    ok(await run('relation-get'), 'egress-subnets: 127.0.1.3/32\ningress-address: 127.0.1.3\nprivate-address: 127.0.1.3\nuser: jim\n');
    ok(
      await run('relation-get', ['--format=json', '-', 'pg/0']),
      '{"egress-subnets":"127.0.1.3/32","ingress-address":"127.0.1.3","private-address":"127.0.1.3","user":"jim"}\n',
    );
    ok(await run('relation-get', ['user']), 'jim\n');
    ok(await run('relation-get', ['host']), '');
    ok(await run('relation-get', ['--format=json', 'host', 'pg/0']), 'null\n');
    ok(await run('relation-get', ['private-address', 'pg/1']), '127.0.1.4\n');
  } finally {
    await ctx.close(true);
  }
});

relationGet('reads application bags with --app, turning a unit name into its application', async () => {
  const ctx = await f4.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f4.model, ctx.env);
    const data = '{"database":"app","endpoints":"pg-0.pg-endpoints:5432"}\n';
    ok(await run('relation-get', ['--format=json', '--app', '-', 'pg']), data);
    ok(await run('relation-get', ['--app', '--format=json', '-', 'pg/1']), data);
    ok(await run('relation-get', ['--format=json', '--app']), data);
    ok(await run('relation-get', ['--app', 'database']), 'app\n');
  } finally {
    await ctx.close(true);
  }
});

relationGet('falls back to the remote application (implying --app) when there is no remote unit', async () => {
  const ctx = await f4.model.openContext('web/0', 'db-relation-changed');
  try {
    ok(await tool(f4.model, ctx.env, 'relation-get', ['--format=json']), '{"database":"app","endpoints":"pg-0.pg-endpoints:5432"}\n');
  } finally {
    await ctx.close(true);
  }
});

relationGet('rejects an application name without --app and malformed names (exit 2)', async () => {
  const ctx = await f4.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f4.model, ctx.env);
    fails(await run('relation-get', ['-', 'pg']), 2, 'ERROR expected unit name, got application name "pg"\n');
    fails(await run('relation-get', ['-', 'Not_A_Unit']), 2, 'ERROR invalid unit name "Not_A_Unit"\n');
    fails(await run('relation-get', ['-', 'pg/0', 'extra']), 2, 'ERROR unrecognized args: ["extra"]\n');
    fails(await run('relation-get', ['-', 'nope/3']), 1, 'ERROR unknown unit nope/3\n');
  } finally {
    await ctx.close(true);
  }
});

relationGet('accepts -r as <id> or <endpoint>:<id> and rejects unknown relations (exit 2)', async () => {
  const ctx = await f4.model.openContext('web/0', 'config-changed');
  try {
    const run = bind(f4.model, ctx.env);
    fails(await run('relation-get', ['-', 'pg/0']), 2, 'ERROR no relation id specified\n');
    ok(await run('relation-get', ['-r', `db:${f4.db}`, 'user', 'pg/0']), 'jim\n');
    ok(await run('relation-get', ['-r', String(f4.db), 'user', 'pg/0']), 'jim\n');
    ok(await run('relation-get', [`-r${f4.db}`, 'user', 'pg/0']), 'jim\n');
    ok(await run('relation-get', [`--relation=cluster:${f4.cluster}`, 'private-address', 'web/1']), '127.0.1.2\n');
    fails(await run('relation-get', ['-r', 'db:99', '-', 'pg/0']), 2, 'ERROR invalid value "db:99" for option -r: relation not found\n');
    fails(await run('relation-get', ['-r', 'db:x', '-', 'pg/0']), 2, 'ERROR invalid value "db:x" for option -r: invalid relation id\n');
    fails(await run('relation-get', ['-r']), 2, 'ERROR option needs an argument: -r\n');
  } finally {
    await ctx.close(true);
  }
});

relationGet('reading its own unit bag shows relation-set changes still pending in the hook', async () => {
  const writer = await f4.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  const reader = await f4.model.openContext('web/1', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    ok(await tool(f4.model, writer.env, 'relation-set', ['url=http://web-0']), '');
    ok(await tool(f4.model, writer.env, 'relation-get', ['url', 'web/0']), 'http://web-0\n');
    // Another unit sees committed data only.
    ok(await tool(f4.model, reader.env, 'relation-get', ['--format=json', 'url', 'web/0']), 'null\n');
  } finally {
    await writer.close(false);
    await reader.close(true);
  }
});

relationGet('the leader reads its own application bag with pending changes; a minion gets permission denied', async () => {
  const leader = await f4.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    ok(await tool(f4.model, leader.env, 'relation-set', ['--app', 'api=v2']), '');
    ok(await tool(f4.model, leader.env, 'relation-get', ['--app', '--format=json', '-', 'web']), '{"api":"v2"}\n');
  } finally {
    await leader.close(true);
  }
  const minion = await f4.model.openContext('web/1', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    fails(await tool(f4.model, minion.env, 'relation-get', ['--app', '-', 'web']), 1, 'ERROR permission denied\n');
    fails(await tool(f4.model, minion.env, 'relation-get', ['--app', '-', 'web/0']), 1, 'ERROR permission denied\n');
  } finally {
    await minion.close(true);
  }
  // The remote side reads the committed application bag.
  const remote = await f4.model.openContext('pg/0', 'db-relation-changed', { remoteUnit: 'web/0' });
  try {
    ok(await tool(f4.model, remote.env, 'relation-get', ['--app', 'api', 'web']), 'v2\n');
  } finally {
    await remote.close(true);
  }
});

relationGet('on a peer relation every unit reads its own application bag (committed), only the leader writes it', async () => {
  const leader = await f4.model.openContext('web/0', 'config-changed');
  try {
    ok(await tool(f4.model, leader.env, 'relation-set', ['-r', `cluster:${f4.cluster}`, '--app', 'db={"users":1}']), '');
  } finally {
    await leader.close(true);
  }
  const minion = await f4.model.openContext('web/1', 'cluster-relation-changed', { relationId: f4.cluster, remoteUnit: 'web/0' });
  try {
    // The hook's remote application is its own: --app alone reads it.
    ok(await tool(f4.model, minion.env, 'relation-get', ['--app', 'db']), '{"users":1}\n');
    ok(await tool(f4.model, minion.env, 'relation-get', ['-r', `cluster:${f4.cluster}`, '--app', 'db', 'web']), '{"users":1}\n');
    fails(await tool(f4.model, minion.env, 'relation-set', ['--app', 'db=x']), 1, 'ERROR cannot write relation settings\n');
  } finally {
    await minion.close(true);
  }
});

relationGet.run();

// ---

const relationSet = suite('hook tools: relation-set');
let f5: Fixture;
relationSet.before(async () => {
  f5 = await makeFixture('relation-set');
});
relationSet.after(async () => {
  await rm(f5.root, { recursive: true, force: true });
});

relationSet('rejects duplicate keys and malformed pairs (exit 2)', async () => {
  const ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f5.model, ctx.env);
    fails(await run('relation-set', ['a=1', 'a=2']), 2, 'ERROR key "a" specified more than once\n');
    fails(await run('relation-set', ['justakey']), 2, 'ERROR expected "key=value", got "justakey"\n');
  } finally {
    await ctx.close(true);
  }
});

relationSet('needs a relation outside relation hooks', async () => {
  const ctx = await f5.model.openContext('web/0', 'config-changed');
  try {
    fails(await tool(f5.model, ctx.env, 'relation-set', ['a=1']), 2, 'ERROR no relation id specified\n');
  } finally {
    await ctx.close(true);
  }
});

relationSet('refuses --app on a non-leader', async () => {
  const ctx = await f5.model.openContext('web/1', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    fails(await tool(f5.model, ctx.env, 'relation-set', ['--app', 'a=1']), 1, 'ERROR cannot write relation settings\n');
    fails(await tool(f5.model, ctx.env, 'relation-set', ['--app=True', 'a=1']), 1, 'ERROR cannot write relation settings\n');
  } finally {
    await ctx.close(true);
  }
});

relationSet('an empty value deletes the key when committed', async () => {
  let ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  ok(await tool(f5.model, ctx.env, 'relation-set', ['a=1', 'b=2']), '');
  await ctx.close(true);
  ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  ok(await tool(f5.model, ctx.env, 'relation-set', ['a=', 'private-address=']), '');
  await ctx.close(true);
  const { units } = await f5.model.relationData(f5.db);
  assert.equal(units['web/0'], { b: '2', 'egress-subnets': '127.0.1.1/32', 'ingress-address': '127.0.1.1' });
});

relationSet('--file reads a YAML map whose values keep their text, overridden by arguments', async () => {
  const file = join(f5.root, 'settings.yaml');
  await writeFile(file, 'host: db.local\nport: 5432\nratio: 1.50\nflag: yes\nempty:\n');
  const ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f5.model, ctx.env);
    ok(await run('relation-set', ['--file', 'settings.yaml', 'port=6000'], { cwd: f5.root }), '');
    ok(
      await run('relation-get', ['--format=json', '-', 'web/0']),
      '{"b":"2","egress-subnets":"127.0.1.1/32","flag":"yes","host":"db.local","ingress-address":"127.0.1.1","port":"6000","ratio":"1.50"}\n',
    );
  } finally {
    await ctx.close(false);
  }
});

relationSet('--file - reads JSON from stdin', async () => {
  const ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f5.model, ctx.env);
    ok(await run('relation-set', ['--app', '--file', '-'], { input: '{"url": "http://x:80/<path>", "replicas": 3, "tls": true}' }), '');
    ok(await run('relation-get', ['--app', '--format=json', '-', 'web']), '{"replicas":"3","tls":"true","url":"http://x:80/\\u003cpath\\u003e"}\n');
  } finally {
    await ctx.close(false);
  }
});

relationSet('--file reports unreadable files and non-map content', async () => {
  const ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const run = bind(f5.model, ctx.env);
    fails(
      await run('relation-set', ['--file', 'missing.yaml'], { cwd: f5.root }),
      1,
      `ERROR open ${join(f5.root, 'missing.yaml')}: no such file or directory\n`,
    );
    fails(
      await run('relation-set', ['--file', '-'], { input: '- a\n- b\n' }),
      1,
      'ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]string\n',
    );
    fails(
      await run('relation-set', ['--file', '-'], { input: 'a:\n  nested: 1\n' }),
      1,
      'ERROR yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string\n',
    );
  } finally {
    await ctx.close(false);
  }
});

relationSet('accepts the deprecated --format option with a warning', async () => {
  const ctx = await f5.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const result = await tool(f5.model, ctx.env, 'relation-set', ['--format=json', 'x=1']);
    assert.is(result.exitCode, 0);
    assert.is(result.stderr, '--format flag deprecated for command "relation-set"');
  } finally {
    await ctx.close(false);
  }
});

relationSet.run();

// ---

const listing = suite('hook tools: relation-ids and relation-list');
let f6: Fixture;
listing.before(async () => {
  f6 = await makeFixture('listing');
});
listing.after(async () => {
  await rm(f6.root, { recursive: true, force: true });
});

listing('relation-ids lists the endpoint relations sorted, defaulting to the hook relation', async () => {
  await f6.model.addApplication('pg2', { charmDir: join(f6.root, 'pg') });
  const second = await f6.model.addRelation('web:db', 'pg2:db');
  const ctx = await f6.model.openContext('web/0', 'config-changed');
  try {
    const run = bind(f6.model, ctx.env);
    ok(await run('relation-ids', ['db', '--format=json']), `["db:${f6.db}","${second}"]\n`);
    ok(await run('relation-ids', ['db']), `db:${f6.db}\n${second}\n`);
    ok(await run('relation-ids', ['cluster']), `cluster:${f6.cluster}\n`);
    ok(await run('relation-ids', ['website', '--format=json']), '[]\n');
    ok(await run('relation-ids', ['website']), '');
    fails(await run('relation-ids'), 2, 'ERROR no endpoint name specified\n');
  } finally {
    await ctx.close(true);
  }
  const hook = await f6.model.openContext('web/0', 'cluster-relation-joined', { remoteUnit: 'web/1' });
  try {
    ok(await tool(f6.model, hook.env, 'relation-ids', ['--format=json']), `["cluster:${f6.cluster}"]\n`);
  } finally {
    await hook.close(true);
  }
});

listing('relation-list lists joined remote units, peers, and the remote application with --app', async () => {
  const ctx = await f6.model.openContext('web/0', 'db-relation-joined', { relationId: f6.db, remoteUnit: 'pg/1' });
  try {
    const run = bind(f6.model, ctx.env);
    ok(await run('relation-list', ['--format=json']), '["pg/0","pg/1"]\n');
    ok(await run('relation-list'), 'pg/0\npg/1\n');
    ok(await run('relation-list', ['--app']), 'pg\n');
    ok(await run('relation-list', ['--app', '--format=json']), '"pg"\n');
    ok(await run('relation-list', ['-r', `cluster:${f6.cluster}`, '--format=json']), '["web/1"]\n');
    await f6.model.departUnit(f6.db, 'pg/1');
    ok(await run('relation-list', ['--format=json']), '["pg/0"]\n');
    // Departed units' data stays readable.
    ok(await run('relation-get', ['private-address', 'pg/1']), '127.0.1.4\n');
    fails(await run('relation-list', ['extra']), 2, 'ERROR unrecognized args: ["extra"]\n');
  } finally {
    await ctx.close(true);
  }
  const created = await f6.model.openContext('web/0', 'config-changed');
  try {
    fails(await tool(f6.model, created.env, 'relation-list'), 2, 'ERROR no relation id specified\n');
  } finally {
    await created.close(true);
  }
});

listing.run();

// ---

const ports = suite('hook tools: ports');
let f7: Fixture;
ports.before(async () => {
  f7 = await makeFixture('ports');
});
ports.after(async () => {
  await rm(f7.root, { recursive: true, force: true });
});

ports('open-port is buffered: opened-ports shows committed ports only', async () => {
  const ctx = await f7.model.openContext('web/0', 'start');
  const run = bind(f7.model, ctx.env);
  ok(await run('open-port', ['80']), '');
  ok(await run('open-port', ['1000-2000/UDP']), '');
  ok(await run('open-port', ['icmp']), '');
  ok(await run('open-port', ['443/tcp', '--endpoints', 'website,db']), '');
  ok(await run('opened-ports', ['--format=json']), '[]\n');
  await ctx.close(true);
  assert.equal(await f7.model.openedPorts('web/0'), ['icmp', '80/tcp', '443/tcp', '1000-2000/udp']);
  const next = await f7.model.openContext('web/0', 'update-status');
  try {
    const again = bind(f7.model, next.env);
    ok(await again('opened-ports'), 'icmp\n80/tcp\n443/tcp\n1000-2000/udp\n');
    ok(await again('opened-ports', ['--endpoints', '--format=json']), '["icmp (*)","80/tcp (*)","443/tcp (db, website)","1000-2000/udp (*)"]\n');
  } finally {
    await next.close(true);
  }
});

ports("rejects conflicting ranges with Juju's message", async () => {
  const ctx = await f7.model.openContext('web/0', 'config-changed');
  try {
    const run = bind(f7.model, ctx.env);
    fails(await run('open-port', ['79-81']), 1, 'ERROR cannot open 79-81/tcp (unit "web/0"): port range conflicts with 80/tcp (unit "web/0")\n');
    ok(await run('open-port', ['8000-8010']), '');
    fails(
      await run('open-port', ['8005']),
      1,
      'ERROR cannot open 8005/tcp (unit "web/0"): port range conflicts with 8000-8010/tcp (unit "web/0") requested earlier\n',
    );
    ok(await run('open-port', ['80']), '', 'reopening an open port is a no-op');
  } finally {
    await ctx.close(false);
  }
});

ports('rejects malformed ports (exit 2)', async () => {
  const ctx = await f7.model.openContext('web/0', 'config-changed');
  try {
    const run = bind(f7.model, ctx.env);
    fails(await run('open-port'), 2, 'ERROR no port or range specified\n');
    fails(await run('open-port', ['http']), 2, 'ERROR invalid port "http": strconv.Atoi: parsing "http": invalid syntax\n');
    fails(await run('open-port', ['80/sctp']), 2, 'ERROR invalid protocol "sctp", expected "tcp", "udp", or "icmp"\n');
    fails(await run('close-port', ['90-80']), 2, 'ERROR invalid port range 90-80/tcp\n');
    fails(await run('open-port', ['70000']), 2, 'ERROR port range bounds must be between 0 and 65535, got 70000-70000\n');
  } finally {
    await ctx.close(false);
  }
});

ports('close-port takes effect on commit and is dropped on failure', async () => {
  let ctx = await f7.model.openContext('web/0', 'config-changed');
  ok(await tool(f7.model, ctx.env, 'close-port', ['80']), '');
  await ctx.close(false);
  assert.ok((await f7.model.openedPorts('web/0')).includes('80/tcp'));
  ctx = await f7.model.openContext('web/0', 'config-changed');
  ok(await tool(f7.model, ctx.env, 'close-port', ['80/tcp']), '');
  ok(await tool(f7.model, ctx.env, 'close-port', ['icmp']), '');
  await ctx.close(true);
  assert.equal(await f7.model.openedPorts('web/0'), ['443/tcp', '1000-2000/udp']);
});

ports.run();

// ---

const logging = suite('hook tools: juju-log');
let f8: Fixture;
logging.before(async () => {
  f8 = await makeFixture('juju-log');
});
logging.after(async () => {
  await rm(f8.root, { recursive: true, force: true });
});

logging('records level and message in the unit log at once', async () => {
  const ctx = await f8.model.openContext('web/0', 'install');
  const run = bind(f8.model, ctx.env);
  ok(await run('juju-log', ['hello', 'world']), '');
  ok(await run('juju-log', ['--debug', 'details']), '');
  ok(await run('juju-log', ['-l', 'WARN', 'careful']), '');
  ok(await run('juju-log', ['--log-level=error', '--', '-x failed']), '');
  ok(await run('juju-log', ['--log-level', 'LOUD', 'shout']), '');
  fails(await run('juju-log'), 2, 'ERROR no message specified\n');
  await ctx.close(false);
  assert.equal(await f8.model.logs('web/0'), [
    { level: 'INFO', message: 'hello world' },
    { level: 'DEBUG', message: 'details' },
    { level: 'WARNING', message: 'careful' },
    { level: 'ERROR', message: '-x failed' },
    { level: 'WARNING', message: 'Specified log level of "LOUD" is not valid' },
    { level: 'INFO', message: 'shout' },
  ]);
});

logging('prefixes messages with the relation id in relation hooks', async () => {
  const ctx = await f8.model.openContext('web/1', 'db-relation-joined', { remoteUnit: 'pg/0' });
  try {
    ok(await tool(f8.model, ctx.env, 'juju-log', ['-l', 'INFO', 'joined']), '');
  } finally {
    await ctx.close(true);
  }
  assert.equal(await f8.model.logs('web/1'), [{ level: 'INFO', message: `db:${f8.db}: joined` }]);
});

logging.run();

// ---

const unit = suite('hook tools: unit-get, network-get and resource-get');
let f9: Fixture;
let runUnit: Run;
let closeUnit: () => Promise<void>;
unit.before(async () => {
  f9 = await makeFixture('unit');
  const ctx = await f9.model.openContext('web/0', 'config-changed');
  runUnit = bind(f9.model, ctx.env);
  closeUnit = () => ctx.close(true);
});
unit.after(async () => {
  await closeUnit();
  await rm(f9.root, { recursive: true, force: true });
});

unit('unit-get prints the unit addresses', async () => {
  ok(await runUnit('unit-get', ['private-address']), '127.0.1.1\n');
  ok(await runUnit('unit-get', ['public-address', '--format=json']), '"127.0.1.1"\n');
  fails(await runUnit('unit-get'), 2, 'ERROR no setting specified\n');
  fails(await runUnit('unit-get', ['hostname']), 2, 'ERROR unknown setting "hostname"\n');
});

unit("network-get prints the binding in Juju's struct order", async () => {
  ok(
    await runUnit('network-get', ['db', '--format=json']),
    '{"bind-addresses":[{"mac-address":"","interface-name":"lo","addresses":[{"hostname":"","value":"127.0.1.1","cidr":"127.0.1.0/24"}]}],"egress-subnets":["127.0.1.1/32"],"ingress-addresses":["127.0.1.1"]}\n',
  );
  ok(
    await runUnit('network-get', ['metrics']),
    [
      'bind-addresses:',
      '- mac-address: ""',
      '  interface-name: lo',
      '  addresses:',
      '  - hostname: ""',
      '    value: 127.0.1.1',
      '    cidr: 127.0.1.0/24',
      '    address: 127.0.1.1',
      '  macaddress: ""',
      '  interfacename: lo',
      'egress-subnets:',
      '- 127.0.1.1/32',
      'ingress-addresses:',
      '- 127.0.1.1',
      '',
    ].join('\n'),
  );
});

unit('network-get prints one value per flag, or a map for several', async () => {
  ok(await runUnit('network-get', ['website', '--ingress-address']), '127.0.1.1\n');
  ok(await runUnit('network-get', ['website', '--egress-subnets']), '127.0.1.1/32\n');
  ok(
    await runUnit('network-get', ['website', '--bind-address', '--ingress-address', '--format=json']),
    '{"bind-address":"127.0.1.1","ingress-address":"127.0.1.1"}\n',
  );
  ok(await runUnit('network-get', ['-r', `db:${f9.db}`, 'db', '--primary-address']), '127.0.1.1\n');
  fails(await runUnit('network-get', ['nope']), 1, 'ERROR no network config found for binding "nope"\n');
  fails(await runUnit('network-get'), 2, 'ERROR no arguments specified\n');
});

unit('resource-get prints the path without a newline, and fails for unknown resources', async () => {
  ok(await runUnit('resource-get', ['software']), join(f9.root, 'software.zip'));
  fails(await runUnit('resource-get', ['missing']), 1, 'ERROR could not download resource: resource "missing" not found\n');
  fails(await runUnit('resource-get'), 2, 'ERROR missing required resource name\n');
});

unit.run();

// ---

const buffering = suite('hook tools: buffered changes in real hooks');
let f10: Fixture;
buffering.before(async () => {
  f10 = await makeFixture('buffering');
});
buffering.after(async () => {
  await rm(f10.root, { recursive: true, force: true });
});

buffering('commits relation-set and open-port when the hook exits 0', async () => {
  await setHookScript(f10.webCharm, `relation-set -r db:${f10.db} committed=yes\nrelation-set -r db:${f10.db} --app shared=1\nopen-port 8080\n`);
  const result = await f10.model.runHook('web/0', 'config-changed');
  assert.is(result.exitCode, 0, result.stderr);
  const { app, units } = await f10.model.relationData(f10.db);
  assert.is(units['web/0']?.committed, 'yes');
  assert.equal(app.web, { shared: '1' });
  assert.equal(await f10.model.openedPorts('web/0'), ['8080/tcp']);
});

buffering('discards buffered changes on failure but keeps immediate ones', async () => {
  await setHookScript(
    f10.webCharm,
    [
      `relation-set -r db:${f10.db} discarded=yes`,
      'open-port 9090',
      'close-port 8080',
      'status-set blocked "about to fail"',
      'leader-set phase=two',
      'application-version-set 2.0',
      'juju-log -l ERROR dying',
      'exit 3',
      '',
    ].join('\n'),
  );
  const result = await f10.model.runHook('web/0', 'config-changed');
  assert.is(result.exitCode, 3);
  const state = await f10.model.state();
  const relation = state.relations[String(f10.db)];
  assert.is(relation?.unitData['web/0']?.discarded, undefined);
  assert.equal(await f10.model.openedPorts('web/0'), ['8080/tcp']);
  assert.equal(await f10.model.unitStatus('web/0'), { status: 'blocked', message: 'about to fail' });
  assert.equal(state.applications.web?.leaderSettings, { phase: 'two' });
  assert.is(state.units['web/0']?.workloadVersion, '2.0');
  assert.equal((await f10.model.logs('web/0')).at(-1), { level: 'ERROR', message: 'dying' });
  const runs = await f10.model.hookLog('web/0');
  assert.equal(
    runs.map((run) => [run.hook, run.exitCode, run.committed]),
    [
      ['config-changed', 0, true],
      ['config-changed', 3, false],
    ],
  );
});

buffering('reads in the hook see own pending relation data but not pending ports', async () => {
  await setHookScript(f10.webCharm, `relation-set -r db:${f10.db} mine=1\nrelation-get -r db:${f10.db} mine web/0\nopen-port 7070\nopened-ports\n`);
  const result = await f10.model.runHook('web/0', 'config-changed');
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.stdout, '1\n8080/tcp\n');
  assert.equal(await f10.model.openedPorts('web/0'), ['7070/tcp', '8080/tcp']);
});

buffering('relation-set from 8 concurrent processes in one hook all land', async () => {
  await setHookScript(f10.webCharm, `for i in $(seq 1 8); do relation-set -r db:${f10.db} "key$i=value$i" & done\nwait\n`);
  const result = await f10.model.runHook('web/1', 'db-relation-changed', { remoteUnit: 'pg/0' });
  assert.is(result.exitCode, 0, result.stderr);
  const bag = (await f10.model.relationData(f10.db)).units['web/1'] ?? {};
  for (let i = 1; i <= 8; i++) assert.is(bag[`key${i}`], `value${i}`, `key${i}`);
});

buffering('a tool run after its hook ended is refused', async () => {
  // The background job calls the tool once the test says the hook has ended (the file "ended"), however slow the machine.
  await setHookScript(
    f10.webCharm,
    `(${shellAwaitFile('"$JUJU_CHARM_DIR/ended"', 30)}; relation-set -r db:${f10.db} late=yes 2> "$JUJU_CHARM_DIR/late.err") > /dev/null 2>&1 &\n`,
  );
  await rm(join(f10.webCharm, 'ended'), { force: true });
  const result = await f10.model.runHook('web/0', 'update-status');
  assert.is(result.exitCode, 0);
  await writeFile(join(f10.webCharm, 'ended'), '');
  const deadline = Date.now() + 10_000;
  let late = '';
  while (Date.now() < deadline) {
    late = await readFile(join(f10.webCharm, 'late.err'), 'utf8').catch(() => '');
    if (late !== '') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(late, /^ERROR dial unix .*: connect: connection refused\n$/);
  assert.is((await f10.model.relationData(f10.db)).units['web/0']?.late, undefined);
});

buffering.run();
