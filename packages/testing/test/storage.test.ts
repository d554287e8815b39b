import { existsSync } from 'node:fs';
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimulatedModel, LocalModel, openSimulatedModel, TOOL_NAMES, type HookOutcome, type SimulatedModel } from '../src/index.js';
import { fails, ok, rejects, setHookScript, tempDir, tool, writeCharm, type ToolResult } from './support.js';

/** Three stores: a singular filesystem with a location, a 2-3 filesystem range, and block devices (1 or more). */
const DB_METADATA = `name: db
storage:
  data:
    type: filesystem
    location: /srv/data
  cache:
    type: filesystem
    multiple:
      range: 2-3
  disks:
    type: block
    multiple:
      range: 1+
`;

interface Fixture {
  root: string;
  model: SimulatedModel;
  charm: string;
}

/**
 * db/0 and db/1. Juju numbers storage from one model-wide sequence and creates a
 * unit's stores in name order: db/0 gets cache/0, cache/1, data/2, disks/3, and
 * db/1 gets cache/4, cache/5, data/6, disks/7.
 */
async function makeDb(prefix: string): Promise<Fixture> {
  const root = await tempDir(prefix);
  const charm = await writeCharm(join(root, 'db'), { 'metadata.yaml': DB_METADATA });
  const model = await createSimulatedModel(join(root, 'model'));
  await model.addApplication('db', { charmDir: charm, units: 2 });
  return { root, model, charm };
}

// ---

const instances = suite<Fixture>('storage: instances in the model');
instances.before(async (ctx) => {
  Object.assign(ctx, await makeDb('storage-model'));
});
instances.after(async (ctx) => {
  await rm(ctx.root, { recursive: true, force: true });
});

instances('each unit gets the minimum of every store, numbered from one model-wide sequence', async (ctx) => {
  const state = await ctx.model.state();
  const dir = ctx.model.dir;
  assert.equal(state.storage, {
    'cache/0': { name: 'cache', kind: 'filesystem', location: join(dir, 'machines/0/var/lib/juju/storage/cache/0'), unit: 'db/0' },
    'cache/1': { name: 'cache', kind: 'filesystem', location: join(dir, 'machines/0/var/lib/juju/storage/cache/1'), unit: 'db/0' },
    'data/2': { name: 'data', kind: 'filesystem', location: join(dir, 'machines/0/srv/data'), unit: 'db/0' },
    'disks/3': { name: 'disks', kind: 'block', location: '/dev/loop0', unit: 'db/0' },
    'cache/4': { name: 'cache', kind: 'filesystem', location: join(dir, 'machines/1/var/lib/juju/storage/cache/4'), unit: 'db/1' },
    'cache/5': { name: 'cache', kind: 'filesystem', location: join(dir, 'machines/1/var/lib/juju/storage/cache/5'), unit: 'db/1' },
    'data/6': { name: 'data', kind: 'filesystem', location: join(dir, 'machines/1/srv/data'), unit: 'db/1' },
    'disks/7': { name: 'disks', kind: 'block', location: '/dev/loop0', unit: 'db/1' },
  });
  assert.is(state.counters.storage, 8);
  assert.equal(state.applications.db?.storage, {
    cache: { type: 'filesystem', location: '', countMin: 2, countMax: 3, minimumSize: 0, readOnly: false },
    data: { type: 'filesystem', location: '/srv/data', countMin: 1, countMax: 1, minimumSize: 0, readOnly: false },
    disks: { type: 'block', location: '', countMin: 1, countMax: -1, minimumSize: 0, readOnly: false },
  });
  for (const instance of Object.values(state.storage)) {
    if (instance.kind === 'filesystem') assert.ok((await stat(instance.location)).isDirectory(), instance.location);
  }
  assert.not.ok(existsSync(join(dir, 'machines/0/dev')), 'block devices are only a path');
});

