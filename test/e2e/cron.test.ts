import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, lucky, removeDir, simUnit, tempDir, waitFor, writeCharm, type LuckyResult } from '@lucky/test-utils';

const CRON_CHARM = fileURLToPath(new URL('../fixtures/lucky-cron/', import.meta.url));
const FIVE_MINUTES = 5 * 60_000;

interface AdvanceJson {
  clock: string;
  events: Array<{ at: string; unit: string; event: string; hooks: Array<{ unit: string; hook: string; exitCode: number }> }>;
}

interface Ctx {
  dir: string;
}

const test = suite<Ctx>('cron jobs on the model clock: lucky sim advance');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-cron-');
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  await removeDir(ctx.dir);
});

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: join(ctx.dir, 'model') });
}

function modelClock(ctx: Ctx): number {
  return Date.parse((JSON.parse(readFileSync(join(ctx.dir, 'model', 'model.json'), 'utf8')) as { clock: string }).clock);
}

async function kv(ctx: Ctx, unit: string): Promise<Record<string, string>> {
  const found = simUnit((await sim(ctx, 'status', '--format', 'json')).stdout, unit);
  const result = await lucky(['kv', 'get', '--format', 'json'], { LUCKY_DATA_DIR: found.dataDir, LUCKY_DAEMON_SOCKET: found.socketPath, JUJU_UNIT_NAME: unit });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

test('deploy; the clock starts at real time and moves only with advance', async (ctx) => {
  const before = Date.now();
  const deployed = await sim(ctx, 'deploy', CRON_CHARM, 'cron', '-n', '2');
  assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
  const clock = modelClock(ctx);
  assert.ok(clock >= before - 60_000 && clock <= Date.now(), `clock ${new Date(clock).toISOString()}`);
  // Hooks ran, but the model clock did not move with them.
  assert.is(modelClock(ctx), clock);
});

test('advance 30m: update-status every 5 minutes on every unit, each cron job at its times, in time order, through juju-exec', async (ctx) => {
  const from = modelClock(ctx);
  const result = await sim(ctx, 'advance', '30m', '--format', 'json');
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  const json = JSON.parse(result.stdout) as AdvanceJson;
  assert.is(Date.parse(json.clock), from + 1_800_000);
  assert.is(modelClock(ctx), from + 1_800_000);
  const times = json.events.map((event) => Date.parse(event.at));
  assert.equal(
    times,
    [...times].sort((a, b) => a - b),
    'events run in time order',
  );
  for (const unit of ['cron/0', 'cron/1']) {
    const updates = json.events.filter((event) => event.unit === unit && event.event === 'update-status').map((event) => Date.parse(event.at));
    assert.is(updates.length, 6, `${unit}: 6 update-status in half an hour`);
    for (const [i, at] of updates.entries()) {
      assert.is(at % FIVE_MINUTES, 0, 'at 5-minute marks');
      if (i > 0) assert.is(at - (updates[i - 1] ?? 0), FIVE_MINUTES, 'every 5 minutes');
      assert.ok(at > from && at <= from + 1_800_000);
    }
    const every10 = json.events.filter((event) => event.unit === unit && event.event === 'cron "0 */10 * * * *"');
    const every30 = json.events.filter((event) => event.unit === unit && event.event === 'cron "*/30 * * * *"');
    assert.is(every10.length, 3, `${unit}: the 6-field job every 10 minutes`);
    assert.is(every30.length, 1, `${unit}: the 5-field job every 30 minutes`);
    for (const event of [...every10, ...every30]) {
      assert.is(event.hooks[0]?.hook.startsWith('juju-exec (cron'), true);
      assert.is(event.hooks[0]?.exitCode, 0);
    }

    const values = await kv(ctx, unit);
    assert.is(values['update-status-count'], '6');
    assert.is(values['cron-count'], '3');
    assert.is(values['crontab-count'], '1');
    // The job ran in a hook context juju-exec opened (Juju's context id form), with a cron script id and no LUCKY_HOOK.
    assert.match(values['cron-context'] ?? '', new RegExp(`^${unit}-run-commands-\\d+$`));
    assert.is(values['cron-script'], 'cron_0_0');
    assert.is(values['cron-hook'], 'unset');
    // is-leader, a hook tool, answered inside the job.
    assert.is(values['cron-leader'], unit === 'cron/0' ? 'True' : 'False');
  }
  // juju-log, another hook tool, reached the unit's Juju log (the simulator's logs/unit-<app>-<n>.jsonl) from each run.
  const jujuLog = readFileSync(join(ctx.dir, 'model', 'logs', 'unit-cron-0.jsonl'), 'utf8');
  for (let run = 1; run <= 3; run++) assert.match(jujuLog, `"cron job run ${run}"`);
  // Each job is in the hook log as a juju-exec run.
  const log = await sim(ctx, 'log', 'cron/0');
  assert.is(log.exitCode, 0, log.stderr);
  assert.is(log.stdout.split('\n').filter((line) => line === 'cron/0 juju-exec: exit 0').length, 4);
});

test('a second advance continues from the clock; no job runs twice for one fire time', async (ctx) => {
  const from = modelClock(ctx);
  const result = await sim(ctx, 'advance', '10m', '--format', 'json');
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  const json = JSON.parse(result.stdout) as AdvanceJson;
  assert.is(json.events.filter((event) => event.unit === 'cron/0' && event.event === 'update-status').length, 2);
  assert.is(json.events.filter((event) => event.unit === 'cron/0' && event.event === 'cron "0 */10 * * * *"').length, 1);
  assert.is(modelClock(ctx), from + 600_000);
  assert.is((await kv(ctx, 'cron/0'))['cron-count'], '4');
});

test('advance refuses a bad duration with the syntax', async (ctx) => {
  const from = modelClock(ctx);
  for (const bad of ['5', '-5m', '5 minutes', '0s']) {
    const result = await sim(ctx, 'advance', '--', bad);
    assert.is(result.exitCode, 1, bad);
    assert.match(result.stderr, /duration/i);
  }
  assert.is(modelClock(ctx), from);
});

test.run();

interface DaemonCtx {
  dir: string;
  model: TestModel;
  charm: string;
}

/**
 * Outside the simulator's model clock: the unit's daemon schedules the job itself by the
 * system clock, and starts it with juju-exec (the simulator's, first on the hook PATH).
 */
const daemon = suite<DaemonCtx>("cron jobs on the system clock: the daemon's own scheduler and juju-exec");

daemon.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-cron-daemon-');
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'metadata.yaml': 'name: ticker\nsummary: runs a job every second\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'lucky.yaml': [
      'use-docker: false',
      'hooks:',
      '  start: []',
      'cron-jobs:',
      '  "* * * * * *":',
      '    - inline-host-script: |',
      '        n=$(lucky kv get ticks)',
      '        lucky kv set "ticks=$(( ${n:-0} + 1 ))" "context=$JUJU_CONTEXT_ID" "leader=$(is-leader)"',
      '',
    ].join('\n'),
  });
  ctx.model = await TestModel.create();
  await ctx.model.model.addApplication('ticker', { charmDir: ctx.charm, units: 1 });
});

