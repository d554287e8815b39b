// A Kubernetes sidecar charm (test/fixtures/lucky-k8s) in `lucky sim`: its hooks run through
// `lucky dispatch` and the unit's daemon with `runtime: pebble`, against the simulator's
// Pebble-compatible servers, each on a real Docker container of the image resource.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import {
  LUCKY_BIN,
  lucky,
  processGone,
  removeDir,
  simUnit,
  simUnits,
  tempDir,
  testImage,
  useDockerEngine,
  waitFor,
  type DockerEngine,
  type LuckyResult,
} from '@lucky/test-utils';
import type Dockerode from 'dockerode';

const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
const CHARM = fileURLToPath(new URL('../fixtures/lucky-k8s/', import.meta.url));
const UNIT = 'k8s/0';

interface ContainerJson {
  name: string;
  image: string;
  socketPath: string;
  pebble: string;
  services: Array<{ name: string; startup: string; current: string }>;
}
interface UnitJson {
  name: string;
  workload: { status: string; message: string };
  ports: string[];
  dataDir: string;
  socketPath: string;
  storage: Array<{ id: string; kind: string; location: string }>;
  containers?: ContainerJson[];
}
interface HookRunJson {
  unit: string;
  hook: string;
  exitCode: number;
  env: Record<string, string>;
  stdout: string;
  stderr: string;
}

interface Ctx {
  dir: string;
  model: string;
  image: string;
  engine: DockerEngine;
  docker: Dockerode;
  destroyed: boolean;
}

const test = suite<Ctx>('pebble: a sidecar charm through lucky dispatch and runtime: pebble, in lucky sim');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.image = await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-pebble-');
  ctx.model = join(ctx.dir, 'model');
  ctx.destroyed = false;
});

test.after(async (ctx) => {
  if (!ctx.destroyed) await sim(ctx, 'destroy');
  // Whatever a failed test left behind: this model's containers only.
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.sim.model=${ctx.model}`] } })) {
    await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: ctx.model });
}

async function ok(ctx: Ctx, ...args: string[]): Promise<string> {
  const result = await sim(ctx, ...args);
  assert.is(result.exitCode, 0, `lucky sim ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `<unit> <hook>` of each line `lucky sim` printed for the hooks it ran. */
function hookLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /\s(ok|failed)/.test(line))
    .map((line) => line.split(/\s+/).slice(0, 2).join(' '));
}

async function unit(ctx: Ctx): Promise<UnitJson> {
  return simUnit(await ok(ctx, 'status', '--format', 'json'), UNIT);
}

async function hookRuns(ctx: Ctx): Promise<HookRunJson[]> {
  return JSON.parse(await ok(ctx, 'log', UNIT, '--format', 'json')) as HookRunJson[];
}