instances('addStorage attaches more instances, within the range of the store', async (ctx) => {
  assert.equal(await ctx.model.addStorage('db/1', 'disks', 2), ['disks/8', 'disks/9']);
  const state = await ctx.model.state();
  // The first loop device the machine does not use yet.
  assert.equal(
    ['disks/7', 'disks/8', 'disks/9'].map((id) => state.storage[id]?.location),
    ['/dev/loop0', '/dev/loop1', '/dev/loop2'],
  );
  await rejects(
    ctx.model.addStorage('db/1', 'cache', 2),
    /^Cannot add storage: adding storage cache for unit-db-1: attaching 2 storage instances brings the total to 4, exceeding the maximum of 3\.$/,
  );
  await rejects(ctx.model.addStorage('db/1', 'data'), /^Cannot add storage: adding storage data for unit-db-1: cannot attach, storage is singular\.$/);
  await rejects(ctx.model.addStorage('db/1', 'logs'), /^Cannot add storage: adding storage logs for unit-db-1: storage "logs" not found\.$/);
  await rejects(ctx.model.addStorage('db/9', 'cache'), /^Unit db\/9 does not exist/);
  assert.is((await ctx.model.state()).counters.storage, 10, 'refused additions take no ids');
});

instances('bad storage metadata is refused with the store named', async (ctx) => {
  const cases: [string, RegExp][] = [
    ['x:\n    type: block\n    location: /dev/x\n', /storage "x": location may not be specified for "type: block"$/],
    ['x:\n    type: filesystem\n    multiple:\n      range: lots\n', /storage "x": multiple\.range: value "lots" does not match 'm', 'm-n', or 'm\+'$/],
    ['x:\n    type: filesystem\n    multiple:\n      range: 0\n', /storage "x": multiple\.range: invalid count 0$/],
    ['x:\n    type: filesystem\n    minimum-size: 1Q\n', /storage "x": minimum-size: invalid multiplier suffix "Q", expected one of MGTPEZY$/],
    ['x:\n    type: filesystem\n    shared: true\n', /storage "x": shared storage support not implemented$/],
    ['x:\n    type: tape\n', /is not valid charm metadata/],
  ];
  for (const [i, [storage, pattern]] of cases.entries()) {
    const charm = await writeCharm(join(ctx.root, `bad-${i}`), { 'metadata.yaml': `name: bad\nstorage:\n  ${storage}` });
    await rejects(ctx.model.addApplication(`bad${'x'.repeat(i)}`, { charmDir: charm }), pattern);
  }
  const sized = await writeCharm(join(ctx.root, 'sized'), {
    'metadata.yaml': 'name: sized\nstorage:\n  logs:\n    type: filesystem\n    minimum-size: 1.5G\n    multiple:\n      range: 0-\n',
  });
  await ctx.model.addApplication('sized', { charmDir: sized });
  const state = await ctx.model.state();
  assert.equal(state.applications.sized?.storage.logs, { type: 'filesystem', location: '', countMin: 0, countMax: -1, minimumSize: 1536, readOnly: false });
  assert.equal(
    Object.values(state.storage).filter((instance) => instance.name === 'logs'),
    [],
    'a range from 0 creates nothing',
  );
});

instances('the storage tools are generated with the others', async (ctx) => {
  for (const name of ['storage-add', 'storage-get', 'storage-list'] as const) {
    assert.ok(TOOL_NAMES.includes(name), name);
    assert.ok(((await stat(join(ctx.model.toolsDir, name))).mode & 0o111) !== 0, `${name} is executable`);
  }
});

instances('a model saved before storage was simulated opens with empty storage', async (ctx) => {
  const dir = join(ctx.root, 'old');
  const model = await createSimulatedModel(dir);
  await model.addApplication('db', { charmDir: ctx.charm });
  const path = join(dir, 'model.json');
  const old = JSON.parse(await readFile(path, 'utf8')) as { storage?: unknown; counters: { storage?: number }; applications: { db: { storage?: unknown } } };
  delete old.storage;
  delete old.counters.storage;
  delete old.applications.db.storage;
  await writeFile(path, JSON.stringify(old));
  const state = await (await openSimulatedModel(dir)).state();
  assert.equal([state.storage, state.counters.storage, state.applications.db?.storage], [{}, 0, {}]);
});

instances.run();

// ---

const tools = suite<Fixture>('storage: storage-list and storage-get');
tools.before(async (ctx) => {
  Object.assign(ctx, await makeDb('storage-tools'));
});
tools.after(async (ctx) => {
  await rm(ctx.root, { recursive: true, force: true });
});

