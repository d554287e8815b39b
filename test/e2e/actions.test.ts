import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalModel } from '@lucky/testing';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, simUnit, simUnits, tempDir, waitFor, type LuckyResult, type SimUnit } from '@lucky/test-utils';

const CHARM = fileURLToPath(new URL('../fixtures/lucky-actions/', import.meta.url));

interface Ctx {
  dir: string;
}

const test = suite<Ctx>('actions: lucky.yaml actions run by lucky sim run, with lucky action get/set/log/fail');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-actions-');
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  await removeDir(ctx.dir);
});

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: join(ctx.dir, 'model') });
}

async function unit(ctx: Ctx, name: string): Promise<SimUnit> {
  const status = await sim(ctx, 'status', '--format', 'json');
  assert.is(status.exitCode, 0, status.stderr);
  return simUnit(status.stdout, name);
}

async function kv(ctx: Ctx, name: string): Promise<Record<string, string>> {
  const u = await unit(ctx, name);
  const result = await lucky(['kv', 'get', '--format', 'json'], { LUCKY_DATA_DIR: u.dataDir, LUCKY_DAEMON_SOCKET: u.socketPath, JUJU_UNIT_NAME: name });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

test('deploy', async (ctx) => {
  const deployed = await sim(ctx, 'deploy', CHARM, 'app', '-n', '2');
  assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
});

test('an action runs its actions: scripts: params with defaults, nested results, progress logs, juju run layout', async (ctx) => {
  const run = await sim(ctx, 'run', 'app/0', 'backup', 'filename=/srv/today.tar', 'compression.kind=xz');
  assert.is(run.exitCode, 0, run.stdout + run.stderr);
  // Results as YAML (stdout, stderr, return-code left out), a blank line, then the scripts' stdout.
  assert.is(
    run.stdout,
    [
      'file:',
      '  kind: xz',
      '  name: /srv/today.tar',
      '  quality: "5"',
      'params: \'{"compression":{"kind":"xz","quality":5},"filename":"/srv/today.tar","verbose":false}\'',
      'verbose: "false"',
      '',
      "backup by app/0: action backup, id 2, hook '', dispatch actions/backup",
      '',
    ].join('\n'),
  );
  assert.match(run.stderr, /^Running operation 1 with 1 task\n {2}- task 2 on unit-app-0\n\nWaiting for task 2\.\.\.\n\n/);
  assert.match(run.stderr, /\n\d\d:\d\d:\d\d backing up to \/srv\/today\.tar\n\d\d:\d\d:\d\d done\n/);
});

test('--format json prints the task: status, results with return-code and stdout, log, timing', async (ctx) => {
  const run = await sim(ctx, 'run', 'app/1', 'backup', 'filename=x.tar', 'compression.quality=9', 'verbose=yes', '--format', 'json');
  assert.is(run.exitCode, 0, run.stderr);
  const task = (JSON.parse(run.stdout) as Record<string, Record<string, unknown>>)['app/1'];
  assert.ok(task);
  assert.is(task.id, '4');
  assert.is(task.status, 'completed');
  assert.is(task.unit, 'app/1');
  assert.is(task.message, undefined);
  const results = task.results as Record<string, unknown>;
  assert.equal(results.file, { kind: 'gzip', name: 'x.tar', quality: '9' });
  assert.is(results.verbose, 'true');
  assert.is(results['return-code'], 0);
  assert.match(String(results.stdout), /^backup by app\/1: action backup, id 4/);
  assert.equal(
    (task.log as string[]).map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC /, '')),
    ['backing up to x.tar', 'done'],
  );
  assert.equal(Object.keys(task.timing as object), ['completed', 'enqueued', 'started']);
});

