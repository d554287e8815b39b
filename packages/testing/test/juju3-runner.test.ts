import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel } from '../src/index.js';
import { setHookScript, tempDir, writeCharm } from './support.js';

interface Ctx {
  root: string;
  charm: string;
  model: LocalModel;
}

const test = suite<Ctx>('Juju 3 in the model runner: juju-reboot, application status and version');

test.before(async (ctx) => {
  ctx.root = await tempDir('juju3-runner');
  ctx.charm = await writeCharm(join(ctx.root, 'web'), { 'metadata.yaml': 'name: web\nprovides:\n  website:\n    interface: http\n' });
  ctx.model = await LocalModel.create(join(ctx.root, 'model'));
  const deployed = await ctx.model.deploy(ctx.charm, { units: 2 });
  assert.ok(
    deployed.every((outcome) => outcome.exitCode === 0),
    JSON.stringify(deployed),
  );
});

test.after(async (ctx) => {
  await ctx.model.destroy();
  await rm(ctx.root, { recursive: true, force: true });
});

test('units that never set a status are unknown after start; the application derives its status from them', async (ctx) => {
  const status = await ctx.model.status();
  const [app] = status.applications;
  assert.equal(
    app?.units.map((unit) => unit.workload),
    [
      { status: 'unknown', message: '' },
      { status: 'unknown', message: '' },
    ],
  );
  assert.equal(app?.status, { status: 'unknown', message: '' });
  assert.is(app?.version, '');
});

test('juju-reboot --now: the hook is killed, runs again after the reboot, then start runs', async (ctx) => {
  await setHookScript(
    ctx.charm,
    [
      'marker="$JUJU_CHARM_DIR/rebooted-${JUJU_UNIT_NAME//\\//-}"',
      'if [ "$JUJU_HOOK_NAME" = update-status ] && [ ! -e "$marker" ]; then',
      '  : > "$marker"',
      '  open-port 8080',
      '  juju-reboot --now',
      '  sleep 10',
      'fi',
      'echo "$JUJU_HOOK_NAME ran"',
      '',
    ].join('\n'),
  );
  const outcomes = await ctx.model.run('web/0', 'update-status');
  assert.equal(
    outcomes.map((outcome) => [outcome.hook, outcome.exitCode, outcome.reboot ?? null, outcome.stdout]),
    [
      ['update-status', 137, 'now', ''],
      ['update-status', 0, null, 'update-status ran\n'],
      ['start', 0, null, 'start ran\n'],
    ],
  );
  // The killed run's open-port was dropped; the unit is not in error.
  const unit = (await ctx.model.status()).applications[0]?.units[0];
  assert.equal(unit?.ports, []);
  assert.is(unit?.agent.status, 'idle');
});

test('juju-reboot after the hook: the hook completes, then the machine reboots and start runs', async (ctx) => {
  await setHookScript(ctx.charm, 'if [ "$JUJU_HOOK_NAME" = update-status ]; then juju-reboot; open-port 9090; fi\necho "$JUJU_HOOK_NAME ran"\n');
  const outcomes = await ctx.model.run('web/1', 'update-status');
  assert.equal(
    outcomes.map((outcome) => [outcome.hook, outcome.exitCode, outcome.reboot ?? null]),
    [
      ['update-status', 0, 'after-hook'],
      ['start', 0, null],
    ],
  );
  assert.equal((await ctx.model.status()).applications[0]?.units[1]?.ports, ['9090/tcp']);
});

test("application status: the leader's own, else the most severe unit's; version: the most recently set", async (ctx) => {
  await setHookScript(
    ctx.charm,
    [
      'case "$JUJU_UNIT_NAME" in',
      '  web/0) status-set waiting "for web/1"; application-version-set 1.0 ;;',
      '  web/1) status-set blocked "needs config"; application-version-set 1.1 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  await ctx.model.run('web/0', 'update-status');
  await ctx.model.run('web/1', 'update-status');
  let app = (await ctx.model.status()).applications[0];
  assert.equal(app?.status, { status: 'blocked', message: 'needs config' });
  assert.is(app?.version, '1.1');
  await setHookScript(ctx.charm, 'status-set --application active "2 units"\napplication-version-set 2.0\n');
  await ctx.model.run('web/0', 'update-status');
  app = (await ctx.model.status()).applications[0];
  assert.equal(app?.status, { status: 'active', message: '2 units' });
  assert.is(app?.version, '2.0');
});

test('deploy with trust: credential-get answers that application only', async (ctx) => {
  const trusted = await writeCharm(join(ctx.root, 'cloudy'), { 'metadata.yaml': 'name: cloudy\n' });
  await setHookScript(trusted, 'if [ "$JUJU_HOOK_NAME" = update-status ]; then credential-get --format=json; fi\n');
  await ctx.model.deploy(trusted, { trust: true });
  const [outcome] = await ctx.model.run('cloudy/0', 'update-status');
  assert.is(outcome?.exitCode, 0, outcome?.stderr);
  assert.is(outcome?.stdout, '{"type":"lxd","name":"localhost","region":"localhost","credential":{"auth-type":"empty"},"is-controller-cloud":true}\n');
  await setHookScript(ctx.charm, 'if [ "$JUJU_HOOK_NAME" = update-status ]; then credential-get; fi\n');
  const [refused] = await ctx.model.run('web/0', 'update-status');
  assert.is(refused?.exitCode, 1);
  assert.is(refused?.stderr, 'ERROR cannot access cloud credentials: permission denied\n');
  await ctx.model.resolved('web/0', { retry: false });
});

test('goal-state shows a unit being removed as dying, to the end of its teardown', async (ctx) => {
  await setHookScript(ctx.charm, 'if [ "$JUJU_HOOK_NAME" = stop ]; then goal-state --format=json; fi\n');
  const outcomes = await ctx.model.removeUnit('web/1');
  const stop = outcomes.find((outcome) => outcome.hook === 'stop');
  assert.is(stop?.exitCode, 0, stop?.stderr);
  const units = (JSON.parse(stop?.stdout ?? '') as { units: Record<string, { status: string }> }).units;
  assert.equal(
    Object.entries(units).map(([name, unit]) => [name, unit.status]),
    [
      ['web/0', 'waiting'],
      ['web/1', 'dying'],
    ],
  );
});

test.run();