async function withContext(
  model: SimulatedModel,
  hook: string,
  options: { storageId?: string },
  fn: (run: (name: string, args?: readonly string[]) => Promise<ToolResult>) => Promise<void>,
): Promise<void> {
  const ctx = await model.openContext('db/0', hook, options);
  try {
    await fn((name, args = []) => tool(model, ctx.env, name, args));
  } finally {
    await ctx.close(false);
  }
}

tools("storage-list lists the unit's storage, optionally of one store", async (ctx) => {
  await withContext(ctx.model, 'install', {}, async (run) => {
    ok(await run('storage-list'), 'cache/0\ncache/1\ndata/2\ndisks/3\n');
    ok(await run('storage-list', ['--format=json']), '["cache/0","cache/1","data/2","disks/3"]\n');
    ok(await run('storage-list', ['--format', 'yaml', 'cache']), '- cache/0\n- cache/1\n');
    ok(await run('storage-list', ['cache', '--format=json']), '["cache/0","cache/1"]\n');
    ok(await run('storage-list', ['nope', '--format=json']), '[]\n');
    ok(await run('storage-list', ['nope']), '');
    fails(await run('storage-list', ['cache', 'data']), 2, 'ERROR unrecognized args: ["data"]\n');
    fails(await run('storage-list', ['--format=xml']), 2, 'ERROR invalid value "xml" for option --format: unknown format "xml"\n');
  });
});

tools("storage-get prints the hook's storage, or the one named with -s", async (ctx) => {
  const data = join(ctx.model.dir, 'machines/0/srv/data');
  await withContext(ctx.model, 'data-storage-attached', {}, async (run) => {
    ok(await run('storage-get', ['--format=json']), `{"kind":"filesystem","location":${JSON.stringify(data)}}\n`);
    ok(await run('storage-get'), `kind: filesystem\nlocation: ${data}\n`);
    ok(await run('storage-get', ['kind']), 'filesystem\n');
    ok(await run('storage-get', ['location', '--format=json']), `${JSON.stringify(data)}\n`);
    ok(await run('storage-get', ['-s', 'disks/3', 'location']), '/dev/loop0\n');
    ok(await run('storage-get', ['-sdisks/3', '--format=yaml']), 'kind: block\nlocation: /dev/loop0\n');
  });
  await withContext(ctx.model, 'cache-storage-detaching', { storageId: 'cache/1' }, async (run) => {
    ok(await run('storage-get', ['location']), `${join(ctx.model.dir, 'machines/0/var/lib/juju/storage/cache/1')}\n`);
  });
  // Outside storage hooks, -s is the only way.
  await withContext(ctx.model, 'install', {}, async (run) => {
    ok(await run('storage-get', ['-s', 'data/2', 'kind', '--format=json']), '"filesystem"\n');
  });
});

tools("storage-get errors are Juju's, with its exit codes", async (ctx) => {
  await withContext(ctx.model, 'install', {}, async (run) => {
    fails(await run('storage-get'), 2, 'ERROR no storage instance specified\n');
    fails(await run('storage-get', ['location']), 2, 'ERROR no storage instance specified\n');
    fails(await run('storage-get', ['-s', 'data']), 2, 'ERROR invalid value "data" for option -s: invalid storage ID "data"\n');
    fails(await run('storage-get', ['-s', 'Data/1']), 2, 'ERROR invalid value "Data/1" for option -s: invalid storage ID "Data/1"\n');
    // Storage of another unit is not attached to this one.
    fails(await run('storage-get', ['-s', 'data/6']), 2, 'ERROR invalid value "data/6" for option -s: storage attachment data/6:db/0 not found\n');
    fails(
      await run('storage-get', ['-s', 'data/99', '--format=json']),
      2,
      'ERROR invalid value "data/99" for option -s: storage attachment data/99:db/0 not found\n',
    );
    fails(await run('storage-get', ['-s']), 2, 'ERROR option needs an argument: -s\n');
    fails(await run('storage-get', ['-s', 'data/2', 'size']), 1, 'ERROR invalid storage attribute "size"\n');
    fails(await run('storage-get', ['-s', 'data/2', '--format=json', 'constructor']), 1, 'ERROR invalid storage attribute "constructor"\n');
    fails(await run('storage-get', ['-s', 'data/2', 'kind', 'location']), 2, 'ERROR unrecognized args: ["location"]\n');
  });
});