test('a failing script fails the action with its message; lucky sim run exits 1', async (ctx) => {
  const run = await sim(ctx, 'run', 'app/0', 'fail');
  assert.is(run.exitCode, 1);
  assert.match(run.stdout, /^Action id 6 failed: Host script "fail\.sh" exited non-zero \(3\): the disk is full\nattempted: "yes"\n\n/);
  assert.match(run.stderr, /ERROR the following task failed:\n - id "6" with return code 0\n/);
  const yaml = await sim(ctx, 'run', 'app/0', 'fail', 'how=action-fail', '--format', 'yaml');
  assert.is(yaml.exitCode, 1, yaml.stdout + yaml.stderr);
  assert.match(yaml.stdout, /^app\/0:\n {2}id: "8"\n {2}message: no space left\n {2}results:\n {4}attempted: "yes"\n/, yaml.stdout + yaml.stderr);
  assert.match(yaml.stdout, /\n {2}status: failed\n/);
  assert.match(yaml.stdout, /stdout: \|\n {6}still running after action fail\n/);
  // A script that called lucky action fail, then failed, keeps its own message.
  const both = await sim(ctx, 'run', 'app/0', 'fail', 'how=both');
  assert.is(both.exitCode, 1);
  assert.match(both.stdout, /^Action id 10 failed: told to fail\n/);
  // The unit is not put in error by a failed action.
  const status = await sim(ctx, 'status', '--format', 'json');
  assert.equal(
    simUnits(status.stdout).filter((u) => u.agent === 'error' || u.workload.status === 'error'),
    [],
  );
});

test('params are checked against actions.yaml before anything runs; unknown actions are refused', async (ctx) => {
  const cases: Array<[string[], string]> = [
    [['backup'], 'Error: validation failed: filename: filename is required\n'],
    [['backup', 'filename=x', 'bogus=1'], 'Error: validation failed: bogus: Additional property bogus is not allowed\n'],
    [['backup', 'filename=x', 'compression.quality=12'], 'Error: validation failed: compression.quality: Must be less than or equal to 9\n'],
    [
      ['backup', 'filename=x', 'compression.kind=zip'],
      'Error: validation failed: compression.kind: compression.kind must be one of the following: "gzip", "bzip2", "xz"\n',
    ],
    [['backup', 'filename=5'], 'Error: validation failed: filename: Invalid type. Expected: string, given: integer\n'],
    [['nope'], 'Error: action "nope" not defined on unit "app/0" (its charm\'s actions: backup, fail, share, unscripted)\n'],
  ];
  for (const [args, stderr] of cases) {
    const run = await sim(ctx, 'run', 'app/0', ...args);
    assert.is(run.stderr, stderr, args.join(' '));
    assert.is(run.exitCode, 1);
    assert.is(run.stdout, '');
  }
  // --string-args keeps "5" a string, as the schema wants.
  const strings = await sim(ctx, 'run', 'app/0', 'backup', 'filename=5', '--string-args');
  assert.is(strings.exitCode, 0, strings.stderr);
  const log = await sim(ctx, 'log', 'app/0', '--format', 'json');
  const actions = (JSON.parse(log.stdout) as Array<{ action?: { id: string } }>).flatMap((run) => (run.action ? [run.action.id] : []));
  assert.equal(actions, ['2', '6', '8', '10', '12'], 'refused actions did not run');
});

test('an action with no actions: scripts fails as not implemented', async (ctx) => {
  const run = await sim(ctx, 'run', 'app/0', 'unscripted');
  assert.is(run.exitCode, 1);
  assert.match(run.stdout, /^Action id \d+ failed: action not implemented on unit "app\/0": lucky\.yaml has no "actions:" entry for "unscripted"\n/);
});

test("an action's committed relation data triggers the peers' -relation-changed", async (ctx) => {
  const run = await sim(ctx, 'run', 'app/0', 'share', 'value=hello');
  assert.is(run.exitCode, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^shared: "true"\n/);
  assert.match(run.stderr, /app\/1\s+replicas-relation-changed\s+ok/);
  assert.is((await kv(ctx, 'app/1'))['seen-app-0'], 'hello');
});

test('lucky action commands in a hook are refused with the reason', async (ctx) => {
  const hook = await sim(ctx, 'hook', 'app/0', 'update-status');
  assert.is(hook.exitCode, 0, hook.stdout + hook.stderr);
  assert.match(
    hook.stderr,
    /Error: lucky action get works only in an action's scripts \(lucky\.yaml "actions:"\); this script runs in hook "update-status", not an action\.\n/,
  );
  assert.match(hook.stderr, /refused outside an action/);
});

test('lucky sim hook refuses hooks the charm cannot receive, with a suggestion', async (ctx) => {
  const typo = await sim(ctx, 'hook', 'app/0', 'update-statsu');
  assert.is(typo.exitCode, 1);
  assert.is(
    typo.stderr,
    'Error: The charm of app/0 cannot receive the hook "update-statsu"; did you mean "update-status"? (actions run with "lucky sim run app/0 <action>").\n',
  );
  const action = await sim(ctx, 'hook', 'app/0', 'backup');
  assert.is(action.exitCode, 1);
  assert.match(action.stderr, /cannot receive the hook "backup"/);
  const peer = await sim(ctx, 'hook', 'app/0', 'replicas-relation-changed');
  assert.is(peer.exitCode, 1);
  assert.match(peer.stderr, /is a relation hook/);
});

