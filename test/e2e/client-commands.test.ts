import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, lucky, writeCharm, type ProbeResult } from '@lucky/test-utils';

const PROBE = fileURLToPath(new URL('../fixtures/probe-charm/', import.meta.url));

interface Ctx {
  sim: TestModel;
  db: number;
  cluster: number;
  resource: string;
}

const test = suite<Ctx>('client commands: every command through the real lucky, daemon and hook tools');

test.before(async (ctx) => {
  ctx.sim = await TestModel.create();
  ctx.resource = join(ctx.sim.dir, 'software.tgz');
  writeFileSync(ctx.resource, 'archive');
  await ctx.sim.model.addApplication('probe', { charmDir: PROBE, units: 2, resources: { software: ctx.resource } });
  const pg = await writeCharm(join(ctx.sim.dir, 'fake-pg'), { 'metadata.yaml': 'name: pg\nprovides:\n  db:\n    interface: pgsql\n' });
  await ctx.sim.model.addApplication('pg', { charmDir: pg, units: 1 });
  ctx.db = Number((await ctx.sim.model.addRelation('probe:db', 'pg:db')).split(':')[1]);
  await ctx.sim.model.joinUnit(ctx.db, 'probe/0');
  await ctx.sim.model.joinUnit(ctx.db, 'pg/0');
  await ctx.sim.model.setRelationData(ctx.db, 'pg/0', { host: 'db.internal', password: 'p=w d' });
  await ctx.sim.model.setRelationData(ctx.db, 'pg', { database: 'probe_db' });
  ctx.cluster = Number((await ctx.sim.model.addPeerRelation('probe', 'cluster')).split(':')[1]);
  await ctx.sim.model.joinUnit(ctx.cluster, 'probe/0');
  await ctx.sim.model.joinUnit(ctx.cluster, 'probe/1');
  // install fills the config cache.
  const install = await ctx.sim.hook('probe/0', 'install', { extraEnv: { LUCKY_PROBE: 'true' } });
  assert.is(install.exitCode, 0, install.stderr);
});

test.after(async (ctx) => {
  await ctx.sim.stop();
});