tools('storage hooks get JUJU_STORAGE_ID, _LOCATION and _KIND; other hooks do not', async (ctx) => {
  await setHookScript(ctx.charm, 'echo "$JUJU_STORAGE_ID|$JUJU_STORAGE_KIND|$JUJU_STORAGE_LOCATION|${JUJU_STORAGE_ID+set}"\n');
  const attached = await ctx.model.runHook('db/0', 'cache-storage-attached', { storageId: 'cache/1' });
  assert.is(attached.exitCode, 0, attached.stderr);
  const cache = join(ctx.model.dir, 'machines/0/var/lib/juju/storage/cache/1');
  assert.is(attached.stdout, `cache/1|filesystem|${cache}|set\n`);
  assert.equal([attached.env.JUJU_STORAGE_ID, attached.env.JUJU_STORAGE_KIND, attached.env.JUJU_STORAGE_LOCATION], ['cache/1', 'filesystem', cache]);
  // A store with one instance on the unit needs no storageId.
  const block = await ctx.model.runHook('db/1', 'disks-storage-detaching');
  assert.is(block.stdout, 'disks/7|block|/dev/loop0|set\n');
  const install = await ctx.model.runHook('db/0', 'install');
  assert.is(install.stdout, '|||\n');
  assert.not.ok('JUJU_STORAGE_ID' in install.env);
  const runs = await ctx.model.hookLog('db/1');
  assert.is(runs.at(-1)?.env.JUJU_STORAGE_ID, 'disks/7', 'the hook log keeps the storage variables');
});

tools('storage hook options are checked', async (ctx) => {
  await rejects(ctx.model.runHook('db/0', 'cache-storage-attached'), /^db\/0 has 2 instances of storage "cache"; pass storageId to runHook\/openContext\.$/);
  await rejects(ctx.model.runHook('db/0', 'logs-storage-attached'), /^db\/0 has 0 instances of storage "logs"/);
  await rejects(
    ctx.model.runHook('db/0', 'cache-storage-attached', { storageId: 'cache/4' }),
    /^cache\/4 is not "cache" storage of db\/0 \(its "cache" storage: cache\/0, cache\/1\)\.$/,
  );
  await rejects(ctx.model.runHook('db/0', 'data-storage-attached', { storageId: 'cache/0' }), /^cache\/0 is not "data" storage of db\/0/);
  await rejects(ctx.model.runHook('db/0', 'install', { storageId: 'data/2' }), /^"install" is not a storage hook/);
  assert.equal(
    (await ctx.model.hookLog('db/0')).filter((run) => run.hook !== 'cache-storage-attached' && run.hook !== 'install'),
    [],
    'nothing ran',
  );
});

tools.run();

// ---

const adding = suite<Fixture>('storage: storage-add');
adding.before(async (ctx) => {
  Object.assign(ctx, await makeDb('storage-add'));
});
adding.after(async (ctx) => {
  await rm(ctx.root, { recursive: true, force: true });
});

adding("refuses bad directives as the tool's Init does (exit 2)", async (ctx) => {
  const ctxHandle = await ctx.model.openContext('db/0', 'install');
  const run = (args: readonly string[]) => tool(ctx.model, ctxHandle.env, 'storage-add', args);
  try {
    fails(await run([]), 2, 'ERROR storage add requires a storage directive\n');
    fails(await run(['cache=0']), 2, 'ERROR cannot parse directive for storage "cache": cannot parse count: count must be greater than zero, got "0"\n');
    fails(await run(['cache=-1']), 2, 'ERROR cannot parse directive for storage "cache": cannot parse count: count must be greater than zero, got "-1"\n');
    fails(await run(['cache=1=2']), 2, 'ERROR expected "name=directive" or "name", got "cache=1=2"\n');
    fails(await run(['=1']), 2, 'ERROR expected "name=directive" or "name", got "=1"\n');
    fails(await run(['cache', 'cache=2']), 2, 'ERROR storage "cache" specified more than once\n');
    fails(await run(['cache=']), 2, 'ERROR cannot parse directive for storage "cache": storage directives require at least one field to be specified\n');
    fails(await run(['cache=2#']), 2, 'ERROR cannot parse directive for storage "cache": unrecognized storage directive "2#" not valid\n');
    fails(await run(['cache=-1G']), 2, 'ERROR cannot parse directive for storage "cache": cannot parse size: expected a non-negative number, got "-1G"\n');
    fails(
      await run(['cache=ebs,ebs2']),
      2,
      'ERROR cannot parse directive for storage "cache": pool name is already set to "ebs", new value "ebs2" not valid\n',
    );
    // Valid directives, but a hook may only ask for a count.
    fails(await run(['cache=ebs']), 2, 'ERROR only count can be specified for "cache"\n');
    fails(await run(['data', 'cache=2,10G']), 2, 'ERROR only count can be specified for "cache"\n');
    fails(await run(['--count=2']), 2, 'ERROR option provided but not defined: --count\n');
  } finally {
    await ctxHandle.close(true);
  }
  assert.is((await ctx.model.state()).counters.storage, 8, 'nothing was added');
});