test('lucky sim log shows each action with its status, params, results and logs', async (ctx) => {
  const log = await sim(ctx, 'log', 'app/0');
  assert.is(log.exitCode, 0);
  assert.match(
    log.stdout,
    /\napp\/0 action backup \(task 2\): completed \(exit 0\)\n {2}params\| \{"filename":"\/srv\/today\.tar","compression":\{"kind":"xz","quality":5\},"verbose":false\}\n {2}result\| file:\n/,
  );
  assert.match(log.stdout, /\n {2}log\| \d\d:\d\d:\d\d backing up to \/srv\/today\.tar\n/);
  assert.match(log.stdout, /\napp\/0 action fail \(task 8\): failed: no space left \(exit 0\)\n/);
});

test('LocalModel.runAction returns status, message, results, logs, stdout, stderr and exit code', async (ctx) => {
  const model = await LocalModel.open(join(ctx.dir, 'model'));
  // The listener hears the action start, then each action-log message as it is logged.
  const events: string[] = [];
  model.listener = {
    actionStarted: (action) => events.push(`started ${action.unit} ${action.name} operation ${action.operation} task ${action.id}`),
    actionLog: (unit, name, entry) => events.push(`log ${unit} ${name}: ${entry.message}`),
  };
  const done = await model.runAction('app/1', 'backup', { filename: 'api.tar' });
  model.listener = null;
  assert.equal(events, [
    `started app/1 backup operation ${done.operation} task ${done.id}`,
    'log app/1 backup: backing up to api.tar',
    'log app/1 backup: done',
  ]);
  assert.is(done.status, 'completed');
  assert.is(done.message, '');
  // compression was not given, so its properties' defaults are not filled in (only those of given objects are).
  assert.equal(done.results, { file: { name: 'api.tar', kind: '', quality: '' }, verbose: 'false', params: '{"filename":"api.tar","verbose":false}' });
  assert.equal(done.params, { filename: 'api.tar', verbose: false });
  assert.equal(
    done.logs.map((entry) => entry.message),
    ['backing up to api.tar', 'done'],
  );
  assert.match(done.stdout, /^backup by app\/1/);
  assert.is(done.exitCode, 0);
  const failed = await model.runAction('app/1', 'fail', { how: 'exit' });
  assert.is(failed.status, 'failed');
  assert.is(failed.message, 'Host script "fail.sh" exited non-zero (3): the disk is full');
  assert.match(failed.stderr, /the disk is full\n/);
  try {
    await model.runAction('app/1', 'backup', { filename: 'x', extra: true });
    assert.unreachable('refused');
  } catch (error) {
    assert.is((error as Error).message, 'validation failed: extra: Additional property extra is not allowed');
  }
});

test('an actions: entry that actions.yaml does not declare: the build refuses it with its position, the daemon warns', async (ctx) => {
  const copy = join(ctx.dir, 'undeclared');
  await cp(CHARM, copy, { recursive: true });
  await writeFile(join(copy, 'lucky.yaml'), `${await readFile(join(copy, 'lucky.yaml'), 'utf8')}  restore:\n    - inline-host-script: "true"\n`);
  const build = await lucky(['charm', 'build', copy, '-o', join(ctx.dir, 'out'), '--runtime', 'system']);
  assert.is(build.exitCode, 1);
  assert.match(
    build.stderr,
    new RegExp(
      `${join(copy, 'lucky.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:20:3: actions\\.restore: the action "restore" is not declared in actions\\.yaml; declare it there \\(with its params\\) or remove it`,
    ),
  );
  const deployed = await sim(ctx, 'deploy', copy, 'undeclared');
  assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
  const u = await unit(ctx, 'undeclared/0');
  await waitFor(async () => {
    // daemon.log holds JSON records: the quotes of the message are escaped there.
    const records = (await readFile(join(u.dataDir, 'daemon.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return records.some((line) =>
      (JSON.parse(line) as { message?: string }).message?.startsWith(
        'lucky.yaml lists the action "restore" under "actions:", but actions.yaml does not declare it',
      ),
    );
  }, 'the daemon warning');
});

test.run();
