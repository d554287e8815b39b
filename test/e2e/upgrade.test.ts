import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, simUnits, startTestDaemon, tempDir, writeCharm, type LuckyResult, type TestDaemon } from '@lucky/test-utils';

const V1 = `use-docker: false
hooks:
  install:
    - inline-host-script: lucky set-status active "v1"
  config-changed:
    - inline-host-script: lucky kv set "config-changed-by=v1"
`;

const V2 = `use-docker: false
hooks:
  install:
    - inline-host-script: lucky set-status active "v1"
  upgrade-charm:
    - inline-host-script: lucky kv set "upgraded-in=$LUCKY_HOOK" "kv-seen-in-upgrade=$(lucky kv get before-upgrade)"
  config-changed:
    - inline-host-script: lucky kv set "config-changed-by=v2"
`;

interface Ctx {
  dir: string;
  charm: string;
  env: Record<string, string>;
}

const test = suite<Ctx>('lucky sim upgrade: the new lucky.yaml runs in upgrade-charm, the daemon restarts once, state kept');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-upgrade-');
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'metadata.yaml': 'name: upgrader\nsummary: a charm that gets upgraded\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'lucky.yaml': V1,
  });
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  await removeDir(ctx.dir);
});

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: join(ctx.dir, 'model') });
}

async function daemonPid(ctx: Ctx): Promise<number> {
  const status = await lucky(['daemon', 'status', '--format', 'json'], ctx.env);
  assert.is(status.exitCode, 0, status.stderr);
  return (JSON.parse(status.stdout) as { pid: number }).pid;
}

async function kv(ctx: Ctx): Promise<Record<string, string>> {
  const result = await lucky(['kv', 'get', '--format', 'json'], ctx.env);
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** How many daemons have started for the unit: one "started" line each in its daemon log. */
function daemonStarts(ctx: Ctx): number {
  return readFileSync(join(ctx.env.LUCKY_DATA_DIR ?? '', 'daemon.log'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(' started for upgrader/0 ')).length;
}

test('deploy v1 and keep a value in the unit state', async (ctx) => {
  const deployed = await sim(ctx, 'deploy', ctx.charm);
  assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
  const unit = simUnits((await sim(ctx, 'status', '--format', 'json')).stdout)[0];
  assert.ok(unit);
  ctx.env = { LUCKY_DATA_DIR: unit.dataDir, LUCKY_DAEMON_SOCKET: unit.socketPath, JUJU_UNIT_NAME: unit.name };
  const set = await lucky(['kv', 'set', 'before-upgrade=kept'], ctx.env);
  assert.is(set.exitCode, 0, set.stderr);
  assert.is((await kv(ctx))['config-changed-by'], 'v1');
});

test('upgrade to the changed lucky.yaml: upgrade-charm then config-changed run the new entries; one restart; state kept', async (ctx) => {
  const pidBefore = await daemonPid(ctx);
  const startsBefore = daemonStarts(ctx);
  writeFileSync(join(ctx.charm, 'lucky.yaml'), V2);
  const upgraded = await sim(ctx, 'upgrade', 'upgrader');
  assert.is(upgraded.exitCode, 0, upgraded.stdout + upgraded.stderr);
  const lines = upgraded.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(/\s+/).slice(0, 3).join(' '));
  assert.equal(lines, ['upgrader/0 upgrade-charm ok', 'upgrader/0 config-changed ok']);

  const values = await kv(ctx);
  assert.is(values['upgraded-in'], 'upgrade-charm', 'the new upgrade-charm entry ran');
  assert.is(values['config-changed-by'], 'v2', 'config-changed ran the new entry');
  assert.is(values['kv-seen-in-upgrade'], 'kept', 'the restarted daemon had the state during upgrade-charm');
  assert.is(values['before-upgrade'], 'kept');

  const pidAfter = await daemonPid(ctx);
  assert.is.not(pidAfter, pidBefore, 'the daemon was restarted');
  assert.is(daemonStarts(ctx), startsBefore + 1, 'exactly one restart');
  // The restart is told in the upgrade-charm hook's output.
  const log = await sim(ctx, 'log', 'upgrader/0', '--format', 'json');
  const runs = JSON.parse(log.stdout) as Array<{ hook: string; stderr: string }>;
  assert.match(runs.find((run) => run.hook === 'upgrade-charm')?.stderr ?? '', /serves another revision of the charm .*restarting it/);
  const configChanged = runs.filter((run) => run.hook === 'config-changed').at(-1);
  assert.ok(configChanged);
  assert.not.match(configChanged.stderr, /restarting/);

  // Later hooks keep the same daemon.
  const later = await sim(ctx, 'advance', '5m');
  assert.is(later.exitCode, 0, later.stdout + later.stderr);
  assert.match(later.stdout, /upgrader\/0\s+update-status\s+ok/);
  assert.is(await daemonPid(ctx), pidAfter);
  assert.is(daemonStarts(ctx), startsBefore + 1);
});

test('upgrading without a change to lucky.yaml keeps the daemon', async (ctx) => {
  const pid = await daemonPid(ctx);
  const upgraded = await sim(ctx, 'upgrade', 'upgrader');
  assert.is(upgraded.exitCode, 0, upgraded.stdout + upgraded.stderr);
  assert.is(await daemonPid(ctx), pid);
});

test.run();

interface DirectCtx {
  dir: string;
  charm: string;
  daemon: TestDaemon;
}

const direct = suite<DirectCtx>('lucky dispatch against a running daemon of an older charm revision');

direct.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-upgrade-direct-');
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'lucky.yaml': 'use-docker: false\nhooks:\n  probe:\n    - inline-host-script: echo "old entry"\n',
  });
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
});

direct.after(async (ctx) => {
  // The daemon dispatch started in place of the first one, then the first (already gone).
  await lucky(['daemon', 'stop', '--ignore-already-stopped'], ctx.daemon.env);
  await ctx.daemon.stop();
  await removeDir(ctx.dir);
});

direct('restarts the daemon (state kept) before running the hook, then reuses the new one', async (ctx) => {
  const env = { ...ctx.daemon.env, JUJU_CHARM_DIR: ctx.charm };
  assert.is((await lucky(['kv', 'set', 'survives=yes'], env)).exitCode, 0);
  const same = await lucky(['dispatch', 'probe'], env);
  assert.is(same.exitCode, 0, same.stderr);
  assert.is(same.stdout, 'old entry\n');
  assert.not.match(same.stderr, /restarting/);

  writeFileSync(join(ctx.charm, 'lucky.yaml'), 'use-docker: false\nhooks:\n  probe:\n    - inline-host-script: echo "new entry $(lucky kv get survives)"\n');
  const changed = await lucky(['dispatch', 'probe'], env);
  assert.is(changed.exitCode, 0, changed.stderr);
  assert.is(changed.stdout, 'new entry yes\n');
  assert.match(changed.stderr, new RegExp(`daemon of test-app/0 \\(pid ${ctx.daemon.pid},.*restarting it`));
  const status = JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], env)).stdout) as { pid: number; fingerprint: string };
  assert.is.not(status.pid, ctx.daemon.pid);

  const again = await lucky(['dispatch', 'probe'], env);
  assert.is(again.exitCode, 0, again.stderr);
  assert.not.match(again.stderr, /restarting/);
  assert.is((JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], env)).stdout) as { pid: number }).pid, status.pid);
});

direct.run();