adding('is buffered: nothing exists until the hook succeeds', async (ctx) => {
  const discarded = await ctx.model.openContext('db/0', 'install');
  ok(await tool(ctx.model, discarded.env, 'storage-add', ['cache', 'disks=2']), '');
  ok(await tool(ctx.model, discarded.env, 'storage-list', ['--format=json']), '["cache/0","cache/1","data/2","disks/3"]\n', 'pending storage is not listed');
  await discarded.close(false);
  assert.is(Object.keys((await ctx.model.state()).storage).length, 8);

  const committed = await ctx.model.openContext('db/0', 'install');
  ok(await tool(ctx.model, committed.env, 'storage-add', ['disks=2']), '');
  ok(await tool(ctx.model, committed.env, 'storage-add', ['cache']), '');
  await committed.close(true);
  const state = await ctx.model.state();
  assert.equal(
    Object.entries(state.storage)
      .filter(([id]) => Number(id.split('/')[1]) >= 8)
      .map(([id, instance]) => [id, instance.unit, instance.location.replace(ctx.model.dir, '<model>')]),
    [
      ['disks/8', 'db/0', '/dev/loop1'],
      ['disks/9', 'db/0', '/dev/loop2'],
      ['cache/10', 'db/0', '<model>/machines/0/var/lib/juju/storage/cache/10'],
    ],
  );
  assert.ok((await stat(join(ctx.model.dir, 'machines/0/var/lib/juju/storage/cache/10'))).isDirectory());
});

adding('storage the model refuses fails the hook at commit, and none of its changes apply', async (ctx) => {
  await setHookScript(ctx.charm, 'open-port 8080\nstorage-add disks\nstorage-add nope=2\necho done\n');
  const unknown = await ctx.model.runHook('db/1', 'update-status');
  assert.is(unknown.exitCode, 1);
  assert.is(unknown.stdout, 'done\n');
  assert.is(unknown.stderr, 'cannot apply changes: adding storage nope for unit-db-1: storage "nope" not found\n');
  await setHookScript(ctx.charm, 'storage-add cache=2\n');
  const tooMany = await ctx.model.runHook('db/1', 'update-status');
  assert.is(
    tooMany.stderr,
    'cannot apply changes: adding storage cache for unit-db-1: attaching 2 storage instances brings the total to 4, exceeding the maximum of 3\n',
  );
  await setHookScript(ctx.charm, 'storage-add data\n');
  const singular = await ctx.model.runHook('db/1', 'update-status');
  assert.is(singular.stderr, 'cannot apply changes: adding storage data for unit-db-1: cannot attach, storage is singular\n');
  // Two directives that together pass the maximum.
  await setHookScript(ctx.charm, 'storage-add cache\nstorage-add cache\n');
  const together = await ctx.model.runHook('db/1', 'update-status');
  assert.is(
    together.stderr,
    'cannot apply changes: adding storage cache for unit-db-1: attaching 1 storage instance brings the total to 4, exceeding the maximum of 3\n',
  );

  const state = await ctx.model.state();
  assert.equal(await ctx.model.openedPorts('db/1'), [], 'the port of the refused hook stays closed');
  assert.equal(
    Object.keys(state.storage).filter((id) => state.storage[id]?.unit === 'db/1'),
    ['cache/4', 'cache/5', 'data/6', 'disks/7'],
  );
  assert.equal(
    (await ctx.model.hookLog('db/1')).map((run) => [run.exitCode, run.committed]),
    [
      [1, false],
      [1, false],
      [1, false],
      [1, false],
    ],
  );

  const handle = await ctx.model.openContext('db/1', 'install');
  ok(await tool(ctx.model, handle.env, 'storage-add', ['nope']), '');
  await rejects(handle.close(true), /^adding storage nope for unit-db-1: storage "nope" not found$/);
  // The context is over anyway: the unit can run its next hook.
  await setHookScript(ctx.charm, 'storage-add cache\n');
  const fine = await ctx.model.runHook('db/1', 'update-status');
  assert.is(fine.exitCode, 0, fine.stderr);
  assert.is((await ctx.model.state()).storage['cache/11']?.unit, 'db/1');
});

