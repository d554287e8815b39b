import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimulatedModel, dueClockEvents, modelNow, parseDuration, registerClockEventSource, type ModelState, type SimulatedModel } from '../src/index.js';
import { tempDir, tool, writeCharm } from './support.js';

const clock = suite('model clock: durations, the clock in model.json, clock-event sources');

clock('parseDuration takes Go-style durations with days and weeks, and refuses the rest', () => {
  assert.is(parseDuration('5m'), 300_000);
  assert.is(parseDuration('1h30m'), 5_400_000);
  assert.is(parseDuration('2d'), 172_800_000);
  assert.is(parseDuration('1w1d'), 691_200_000);
  assert.is(parseDuration('90s'), 90_000);
  assert.is(parseDuration('1500ms'), 1500);
  for (const bad of ['', '5', 'm', '-5m', '5 m', '1.5h', '0s', '5y', '3661d']) assert.throws(() => parseDuration(bad), /duration|too long/i, bad);
});

clock('a new model has a clock at real time; modelNow reads it', async () => {
  const dir = await tempDir('clock');
  try {
    const before = Date.now();
    const model = await createSimulatedModel(dir);
    const state = await model.state();
    assert.type(state.clock, 'string');
    const now = modelNow(state).getTime();
    assert.ok(now >= before && now <= Date.now());
    assert.is(modelNow({ clock: '2030-01-01T00:00:00.000Z' }).toISOString(), '2030-01-01T00:00:00.000Z');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

clock('dueClockEvents: every source, only inside (from, to], in time order, ties in registration order', () => {
  const at = (iso: string): Date => new Date(iso);
  registerClockEventSource({
    name: 'test-a',
    due: (_model, from, to) =>
      [
        { at: at('2030-01-01T00:10:00Z'), unit: 'a/0', hook: 'a-late', env: {} },
        { at: at('2030-01-01T00:05:00Z'), unit: 'a/0', hook: 'a-tie', env: { X: '1' } },
        { at: at('2030-01-01T00:00:00Z'), unit: 'a/0', hook: 'a-at-from', env: {} },
        { at: at('2030-01-01T01:00:01Z'), unit: 'a/0', hook: 'a-after-to', env: {} },
      ].filter((event) => event.at >= from && event.at <= new Date(to.getTime() + 1000)),
  });
  registerClockEventSource({ name: 'test-b', due: () => [{ at: at('2030-01-01T00:05:00Z'), unit: 'b/0', hook: 'b-tie', env: {} }] });
  const model = { units: {} } as unknown as ModelState;
  const events = dueClockEvents(model, at('2030-01-01T00:00:00Z'), at('2030-01-01T01:00:00Z')).filter((event) => /^(a|b)-/.test(event.hook));
  assert.equal(
    events.map((event) => event.hook),
    ['a-tie', 'b-tie', 'a-late'],
  );
  assert.equal(events[0]?.env, { X: '1' });
  // A source registered again by name replaces the first.
  registerClockEventSource({ name: 'test-b', due: () => [] });
  registerClockEventSource({ name: 'test-a', due: () => [] });
  assert.is(dueClockEvents(model, at('2030-01-01T00:00:00Z'), at('2030-01-01T01:00:00Z')).filter((event) => /^(a|b)-/.test(event.hook)).length, 0);
});

clock.run();

interface ExecCtx {
  dir: string;
  model: SimulatedModel;
}

const exec = suite<ExecCtx>("the model's juju-exec: commands in a hook context of their own");

exec.before(async (ctx) => {
  ctx.dir = await tempDir('juju-exec');
  ctx.model = await createSimulatedModel(join(ctx.dir, 'model'));
  const charm = await writeCharm(join(ctx.dir, 'charm'), { 'metadata.yaml': 'name: web\npeers:\n  cluster:\n    interface: web-cluster\n' });
  await ctx.model.addApplication('web', { charmDir: charm, units: 2 });
  await ctx.model.addPeerRelation('web', 'cluster');
});

exec.after(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

const callerEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '' });

exec('runs the commands with bash in the charm dir, in a run-commands context where hook tools work, and passes the exit code', async (ctx) => {
  const result = await tool(ctx.model, callerEnv(), 'juju-exec', [
    'web/1',
    'echo "$JUJU_CONTEXT_ID|$JUJU_UNIT_NAME|${JUJU_DISPATCH_PATH-unset}|$PWD";',
    'is-leader',
  ]);
  assert.is(result.exitCode, 0, result.stderr);
  const [line, leader] = result.stdout.trim().split('\n');
  const [context, unit, dispatchPath, cwd] = (line ?? '').split('|');
  assert.match(context ?? '', /^web\/1-run-commands-\d+$/);
  assert.is(unit, 'web/1');
  assert.is(dispatchPath, 'unset');
  assert.is(cwd, join(ctx.dir, 'charm'));
  assert.is(leader, 'False');
  const failed = await tool(ctx.model, callerEnv(), 'juju-exec', ['-u', 'web/0', 'exit 3']);
  assert.is(failed.exitCode, 3);
  const runs = (await ctx.model.hookLog()).filter((run) => run.hook === 'juju-exec');
  assert.equal(
    runs.map((run) => `${run.unit} ${run.exitCode} ${run.committed}`),
    ['web/1 0 true', 'web/0 3 false'],
  );
});

exec('changes commit when the commands succeed, and are dropped when they fail', async (ctx) => {
  const relation = (await ctx.model.state()).relations;
  const id = Object.values(relation)[0]?.id;
  assert.type(id, 'number');
  assert.is((await tool(ctx.model, callerEnv(), 'juju-exec', ['web/0', `relation-set -r cluster:${id} kept=yes`])).exitCode, 0);
  assert.is((await tool(ctx.model, callerEnv(), 'juju-exec', ['web/0', `relation-set -r cluster:${id} dropped=yes; exit 1`])).exitCode, 1);
  const data = (await ctx.model.state()).relations[String(id)]?.unitData['web/0'] ?? {};
  assert.is(data.kept, 'yes');
  assert.is(data.dropped, undefined);
});

exec('waits for the unit’s running hook to end before it opens its context', async (ctx) => {
  const hook = await ctx.model.openContext('web/0', 'update-status');
  const marker = join(ctx.dir, 'ran-at');
  const running = tool(ctx.model, callerEnv(), 'juju-exec', ['web/0', `date +%s%N > ${marker}`]);
  // Whatever the scheduling, the commands cannot have run before the hook ends.
  const closedAt = BigInt(Date.now()) * 1_000_000n;
  await hook.close(true);
  const result = await running;
  assert.is(result.exitCode, 0, result.stderr);
  assert.ok(BigInt((await readFile(marker, 'utf8')).trim()) >= closedAt, 'ran after the hook closed');
});

exec('refuses unknown units, missing arguments and the relation options, like juju-exec', async (ctx) => {
  const unknown = await tool(ctx.model, callerEnv(), 'juju-exec', ['web/9', 'true']);
  assert.is(unknown.exitCode, 1);
  assert.is(unknown.stderr, 'ERROR unit "web/9" not found\n');
  const missing = await tool(ctx.model, callerEnv(), 'juju-exec', ['web/0']);
  assert.is(missing.exitCode, 2);
  assert.match(missing.stderr, /missing commands/);
  const relationOption = await tool(ctx.model, callerEnv(), 'juju-exec', ['-r', 'cluster:0', 'web/0', 'true']);
  assert.is(relationOption.exitCode, 2);
  assert.match(relationOption.stderr, /-r is not supported/);
  const noContext = await tool(ctx.model, callerEnv(), 'juju-exec', ['--no-context', 'echo "${JUJU_CONTEXT_ID-none}"']);
  assert.is(noContext.exitCode, 0);
  assert.is(noContext.stdout, 'none\n');
});

exec.run();
