import { rm } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readReport } from '../src/actions/store.js';
import type { HookContextHandle } from '../src/index.js';
import { fails, makeFixture, ok, tool, type Fixture, type ToolResult } from './support.js';

const PARAMS = { filename: 'out.tar', compression: { kind: 'gzip', quality: 5 }, verbose: false, tags: ['a', 'b'] };

interface Ctx {
  f: Fixture;
  action: HookContextHandle;
  id: string;
}

const test = suite<Ctx>('action-get, action-set, action-fail, action-log');
let counter = 0;

test.before(async (ctx) => {
  ctx.f = await makeFixture('actions');
});
test.after(async (ctx) => {
  await rm(ctx.f.root, { recursive: true, force: true });
});
test.before.each(async (ctx) => {
  ctx.id = String(++counter * 2);
  ctx.action = await ctx.f.model.openContext('web/0', 'backup', { action: { name: 'backup', id: ctx.id, params: structuredClone(PARAMS) } });
});
test.after.each(async (ctx) => {
  await ctx.action.close(true);
});

const run = (ctx: Ctx, name: string, args: readonly string[] = []): Promise<ToolResult> => tool(ctx.f.model, ctx.action.env, name, args);

test('an action gets JUJU_ACTION_NAME, _UUID, _TAG, dispatch path actions/<name> and an empty JUJU_HOOK_NAME', (ctx) => {
  assert.is(ctx.action.env.JUJU_ACTION_NAME, 'backup');
  assert.is(ctx.action.env.JUJU_ACTION_UUID, ctx.id);
  assert.is(ctx.action.env.JUJU_ACTION_TAG, `action-${ctx.id}`);
  assert.is(ctx.action.env.JUJU_DISPATCH_PATH, 'actions/backup');
  assert.is(ctx.action.env.JUJU_HOOK_NAME, '');
  assert.match(ctx.action.contextId, /^web\/0-backup-\d+$/);
});

test('action-get: every param (smart is YAML), JSON sorted and compact, one key, a dotted key', async (ctx) => {
  ok(await run(ctx, 'action-get'), 'compression:\n  kind: gzip\n  quality: 5\nfilename: out.tar\ntags:\n- a\n- b\nverbose: false\n');
  ok(await run(ctx, 'action-get', ['--format=json']), '{"compression":{"kind":"gzip","quality":5},"filename":"out.tar","tags":["a","b"],"verbose":false}\n');
  ok(await run(ctx, 'action-get', ['filename']), 'out.tar\n');
  ok(await run(ctx, 'action-get', ['compression.kind']), 'gzip\n');
  ok(await run(ctx, 'action-get', ['compression.quality']), '5\n');
  ok(await run(ctx, 'action-get', ['verbose']), 'False\n');
  ok(await run(ctx, 'action-get', ['--format=json', 'compression']), '{"kind":"gzip","quality":5}\n');
  ok(await run(ctx, 'action-get', ['--format', 'yaml', 'compression']), 'kind: gzip\nquality: 5\n');
});

test('action-get: a missing key, or one under a value that is not a map, prints nothing (null in JSON)', async (ctx) => {
  ok(await run(ctx, 'action-get', ['nope']), '');
  ok(await run(ctx, 'action-get', ['--format=json', 'nope']), 'null\n');
  ok(await run(ctx, 'action-get', ['--format=json', 'filename.inner']), 'null\n');
  ok(await run(ctx, 'action-get', ['--format=json', 'compression.nope']), 'null\n');
});

test('action-get: extra arguments are a usage error', async (ctx) => {
  fails(await run(ctx, 'action-get', ['a', 'b']), 2, 'ERROR unrecognized args: ["b"]\n');
});

test('action-set: dotted keys nest, values are strings (with = and spaces), a later value wins', async (ctx) => {
  ok(await run(ctx, 'action-set', ['outfile.name=foo.bz2', 'outfile.kind.util=bzip2', 'outfile.kind.ratio=high']), '');
  ok(await run(ctx, 'action-set', ['a=b=c', 'x-y.z0=hello world', 'e=', 'util=bzip2', 'util=5']), '');
  assert.equal((await readReport(ctx.f.model.dir, ctx.id)).results, {
    outfile: { name: 'foo.bz2', kind: { util: 'bzip2', ratio: 'high' } },
    a: 'b=c',
    'x-y': { z0: 'hello world' },
    e: '',
    util: '5',
  });
  ok(await run(ctx, 'action-set', ['util.inner=1']), '');
  assert.equal((await readReport(ctx.f.model.dir, ctx.id)).results.util, { inner: '1' }, 'a value in the way is replaced by a map');
});