adding.run();

// ---

/**
 * The charm of the brief: `data` (one filesystem) and `cache` (2 or 3), plus a peer
 * endpoint. Every hook records what it sees in <charm>/seen.log; `grow` runs
 * `storage-add cache`, `grow-and-fail` does the same and exits 3.
 */
async function writeStoreCharm(dir: string): Promise<string> {
  await writeCharm(dir, {
    'metadata.yaml': `name: store
peers:
  ring:
    interface: store-ring
storage:
  data:
    type: filesystem
  cache:
    type: filesystem
    multiple:
      range: 2-3
`,
  });
  await writeFile(
    join(dir, 'dispatch'),
    `#!/bin/bash
set -e
line="$JUJU_UNIT_NAME $JUJU_HOOK_NAME"
if [ -n "\${JUJU_STORAGE_ID+x}" ]; then
  exists=no; [ -d "$JUJU_STORAGE_LOCATION" ] && exists=yes
  line="$line id=$JUJU_STORAGE_ID kind=$JUJU_STORAGE_KIND dir=$exists get=$(storage-get kind)"
  [ "$JUJU_STORAGE_LOCATION" = "$(storage-get location)" ] || { echo "storage-get location disagrees" >&2; exit 9; }
fi
echo "$line list=$(storage-list --format=json)" >> "$JUJU_CHARM_DIR/seen.log"
case "$JUJU_HOOK_NAME" in
  grow) storage-add cache ;;
  grow-and-fail) storage-add cache; exit 3 ;;
esac
`,
  );
  await chmod(join(dir, 'dispatch'), 0o755);
  return dir;
}

function names(outcomes: readonly HookOutcome[]): string[] {
  return outcomes.map((outcome) => `${outcome.unit} ${outcome.hook}`);
}