daemon.after(async (ctx) => {
  await ctx.model.stop();
  await removeDir(ctx.dir);
});

daemon('the job runs every second in a juju-exec hook context, with hook tools working, until the daemon stops', async (ctx) => {
  const started = await ctx.model.hook('ticker/0', 'start');
  assert.is(started.exitCode, 0, started.stderr);
  const env = { ...ctx.model.unitEnv('ticker/0'), JUJU_UNIT_NAME: 'ticker/0' };
  const values = async (): Promise<Record<string, string>> =>
    JSON.parse((await lucky(['kv', 'get', '--format', 'json'], env)).stdout) as Record<string, string>;
  // Each run is juju-exec and three Node processes, and each look another: a loaded machine needs more than the default.
  const ran = await waitFor(
    async () => {
      const current = await values();
      return Number(current.ticks ?? 0) >= 2 ? current : undefined;
    },
    'the cron job to run twice',
    60_000,
  );
  assert.match(ran.context ?? '', /^ticker\/0-run-commands-\d+$/);
  assert.is(ran.leader, 'True');
  await waitFor(
    async () => (await ctx.model.model.hookLog('ticker/0')).filter((run) => run.hook === 'juju-exec' && run.exitCode === 0).length >= 2,
    'the juju-exec runs in the hook log',
  );
});

daemon.run();