test('action-set: bad arguments are usage errors (exit 2) and set nothing', async (ctx) => {
  const cases: Array<[string, string]> = [
    ['result', 'ERROR argument "result" must be of the form key...=value\n'],
    [
      'result-Value=5',
      'ERROR key "result-Value" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods\n',
    ],
    ['foo-=1', 'ERROR key "foo-" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods\n'],
    ['foo..bar=1', 'ERROR key "" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods\n'],
    ['stdout=foo', 'ERROR cannot set reserved action key "stdout"\n'],
    ['a.stderr=1', 'ERROR cannot set reserved action key "stderr"\n'],
    ['stdout-encoding=1', 'ERROR cannot set reserved action key "stdout-encoding"\n'],
  ];
  for (const [arg, stderr] of cases) fails(await run(ctx, 'action-set', ['ok=1', arg]), 2, stderr);
  assert.equal((await readReport(ctx.f.model.dir, ctx.id)).results, {});
});

test('action-fail: the given message, or Juju default one; an empty message stays empty', async (ctx) => {
  ok(await run(ctx, 'action-fail'), '');
  let report = await readReport(ctx.f.model.dir, ctx.id);
  assert.is(report.failed, true);
  assert.is(report.message, 'action failed without reason given, check action for errors');
  ok(await run(ctx, 'action-fail', ['--', 'the disk is full']), '');
  assert.is((await readReport(ctx.f.model.dir, ctx.id)).message, 'the disk is full');
  ok(await run(ctx, 'action-fail', ['']), '');
  report = await readReport(ctx.f.model.dir, ctx.id);
  assert.is(report.message, '');
  assert.is(report.failed, true);
  fails(await run(ctx, 'action-fail', ['one', 'two']), 2, 'ERROR unrecognized args: ["two"]\n');
});

test('action-log: words joined with spaces, each message kept in order with its time', async (ctx) => {
  ok(await run(ctx, 'action-log', ['--', 'step', 'one']), '');
  ok(await run(ctx, 'action-log', ['--', '-2 units', 'left']), '');
  const logs = (await readReport(ctx.f.model.dir, ctx.id)).logs;
  assert.equal(
    logs.map((entry) => entry.message),
    ['step one', '-2 units left'],
  );
  for (const entry of logs) assert.ok(!Number.isNaN(Date.parse(entry.timestamp)), entry.timestamp);
  fails(await run(ctx, 'action-log'), 2, 'ERROR no message specified\n');
});

test.run();

const outside = suite<{ f: Fixture }>('action tools outside an action');
outside.before(async (ctx) => {
  ctx.f = await makeFixture('no-action');
});
outside.after(async (ctx) => {
  await rm(ctx.f.root, { recursive: true, force: true });
});

outside('in a hook every action tool fails with "not running an action" (exit 1); bad arguments are still exit 2', async (ctx) => {
  const hook = await ctx.f.model.openContext('web/0', 'install');
  try {
    for (const [name, args] of [
      ['action-get', []],
      ['action-get', ['key']],
      ['action-set', ['a=1']],
      ['action-fail', ['why']],
      ['action-log', ['hello']],
    ] as const) {
      fails(await tool(ctx.f.model, hook.env, name, args), 1, 'ERROR not running an action\n');
    }
    fails(await tool(ctx.f.model, hook.env, 'action-set', ['oops']), 2, 'ERROR argument "oops" must be of the form key...=value\n');
    fails(await tool(ctx.f.model, hook.env, 'action-log'), 2, 'ERROR no message specified\n');
    assert.is(hook.env.JUJU_ACTION_NAME, undefined);
    assert.is(hook.env.JUJU_DISPATCH_PATH, 'hooks/install');
  } finally {
    await hook.close(true);
  }
});

outside.run();