function assertAllSucceeded(outcomes: readonly HookOutcome[]): void {
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook} failed:\n${outcome.stderr}`);
}

interface RunnerCtx {
  root: string;
  model: LocalModel;
  charm: string;
}

async function takeSeen(charm: string): Promise<string[]> {
  const path = join(charm, 'seen.log');
  const text = await readFile(path, 'utf8').catch(() => '');
  await rm(path, { force: true });
  return text.split('\n').filter((line) => line !== '');
}

const runner = suite<RunnerCtx>('storage: LocalModel hooks');
runner.before(async (ctx) => {
  ctx.root = await tempDir('storage-runner');
  // Serial: the charm logs every hook to one file, and these steps check that log's exact order across units.
  ctx.model = await LocalModel.create(join(ctx.root, 'model'), { serial: true });
  ctx.charm = await writeStoreCharm(join(ctx.root, 'store'));
});
runner.after(async (ctx) => {
  await ctx.model.destroy();
  await rm(ctx.root, { recursive: true, force: true });
});

runner('deploy attaches every storage instance before install, with the storage variables', async (ctx) => {
  const outcomes = await ctx.model.deploy(ctx.charm, { units: 2 });
  assertAllSucceeded(outcomes);
  const install = ['install', 'ring-relation-created', 'leader-elected', 'config-changed', 'start'];
  assert.equal(names(outcomes).slice(0, 16), [
    'store/0 cache-storage-attached',
    'store/0 cache-storage-attached',
    'store/0 data-storage-attached',
    ...install.map((hook) => `store/0 ${hook}`),
    'store/1 cache-storage-attached',
    'store/1 cache-storage-attached',
    'store/1 data-storage-attached',
    ...install.map((hook) => `store/1 ${hook.replace('leader-elected', 'leader-settings-changed')}`),
  ]);
  const seen = await takeSeen(ctx.charm);
  assert.equal(seen.slice(0, 4), [
    'store/0 cache-storage-attached id=cache/0 kind=filesystem dir=yes get=filesystem list=["cache/0","cache/1","data/2"]',
    'store/0 cache-storage-attached id=cache/1 kind=filesystem dir=yes get=filesystem list=["cache/0","cache/1","data/2"]',
    'store/0 data-storage-attached id=data/2 kind=filesystem dir=yes get=filesystem list=["cache/0","cache/1","data/2"]',
    'store/0 install list=["cache/0","cache/1","data/2"]',
  ]);
  assert.ok(
    seen.includes('store/1 data-storage-attached id=data/5 kind=filesystem dir=yes get=filesystem list=["cache/3","cache/4","data/5"]'),
    seen.join('\n'),
  );
  const runs = await ctx.model.hookLog('store/0');
  assert.equal(runs[2]?.env.JUJU_STORAGE_LOCATION, join(ctx.model.dir, 'machines/0/var/lib/juju/storage/data/2'));

  const status = await ctx.model.status();
  const units = status.applications[0]?.units ?? [];
  assert.equal(
    units.map((unit) => [unit.name, unit.storage.map((s) => `${s.id} ${s.kind} ${s.location.replace(ctx.model.dir, '<model>')}`)]),
    [
      [
        'store/0',
        [
          'cache/0 filesystem <model>/machines/0/var/lib/juju/storage/cache/0',
          'cache/1 filesystem <model>/machines/0/var/lib/juju/storage/cache/1',
          'data/2 filesystem <model>/machines/0/var/lib/juju/storage/data/2',
        ],
      ],
      [
        'store/1',
        [
          'cache/3 filesystem <model>/machines/1/var/lib/juju/storage/cache/3',
          'cache/4 filesystem <model>/machines/1/var/lib/juju/storage/cache/4',
          'data/5 filesystem <model>/machines/1/var/lib/juju/storage/data/5',
        ],
      ],
    ],
  );
});

runner('storage-add in a failed hook adds nothing; in a successful one it attaches the new instance', async (ctx) => {
  const failed = await ctx.model.run('store/0', 'grow-and-fail');
  assert.equal(
    failed.map((outcome) => [outcome.hook, outcome.exitCode]),
    [['grow-and-fail', 3]],
  );
  assert.equal((await ctx.model.simulator.state()).counters.storage, 6);
  await ctx.model.resolved('store/0', { retry: false });
  await takeSeen(ctx.charm);

  const grown = await ctx.model.run('store/0', 'grow');
  assertAllSucceeded(grown);
  assert.equal(names(grown), ['store/0 grow', 'store/0 cache-storage-attached']);
  assert.equal(await takeSeen(ctx.charm), [
    'store/0 grow list=["cache/0","cache/1","data/2"]',
    'store/0 cache-storage-attached id=cache/6 kind=filesystem dir=yes get=filesystem list=["cache/0","cache/1","data/2","cache/6"]',
  ]);
  assert.is((await ctx.model.hookLog('store/0')).at(-1)?.env.JUJU_STORAGE_ID, 'cache/6');
});

runner('storage-add past the maximum fails the hook: the unit is in error until resolved', async (ctx) => {
  const outcomes = await ctx.model.run('store/0', 'grow');
  assert.equal(
    outcomes.map((outcome) => [outcome.hook, outcome.exitCode, outcome.stderr]),
    [
      [
        'grow',
        1,
        'cannot apply changes: adding storage cache for unit-store-0: attaching 1 storage instance brings the total to 4, exceeding the maximum of 3\n',
      ],
    ],
  );
  const unit = (await ctx.model.status()).applications[0]?.units[0];
  assert.equal(unit?.agent, { status: 'error', message: 'hook failed: "grow"' });
  await ctx.model.resolved('store/0', { retry: false });
  await takeSeen(ctx.charm);
});

runner('addStorage (juju add-storage) and add-unit attach storage with their hooks', async (ctx) => {
  const added = await ctx.model.addStorage('store/1', 'cache');
  assert.equal(names(added), ['store/1 cache-storage-attached']);
  const unit = await ctx.model.addUnit('store');
  assertAllSucceeded(unit);
  assert.equal(names(unit).slice(0, 4), [
    'store/2 cache-storage-attached',
    'store/2 cache-storage-attached',
    'store/2 data-storage-attached',
    'store/2 install',
  ]);
  const seen = await takeSeen(ctx.charm);
  assert.is(seen[0], 'store/1 cache-storage-attached id=cache/7 kind=filesystem dir=yes get=filesystem list=["cache/3","cache/4","data/5","cache/7"]');
  assert.is(seen[1], 'store/2 cache-storage-attached id=cache/8 kind=filesystem dir=yes get=filesystem list=["cache/8","cache/9","data/10"]');
  await rejects(
    ctx.model.addStorage('store/1', 'cache'),
    /^Cannot add storage: adding storage cache for unit-store-1: attaching 1 storage instance brings the total to 4, exceeding the maximum of 3\.$/,
  );
  await rejects(
    ctx.model.run('store/1', 'cache-storage-attached'),
    /^cache-storage-attached is a storage hook; storage hooks run when storage is attached or detached/,
  );
});

runner('remove-unit runs -storage-detaching for each instance after stop, before remove', async (ctx) => {
  const outcomes = await ctx.model.removeUnit('store/1');
  assertAllSucceeded(outcomes);
  const own = names(outcomes).filter((name) => name.startsWith('store/1 '));
  assert.equal(own, [
    'store/1 ring-relation-departed',
    'store/1 ring-relation-departed',
    'store/1 stop',
    'store/1 cache-storage-detaching',
    'store/1 cache-storage-detaching',
    'store/1 data-storage-detaching',
    'store/1 cache-storage-detaching',
    'store/1 remove',
  ]);
  const detaching = (await takeSeen(ctx.charm)).filter((line) => line.includes('-storage-detaching'));
  assert.equal(
    detaching,
    ['cache/3', 'cache/4', 'data/5', 'cache/7'].map(
      (id) => `store/1 ${id.split('/')[0]}-storage-detaching id=${id} kind=filesystem dir=yes get=filesystem list=["cache/3","cache/4","data/5","cache/7"]`,
    ),
  );
  const state = await ctx.model.simulator.state();
  assert.equal(
    Object.values(state.storage).filter((instance) => instance.unit === 'store/1'),
    [],
    'its storage left the model with it',
  );
  assert.ok(existsSync(join(ctx.model.dir, 'machines/1/var/lib/juju/storage/data/5')), 'the directory stays, as detached storage does');
});

runner('an upgrade keeps storage, creates what a new store requires, and refuses what Juju refuses', async (ctx) => {
  const metadata = join(ctx.charm, 'metadata.yaml');
  const original = await readFile(metadata, 'utf8');
  try {
    await writeFile(metadata, original.replace('storage:\n', 'storage:\n  logs:\n    type: block\n'));
    const upgraded = await ctx.model.upgrade('store');
    assertAllSucceeded(upgraded);
    assert.equal(names(upgraded), [
      'store/0 upgrade-charm',
      'store/0 config-changed',
      'store/2 upgrade-charm',
      'store/2 config-changed',
      'store/0 logs-storage-attached',
      'store/2 logs-storage-attached',
    ]);
    const logs = Object.entries((await ctx.model.simulator.state()).storage).filter(([, instance]) => instance.name === 'logs');
    assert.equal(
      logs.map(([id, instance]) => [id, instance.unit, instance.kind, instance.location]),
      [
        ['logs/11', 'store/0', 'block', '/dev/loop0'],
        ['logs/12', 'store/2', 'block', '/dev/loop0'],
      ],
    );
    await writeFile(metadata, original.replace('range: 2-3', 'range: 2-2'));
    await rejects(ctx.model.upgrade('store'), /^Cannot upgrade store: required storage "logs" removed\.$/);
    await writeFile(metadata, original.replace('storage:\n', 'storage:\n  logs:\n    type: filesystem\n'));
    await rejects(ctx.model.upgrade('store'), /^Cannot upgrade store: existing storage "logs" type changed from "block" to "filesystem"\.$/);
    await writeFile(metadata, original.replace('storage:\n', 'storage:\n  logs:\n    type: block\n').replace('range: 2-3', 'range: 2-2'));
    await rejects(ctx.model.upgrade('store'), /^Cannot upgrade store: existing storage "cache" range contracted: max decreased from 3 to 2\.$/);
  } finally {
    await writeFile(metadata, original);
  }
});

runner.run();