async function probe(ctx: Ctx, commands: string[], unit = 'probe/0', hook = 'probe', options = {}): Promise<ProbeResult[]> {
  return (await ctx.sim.probe(unit, hook, commands, options)).results;
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

test('set-status: states in any case, multi-word messages, named slots, usage errors', async (ctx) => {
  const r = await probe(ctx, [
    'lucky set-status Maintenance "Working hard"',
    'lucky set-status --name db blocked Need a database',
    'lucky set-status -n db waiting',
    'lucky set-status happy',
    'lucky set-status',
    'env -u LUCKY_SCRIPT_ID lucky set-status active',
  ]);
  ok(r[0], '');
  ok(r[1], '');
  ok(r[2], '');
  fails(r[3], 2, /^Error: Invalid status "happy": expected one of active, waiting, maintenance, blocked\n/);
  fails(r[4], 2, /^Error: Not enough positional arguments/);
  fails(r[5], 2, /set-status needs --name <slot>, or LUCKY_SCRIPT_ID/);
  assert.equal(await ctx.sim.model.unitStatus('probe/0'), { status: 'maintenance', message: 'Working hard' });
  const history = (await ctx.sim.model.statusHistory('probe/0')).map((s) => `${s.status}:${s.message}`);
  assert.ok(history.includes('blocked:Working hard, Need a database'), history.join(' | '));
});

test('kv: get, set, delete, key=value parsing and output formats', async (ctx) => {
  const r = await probe(ctx, [
    'lucky kv set b=2 a="x = y" multi="line one\nline two"',
    'lucky kv get a',
    'lucky kv get missing',
    'lucky kv get',
    'lucky kv get a --format json',
    'lucky kv get missing --format json',
    'lucky kv get --format json',
    'lucky kv set b= && lucky kv get b',
    'lucky kv delete a multi && lucky kv get',
    'lucky kv set 1bad=x',
    'lucky kv set novalue',
    'lucky kv get --format yaml',
    'lucky kv delete',
  ]);
  ok(r[0], '');
  ok(r[1], 'x = y\n');
  ok(r[2], '\n');
  ok(r[3], 'a=x = y\nb=2\nmulti=line one\nline two\n');
  ok(r[4], '"x = y"\n');
  ok(r[5], 'null\n');
  ok(r[6], '{"b":"2","a":"x = y","multi":"line one\\nline two"}\n');
  ok(r[7], '\n');
  ok(r[8], '');
  fails(r[9], 2, 'Error: Could not parse key-value pair: 1bad=x');
  fails(r[10], 2, 'Error: Could not parse key-value pair: novalue');
  fails(r[11], 2, 'Error: Invalid --format "yaml": expected plain or json');
  fails(r[12], 2, /^Error: Not enough positional arguments/);
});

test("a reader that leaves early (| head) ends lucky quietly with SIGPIPE's status, on stdout and on stderr", async (ctx) => {
  // 120 kB: more than a pipe holds, so the write meets the closed pipe (one argument may hold 128 kB).
  const r = await probe(ctx, [
    'lucky kv set big="$(head -c 120000 /dev/zero | tr "\\0" x)" && lucky kv get big | wc -c',
    'lucky kv get big | head -c5; echo " ${PIPESTATUS[0]}"',
    'lucky kv get --format json | head -c2; echo " ${PIPESTATUS[0]}"',
    // fd 3 is the probe's output; the pipe's reader (true) has gone before lucky writes.
    'exec 3>&1; { sleep 0.5; lucky kv get big 2>/dev/null; echo "exit $?" >&3; } | true',
    'exec 3>&1; { sleep 0.5; lucky kv set 1bad=x 2>&1 >/dev/null; echo "exit $?" >&3; } | true',
    'lucky kv delete big',
  ]);
  ok(r[0], '120001\n');
  ok(r[1], 'xxxxx 141\n');
  ok(r[2], '{" 141\n');
  ok(r[3], 'exit 141\n');
  ok(r[4], 'exit 141\n');
  ok(r[5], '');
});

test("get-config: Lucky's rendering of each type, unknown keys and JSON", async (ctx) => {
  const r = await probe(ctx, [
    'lucky get-config name',
    'lucky get-config count',
    'lucky get-config ratio',
    'lucky get-config enabled',
    'lucky get-config unset-option',
    'lucky get-config no-such-key',
    'lucky get-config',
    'lucky get-config --format json',
    'lucky get-config count --format json',
  ]);
  ok(r[0], 'John\n');
  ok(r[1], '100\n');
  ok(r[2], '1.5\n');
  ok(r[3], 'false\n');
  ok(r[4], '\n');
  ok(r[5], '\n');
  ok(r[6], 'count=100\nenabled=false\nname=John\nratio=1.5\nunset-option=\n');
  ok(r[7], '{"count":100,"enabled":false,"name":"John","ratio":1.5,"unset-option":null}\n');
  ok(r[8], '100\n');
});

test("relation get: the hook's remote unit by default, -r/-u, --app, keys and JSON", async (ctx) => {
  const r = await probe(
    ctx,
    [
      'lucky relation get host',
      'lucky relation get password',
      'lucky relation get nothing',
      `lucky relation get -r db:${ctx.db} -u pg/0 host`,
      `lucky relation get -r ${ctx.db} -u pg/0`,
      'lucky relation get --app',
      'lucky relation get --app database --format json',
      `lucky relation get -r db:${ctx.db}`,
      'lucky relation get -r db:99 -u pg/0',
      'lucky relation get --format json host',
    ],
    'probe/0',
    'db-relation-changed',
    { relationId: ctx.db, remoteUnit: 'pg/0' },
  );
  ok(r[0], 'db.internal\n');
  ok(r[1], 'p=w d\n');
  ok(r[2], '\n');
  ok(r[3], 'db.internal\n');
  const state = await ctx.sim.model.state();
  const address = state.units['pg/0']?.privateAddress ?? '?';
  ok(r[4], `egress-subnets=${address}/32\nhost=db.internal\ningress-address=${address}\npassword=p=w d\nprivate-address=${address}\n`);
  ok(r[5], 'database=probe_db\n');
  ok(r[6], '"probe_db"\n');
  fails(r[7], 2, 'Error: relation get -r <id> also needs -u <remote unit> (or --app)');
  fails(r[8], 1, /^Error: relation-get failed: invalid value "db:99" for option -r: relation not found \(exit 2\)\n$/);
  ok(r[9], '"db.internal"\n');
});

test('relation set, list-units and list-ids, and leader-only application data', async (ctx) => {
  const r = await probe(
    ctx,
    [
      'lucky relation set url=http://probe "note=a b=c"',
      'lucky relation set -r db:' + ctx.db + ' --app shared=yes',
      'lucky relation list-units',
      'lucky relation list-units --format json',
      `lucky relation list-units -r cluster:${ctx.cluster}`,
      'lucky relation list-ids -n db',
      'lucky relation list-ids --relation-name cluster --format json',
      'lucky relation list-ids',
      'lucky relation set',
    ],
    'probe/0',
    'db-relation-changed',
    { relationId: ctx.db, remoteUnit: 'pg/0' },
  );
  for (const i of [0, 1]) ok(r[i], '');
  ok(r[2], 'pg/0\n');
  ok(r[3], '["pg/0"]\n');
  ok(r[4], 'probe/1\n');
  ok(r[5], `db:${ctx.db}\n`);
  ok(r[6], `["cluster:${ctx.cluster}"]\n`);
  fails(r[7], 2, /^Error: Invalid arguments for "lucky relation list-ids"\.\nUsage: lucky relation list-ids .*--relation-name/);
  fails(r[8], 2, /^Error: Not enough positional arguments/);
  // Committed once the hook exited 0.
  const data = await ctx.sim.model.relationData(ctx.db);
  assert.is(data.units['probe/0']?.url, 'http://probe');
  assert.is(data.units['probe/0']?.note, 'a b=c');
  assert.is(data.app.probe?.shared, 'yes');
  // A non-leader may not write application data; the tool's error names the tool.
  const follower = await probe(ctx, ['lucky relation set --app x=1'], 'probe/1', 'cluster-relation-changed', {
    relationId: ctx.cluster,
    remoteUnit: 'probe/0',
  });
  fails(follower[0], 1, /^Error: relation-set failed: cannot write relation settings \(exit 1\)\n$/);
});

test("leader: is-leader, get and set, and the follower's refusal", async (ctx) => {
  const leader = await probe(ctx, [
    'lucky leader is-leader',
    'lucky leader is-leader --format json',
    'lucky leader set secret=s3cr3t "motto=be kind"',
    'lucky leader get secret',
    'lucky leader get',
    'lucky leader get nothing --format json',
  ]);
  ok(leader[0], 'true\n');
  ok(leader[1], 'true\n');
  ok(leader[2], '');
  ok(leader[3], 's3cr3t\n');
  ok(leader[4], 'motto=be kind\nsecret=s3cr3t\n');
  ok(leader[5], 'null\n');
  const follower = await probe(ctx, ['lucky leader is-leader', 'lucky leader get secret', 'lucky leader set secret=mine'], 'probe/1');
  ok(follower[0], 'false\n');
  ok(follower[1], 's3cr3t\n');
  fails(follower[2], 1, /^Error: leader-set failed: cannot write leadership settings.*\(exit 1\)\n$/);
});

test('port: open, close, --all and get-opened, with Juju buffering', async (ctx) => {
  const first = await probe(ctx, ['lucky port open 80', 'lucky port open 8000-8100/udp', 'lucky port get-opened', 'lucky port open 99999', 'lucky port close']);
  ok(first[0], '');
  ok(first[1], '');
  ok(first[2], '');
  fails(first[3], 1, /^Error: Invalid params for port\.open: port: port numbers run from 1 to 65535\n$/);
  fails(first[4], 2, 'Error: port close takes either a port or --all');
  const second = await probe(ctx, ['lucky port get-opened', 'lucky port get-opened --format json', 'lucky port close 80']);
  ok(second[0], '80/tcp\n8000-8100/udp\n');
  ok(second[1], '["80/tcp","8000-8100/udp"]\n');
  assert.equal(await ctx.sim.model.openedPorts('probe/0'), ['8000-8100/udp']);
  const third = await probe(ctx, ['lucky port close --all']);
  ok(third[0], '');
  assert.equal(await ctx.sim.model.openedPorts('probe/0'), []);
});

test('addresses and resources', async (ctx) => {
  const state = await ctx.sim.model.state();
  const r = await probe(ctx, [
    'lucky private-address',
    'lucky public-address',
    'lucky private-address --format json',
    'lucky get-resource software',
    'lucky get-resource nothing',
  ]);
  ok(r[0], `${state.units['probe/0']?.privateAddress}\n`);
  ok(r[1], `${state.units['probe/0']?.publicAddress}\n`);
  ok(r[2], `"${state.units['probe/0']?.privateAddress}"\n`);
  ok(r[3], `${ctx.resource}\n`);
  fails(r[4], 1, /^Error: resource-get failed: .*nothing.* \(exit 1\)\n$/);
});

test('random: passwords, inclusive ranges, floats, free ports and conflicting flags', async (ctx) => {
  const r = await probe(ctx, [
    'lucky random',
    'lucky random -l 8',
    'for i in $(seq 60); do lucky random --range 1 3; done | sort -u | tr "\\n" " "',
    'lucky random -r 5 5',
    'lucky random -r 0.5 1 --float',
    'lucky random --available-port',
    'lucky random -p -r 20000 20010',
    'lucky random -l 5 -r 1 2',
    'lucky random --float',
    'lucky random -r 3 1',
    'lucky random -l x',
    'lucky random -l 300000000',
    'lucky random -l 4096 | tr -d "\\n" | wc -c',
    'lucky random -r 0 281474976710655',
    'lucky random -r 9007199254740990 9007199254740991',
  ]);
  assert.match(r[0]!.out, /^[a-zA-Z0-9]{24}\n$/);
  assert.match(r[1]!.out, /^[a-zA-Z0-9]{8}\n$/);
  ok(r[2], '1 2 3 ');
  ok(r[3], '5\n');
  const float = Number(r[4]!.out);
  assert.ok(float >= 0.5 && float <= 1, r[4]!.out);
  const port = Number(r[5]!.out);
  assert.ok(Number.isInteger(port) && port >= 1024 && port <= 65535, r[5]!.out);
  const ranged = Number(r[6]!.out);
  assert.ok(ranged >= 20000 && ranged <= 20010, r[6]!.out);
  fails(r[7], 2, '--length cannot be combined with --range or --available-port');
  fails(r[8], 2, '--float needs --range LOW HIGH');
  fails(r[9], 2, 'Lower bound of range cannot be greater than the upper bound: 3 > 1');
  fails(r[10], 2, 'Invalid --length "x"');
  // Refused at once instead of building a 300 MB string (minutes, then killed for memory).
  fails(r[11], 2, /^Error: Invalid --length "300000000": the longest random string is 4096 characters\n$/);
  ok(r[12], '4096\n');
  fails(r[13], 2, /^Error: Invalid range "0 281474976710655": it holds more than 281474976710655 whole numbers/);
  assert.match(r[14]!.out, /^900719925474099[01]\n$/);
});

test("dispatch from a hook's script is refused at once instead of waiting for its own hook", async (ctx) => {
  // Were it not refused, the hook would hang until the timeout.
  const r = await probe(
    ctx,
    ['lucky dispatch probe', 'lucky trigger-hook install', 'lucky dispatch', 'echo "$LUCKY_CONTEXT $LUCKY_SCRIPT_ID"'],
    'probe/0',
    'probe',
    { timeoutMs: 60_000 },
  );
  const [context, scriptId] = r[3]!.out.trim().split(' ');
  assert.is(context, 'client');
  assert.ok(scriptId, r[3]!.out);
  const refusal = `Error: lucky dispatch cannot run from a hook's script (it would wait for its own hook): this is script ${scriptId} of hook "probe", and the daemon runs one hook at a time. Run the commands of the other hook here instead, or list its scripts under this hook in lucky.yaml.\n`;
  for (const i of [0, 1, 2]) {
    assert.is(r[i]!.exit, 1, r[i]!.out);
    assert.is(r[i]!.out, refusal);
  }
});

test('outside a hook: kv works, Juju-backed commands say they need a hook', async (ctx) => {
  const env = { ...ctx.sim.unitEnv('probe/0'), JUJU_UNIT_NAME: 'probe/0' };
  const kv = await lucky(['kv', 'get', 'b'], env);
  assert.is(kv.exitCode, 0, kv.stderr);
  const relation = await lucky(['relation', 'get', 'host'], env);
  assert.is(relation.exitCode, 1);
  assert.is(
    relation.stderr,
    'Error: Not in a hook context: "relation.get" needs a running Juju hook, and no hook is running for probe/0. Call it from a hook\'s script.\n',
  );
  const stale = await lucky(['leader', 'is-leader'], { ...env, JUJU_CONTEXT_ID: 'probe/0-old-hook-1' });
  assert.is(stale.exitCode, 1);
  assert.match(stale.stderr, /^Error: Not in a hook context/);
});

test('no daemon or no unit: a message saying exactly that', async () => {
  const none = await lucky(['kv', 'get', 'x'], {});
  assert.is(none.exitCode, 1);
  assert.is(
    none.stderr,
    'Error: Not in a hook context: neither LUCKY_DAEMON_SOCKET nor JUJU_UNIT_NAME is set. Run lucky from a charm script, or set JUJU_UNIT_NAME=<app/N> (or LUCKY_DAEMON_SOCKET=<socket path>).\n',
  );
  const down = await lucky(['kv', 'get', 'x'], { LUCKY_DAEMON_SOCKET: '/tmp/lucky-no-such-dir/daemon.sock' });
  assert.is(down.exitCode, 1);
  assert.match(down.stderr, /^Error: The Lucky daemon is not running: nothing answers at \/tmp\/lucky-no-such-dir\/daemon\.sock \(ENOENT\)\./);
  assert.not.match(down.stderr, /\n {4}at /);
});

const COMMAND_LINES = [
  'set-status',
  'kv get',
  'kv set',
  'kv delete',
  'get-config',
  'relation get',
  'relation set',
  'relation list-units',
  'relation list-ids',
  'leader get',
  'leader set',
  'leader is-leader',
  'port open',
  'port close',
  'port get-opened',
  'private-address',
  'public-address',
  'get-resource',
  'random',
  'action get',
  'action set',
  'action fail',
  'action log',
  'dispatch',
  'daemon start',
  'daemon stop',
  'daemon status',
];

test('--help works on every command, and the top level lists them all', async () => {
  for (const line of COMMAND_LINES) {
    const help = await lucky([...line.split(' '), '--help']);
    assert.is(help.exitCode, 0, `${line}: ${help.stderr}`);
    assert.match(help.stdout, `$ lucky ${line}`);
  }
  const top = await lucky(['--help']);
  assert.is(top.exitCode, 0);
  for (const line of COMMAND_LINES) assert.match(top.stdout, `lucky ${line}`);
  const version = await lucky(['--version']);
  assert.is(version.stdout, '0.1.0\n');
  const unknown = await lucky(['frobnicate']);
  assert.is(unknown.exitCode, 2);
  assert.match(unknown.stderr, /^Error: Unknown command: lucky frobnicate\n/);
});

test.run();