async function kv(ctx: Ctx): Promise<Record<string, string>> {
  const u = await unit(ctx);
  const result = await lucky(['kv', 'get', '--format', 'json'], { LUCKY_DATA_DIR: u.dataDir, LUCKY_DAEMON_SOCKET: u.socketPath, JUJU_UNIT_NAME: UNIT });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** The workload's Docker container, found by the simulator's labels. */
async function workload(ctx: Ctx, container: string): Promise<Dockerode.ContainerInfo> {
  const list = await ctx.docker.listContainers({
    all: true,
    filters: { label: [`lucky.sim.model=${ctx.model}`, `lucky.sim.unit=${UNIT}`, `lucky.sim.container=${container}`] },
  });
  assert.is(list.length, 1, `one Docker container for ${container}: ${list.map((c) => c.Names.join(',')).join(' ')}`);
  return list[0]!;
}

/** `docker top`: the command line → host PID of each process in the workload container. */
async function processes(ctx: Ctx, container: string): Promise<Map<string, string>> {
  const top = (await ctx.docker.getContainer((await workload(ctx, container)).Id).top({ ps_args: '-o pid,args' })) as { Processes: string[][] };
  return new Map(top.Processes.map(([pid = '', ...args]) => [args.join(' '), pid]));
}

function pidOf(list: Map<string, string>, command: string): string {
  const pid = list.get(command);
  assert.ok(pid, `no "${command}" running: ${[...list.keys()].join(' | ')}`);
  return pid;
}

async function exec(ctx: Ctx, container: string, command: string[]): Promise<string> {
  const execution = await ctx.docker.getContainer((await workload(ctx, container)).Id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await execution.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // Docker's multiplexed stream: 8-byte frame headers before each payload.
  const all = Buffer.concat(chunks);
  let text = '';
  for (let at = 0; at + 8 <= all.length;) {
    const size = all.readUInt32BE(at + 4);
    text += all.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text;
}

const WEB = 'httpd -f -p 18080 -h /srv/site';
const WORKER = (period: number) => `sh -c while true; do sleep ${period}; done`;

test('deploy: the Kubernetes hook order, then <container>-pebble-ready for each container once its Pebble answers', async (ctx) => {
  const out = await ok(ctx, 'deploy', CHARM, 'k8s', '--resource', `workload-image=${ctx.image}`);
  assert.equal(hookLines(out), [
    `${UNIT} install`,
    `${UNIT} leader-elected`,
    `${UNIT} config-changed`,
    `${UNIT} start`,
    `${UNIT} site-storage-attached`,
    `${UNIT} web-pebble-ready`,
    `${UNIT} worker-pebble-ready`,
  ]);
  const runs = await hookRuns(ctx);
  const containersDir = join(ctx.model, 'units', 'unit-k8s-0', 'containers');
  for (const run of runs) {
    assert.is(run.env.JUJU_MACHINE_ID, '', `${run.hook}: no machine on Kubernetes`);
    assert.is(run.env.LUCKY_PEBBLE_CONTAINERS_DIR, containersDir, run.hook);
  }
  assert.equal(
    runs.filter((run) => run.hook.endsWith('-pebble-ready')).map((run) => run.env.JUJU_WORKLOAD_NAME),
    ['web', 'worker'],
  );
  const values = await kv(ctx);
  assert.is(values['site-attached'], 'site/0');
  assert.is(values['configured-by'], 'worker-pebble-ready');
  assert.is(values['page-written'], 'web-pebble-ready', 'the container script ran in web-pebble-ready');
  // resource-get of an oci-image resource: a file with the image's registry path, as Juju writes.
  const model = JSON.parse(readFileSync(join(ctx.model, 'model.json'), 'utf8')) as { applications: Record<string, { resources: Record<string, string> }> };
  const resource = model.applications.k8s?.resources['workload-image'] ?? '';
  assert.equal(JSON.parse(readFileSync(resource, 'utf8')), { registrypath: ctx.image });
});

test('status: each container with its Pebble socket and services; the services run in the workload containers', async (ctx) => {
  const u = await unit(ctx);
  assert.equal(u.workload, { status: 'active', message: 'serving on 18080' });
  assert.equal(u.ports, ['18080/tcp']);
  const containersDir = join(ctx.model, 'units', 'unit-k8s-0', 'containers');
  assert.equal(u.containers, [
    {
      name: 'web',
      image: ctx.image,
      socketPath: join(containersDir, 'web', 'pebble.socket'),
      pebble: 'ready',
      services: [{ name: 'web', startup: 'enabled', current: 'active' }],
    },
    {
      name: 'worker',
      image: ctx.image,
      socketPath: join(containersDir, 'worker', 'pebble.socket'),
      pebble: 'ready',
      services: [{ name: 'worker', startup: 'enabled', current: 'active' }],
    },
  ]);
  pidOf(await processes(ctx, 'web'), WEB);
  pidOf(await processes(ctx, 'worker'), WORKER(5));
  // The page the container script wrote in the site storage, served by httpd inside web.
  assert.is(await exec(ctx, 'web', ['wget', '-q', '-O', '-', 'http://127.0.0.1:18080/']), 'hello from a container script\n');
  const values = await kv(ctx);
  assert.is(values['page-host'], (await workload(ctx, 'web')).Id.slice(0, 12), 'the container script ran inside web');
  const table = await ok(ctx, 'status');
  assert.match(table, /k8s\/0\s+web\s+ready\s+web:active/);
  assert.match(table, /k8s\/0\s+worker\s+ready\s+worker:active/);
});

test('a config change restarts only the service whose definition changed (replan)', async (ctx) => {
  const before = { web: pidOf(await processes(ctx, 'web'), WEB), worker: pidOf(await processes(ctx, 'worker'), WORKER(5)) };
  assert.equal(hookLines(await ok(ctx, 'config', 'k8s', 'greeting=bonjour')), [`${UNIT} config-changed`]);
  const afterGreeting = { web: pidOf(await processes(ctx, 'web'), WEB), worker: pidOf(await processes(ctx, 'worker'), WORKER(5)) };
  assert.is.not(afterGreeting.web, before.web, 'web (its GREETING changed) restarted');
  assert.is(afterGreeting.worker, before.worker, 'worker did not restart');
  const env = await exec(ctx, 'web', ['sh', '-c', `tr '\\0' '\\n' < /proc/${await exec(ctx, 'web', ['pidof', 'httpd']).then((t) => t.trim())}/environ`]);
  assert.match(env, /^GREETING=bonjour$/m);

  await ok(ctx, 'config', 'k8s', 'worker-period=7');
  const afterPeriod = { web: pidOf(await processes(ctx, 'web'), WEB), worker: pidOf(await processes(ctx, 'worker'), WORKER(7)) };
  assert.is(afterPeriod.web, afterGreeting.web, 'web did not restart');
  assert.is.not(afterPeriod.worker, afterGreeting.worker, 'worker (its command changed) restarted');
});

test('lucky sim notify: a custom notice runs <container>-pebble-custom-notice with the notice in its env', async (ctx) => {
  const first = JSON.parse(await ok(ctx, 'notify', UNIT, 'web', 'example.com/reload', 'reason=test', '--format', 'json')) as {
    noticeId: string;
    outcomes: Array<{ unit: string; hook: string; exitCode: number }>;
  };
  assert.equal(first.outcomes, [{ unit: UNIT, hook: 'web-pebble-custom-notice', exitCode: 0, stdout: '', stderr: '' }]);
  const run = (await hookRuns(ctx)).at(-1)!;
  assert.equal(
    [run.hook, run.env.JUJU_WORKLOAD_NAME, run.env.JUJU_NOTICE_ID, run.env.JUJU_NOTICE_TYPE, run.env.JUJU_NOTICE_KEY],
    ['web-pebble-custom-notice', 'web', first.noticeId, 'custom', 'example.com/reload'],
  );
  assert.is((await kv(ctx))['last-notice'], `web custom example.com/reload ${first.noticeId}`);
  // The same key again is another occurrence of the same notice: same id, another hook.
  const again = await ok(ctx, 'notify', UNIT, 'web', 'example.com/reload');
  assert.match(again, `notice ${first.noticeId} (example.com/reload)`);
  assert.equal(hookLines(again), [`${UNIT} web-pebble-custom-notice`]);
  const refused = await sim(ctx, 'notify', UNIT, 'nope', 'example.com/x');
  assert.is(refused.exitCode, 1);
  assert.match(refused.stderr, 'k8s/0 has no container "nope" (its containers: web, worker).');
});

test('a failing check fires <container>-pebble-check-failed, and -recovered once it passes again', async (ctx) => {
  const site = (await unit(ctx)).storage.find((item) => item.id === 'site/0')!.location;
  const count = (await hookRuns(ctx)).length;
  await writeFile(join(site, 'down'), '');
  const failed = await waitFor(
    async () => (await hookRuns(ctx)).slice(count).find((run) => run.hook === 'web-pebble-check-failed'),
    'web-pebble-check-failed',
    60_000,
  );
  assert.equal([failed.exitCode, failed.env.JUJU_WORKLOAD_NAME, failed.env.JUJU_PEBBLE_CHECK_NAME], [0, 'web', 'web-up']);
  assert.is((await kv(ctx)).check, 'failed web-up');
  assert.equal((await unit(ctx)).workload, { status: 'blocked', message: 'serving on 18080, check web-up failed' });
  await rm(join(site, 'down'));
  const recovered = await waitFor(
    async () => (await hookRuns(ctx)).slice(count).find((run) => run.hook === 'web-pebble-check-recovered'),
    'web-pebble-check-recovered',
    60_000,
  );
  assert.equal([recovered.exitCode, recovered.env.JUJU_PEBBLE_CHECK_NAME], [0, 'web-up']);
  await waitFor(async () => (await unit(ctx)).workload.status === 'active', 'the unit active again');
});

test('restart-container (pod churn): a fresh container and Pebble, then web-pebble-ready sets the service up again', async (ctx) => {
  const before = await workload(ctx, 'web');
  const worker = await workload(ctx, 'worker');
  const out = await ok(ctx, 'restart-container', UNIT, 'web');
  assert.equal(hookLines(out), [`${UNIT} web-pebble-ready`]);
  const after = await workload(ctx, 'web');
  assert.is.not(after.Id, before.Id, 'a new Docker container');
  assert.is((await workload(ctx, 'worker')).Id, worker.Id, 'worker untouched');
  pidOf(await processes(ctx, 'web'), WEB);
  const values = await kv(ctx);
  assert.is(values['page-host'], after.Id.slice(0, 12), 'the container script ran in the new container');
  assert.equal((await unit(ctx)).containers?.[0]?.services, [{ name: 'web', startup: 'enabled', current: 'active' }]);
  const refused = await sim(ctx, 'restart-container', UNIT, 'db');
  assert.is(refused.exitCode, 1);
  assert.match(refused.stderr, 'k8s/0 has no container "db"');
});

test('lucky sim destroy stops the Pebble servers and leaves no workload container', async (ctx) => {
  const pidFiles = ['web', 'worker'].map((name) => join(ctx.model, 'units', 'unit-k8s-0', 'pebble', `${name}.pid`));
  const pids = pidFiles.map((file) => Number(readFileSync(file, 'utf8').trim()));
  await ok(ctx, 'destroy');
  ctx.destroyed = true;
  assert.equal(await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.sim.model=${ctx.model}`] } }), []);
  for (const pid of pids) assert.ok(processGone(pid), `Pebble server ${pid} still runs`);
  assert.not.ok(existsSync(ctx.model));
});

test.run();

// ---

interface TemplateCtx {
  dir: string;
  image: string;
  engine: DockerEngine;
  docker: Dockerode;
}

const template = suite<TemplateCtx>('pebble: create-lucky-charm --template k8s, built, deployed, active');

const SCAFFOLDER = fileURLToPath(new URL('../../templates/create-lucky-charm/bin/create-lucky-charm.js', import.meta.url));
const TESTING_PACKAGE = fileURLToPath(new URL('../../packages/testing/', import.meta.url));

template.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.image = await testImage(ctx.engine.socketPath);
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-k8s-template-');
});

template.after(async (ctx) => {
  // Containers of the models under this test's directory (the charm's own test makes its model there too).
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: ['lucky.sim.model'] } })) {
    if (info.Labels['lucky.sim.model']?.startsWith(`${ctx.dir}/`)) await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

template('scaffold, lucky charm build, lucky sim deploy of the built charm: active, the web service running', async (ctx) => {
  const charm = join(ctx.dir, 'kay');
  const created = await execa(process.execPath, [SCAFFOLDER, charm, '--yes', '--no-git', '--template', 'k8s'], { reject: false });
  assert.is(created.exitCode, 0, String(created.stderr));
  assert.match(String(created.stdout), 'sim deploy . --resource web-image=busybox:stable');
  const built = await lucky(['charm', 'build', charm]);
  assert.is(built.exitCode, 0, built.stderr);
  const env = { LUCKY_SIM_MODEL: join(ctx.dir, 'model') };
  try {
    const deployed = await lucky(['sim', 'deploy', join(charm, 'build', 'kay'), '--resource', `web-image=${ctx.image}`], env);
    assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
    assert.equal(hookLines(deployed.stdout), ['kay/0 install', 'kay/0 leader-elected', 'kay/0 config-changed', 'kay/0 start', 'kay/0 web-pebble-ready']);
    const u = simUnits((await lucky(['sim', 'status', '--format', 'json'], env)).stdout)[0];
    assert.equal(u?.workload, { status: 'active', message: 'Serving on port 8080' });
    assert.equal(u?.ports, ['8080/tcp']);
    assert.equal(u?.containers?.[0]?.services, [{ name: 'web', startup: 'enabled', current: 'active' }]);
  } finally {
    const destroyed = await lucky(['sim', 'destroy'], env);
    assert.is(destroyed.exitCode, 0, destroyed.stderr);
  }
});

template("the scaffolded charm's own tests/charm.test.mjs passes under node --test", async (ctx) => {
  const charm = join(ctx.dir, 'kay');
  // What `npm install` would provide: @lucky/testing, and `lucky` in node_modules/.bin.
  await mkdir(join(charm, 'node_modules', '@lucky'), { recursive: true });
  await symlink(TESTING_PACKAGE, join(charm, 'node_modules', '@lucky', 'testing'));
  await mkdir(join(charm, 'node_modules', '.bin'));
  await writeFile(join(charm, 'node_modules', '.bin', 'lucky'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(LUCKY_BIN)} "$@"\n`, {
    mode: 0o755,
  });
  const result = await execa(process.execPath, ['--test', 'tests/'], {
    cwd: charm,
    reject: false,
    env: { NODE_OPTIONS: '', WORKLOAD_IMAGE: ctx.image, TMPDIR: ctx.dir },
  });
  const output = String(result.stdout) + String(result.stderr);
  assert.is(result.exitCode, 0, output);
  assert.match(output, /# pass 3\n/);
  assert.match(output, /# fail 0\n/);
});

template.run();
