// The Pebble runtime against the Pebble-compatible server of @lucky/testing (a real
// busybox container per workload container), through a real Lucky daemon: the
// commands scripts run, container scripts through Pebble exec, `lucky` inside.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  LUCKY_BIN,
  lucky,
  removeDir,
  startTestDaemon,
  tempDir,
  testImage,
  useDockerEngine,
  waitFor,
  writeCharm,
  type DockerEngine,
  type LuckyResult,
  type TestDaemon,
} from '@lucky/test-utils';
import { startPebbleServer, type PebbleServer } from '@lucky/testing/pebble';
import { PebbleClient, type Layer } from '../src/index.js';

const UNIT = 'web/0';
const CONTAINERS = ['app', 'side'] as const;
type Container = (typeof CONTAINERS)[number];

interface Ctx {
  engine: DockerEngine;
  dir: string;
  charm: string;
  containersDir: string;
  servers: Map<Container, PebbleServer>;
  daemon: TestDaemon;
  env: Record<string, string>;
}

const test = suite<Ctx>('pebble runtime: a real daemon, Pebble-compatible servers, busybox containers');

const METADATA = `
name: web
containers:
  app:
    resource: app-image
    mounts:
      - storage: data
        location: /data
  side:
    resource: side-image
resources:
  app-image: {type: oci-image}
  side-image: {type: oci-image}
storage:
  data: {type: filesystem, location: /data}
`;

const LUCKY_YAML = `
runtime: pebble
hooks:
  app-pebble-ready:
    - container-script: probe.sh
      container-name: app
      args: [ready]
  probe-fails:
    - container-script: probe.sh
      container-name: app
      args: [failing, "7"]
  streaming:
    - container-script: stream.sh
      container-name: side
  app-pebble-custom-notice:
    - inline-host-script: echo "notice $JUJU_NOTICE_ID $JUJU_NOTICE_TYPE $JUJU_NOTICE_KEY of $JUJU_WORKLOAD_NAME"
  app-pebble-check-failed:
    - inline-host-script: echo "check $JUJU_PEBBLE_CHECK_NAME of $JUJU_WORKLOAD_NAME failed"
`;

// Writes to stdout and stderr, stores its first argument through lucky, exits with the second.
const PROBE = `#!/bin/sh
echo "out $1 in $JUJU_WORKLOAD_NAME, lucky at $(command -v lucky)"
echo "err $1" >&2
lucky kv set from-container="$1"
exit "\${2:-0}"
`;

// Prints a line, then waits for the test to answer through the shared directory.
const STREAM = `#!/bin/sh
echo first
while [ ! -e /charm/container/go-on ]; do sleep 0.05; done
echo second
`;

/** A service that records its PID and start, and then sleeps until stopped. */
const SERVICE = (name: string) => ['/bin/sh', '-c', `echo $$ > /tmp/${name}.pid; echo "$GREETING" > /tmp/${name}.greeting; exec sleep 3600`];

function client(ctx: Ctx, container: Container): PebbleClient {
  return new PebbleClient({ socketPath: join(ctx.containersDir, container, 'pebble.socket') });
}

async function run(ctx: Ctx, args: readonly string[], extra: Record<string, string> = {}): Promise<LuckyResult> {
  return lucky(args, { ...ctx.env, ...extra });
}

async function ok(ctx: Ctx, args: readonly string[], extra: Record<string, string> = {}): Promise<LuckyResult> {
  const result = await run(ctx, args, extra);
  assert.is(result.exitCode, 0, `lucky ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

/** Runs a hook as Juju would, through lucky dispatch. */
function dispatch(ctx: Ctx, hook: string, env: Record<string, string> = {}): Promise<LuckyResult> {
  const workload = /^(.+)-pebble-/.exec(hook)?.[1];
  return run(ctx, ['dispatch'], { JUJU_DISPATCH_PATH: `hooks/${hook}`, ...(workload ? { JUJU_WORKLOAD_NAME: workload } : {}), ...env });
}

async function pidOf(ctx: Ctx, container: Container): Promise<string> {
  return (await client(ctx, container).pull(`/tmp/${container}.pid`)).toString('utf8').trim();
}

async function servicesActive(ctx: Ctx, container: Container): Promise<boolean> {
  const [service] = await client(ctx, container).getServices([container]);
  return service?.current === 'active';
}

async function plan(ctx: Ctx, container: Container): Promise<Layer> {
  return client(ctx, container).getPlan();
}

async function startServer(ctx: Ctx, container: Container): Promise<PebbleServer> {
  const shared = join(ctx.containersDir, container);
  await mkdir(shared, { recursive: true, mode: 0o755 });
  const image = await testImage(ctx.engine.socketPath);
  return startPebbleServer({
    socketPath: join(shared, 'pebble.socket'),
    containerName: `lucky-pebble-rt-${process.pid}-${container}`,
    dockerSocketPath: ctx.engine.socketPath,
    image,
    mounts: [{ source: shared, target: '/charm/container' }],
    labels: { 'lucky.test': 'pebble-runtime' },
  });
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  ctx.dir = await tempDir('lucky-pebble-rt-');
  ctx.containersDir = join(ctx.dir, 'c');
  ctx.charm = join(ctx.dir, 'charm');
  await writeCharm(ctx.charm, {
    'metadata.yaml': METADATA,
    'lucky.yaml': LUCKY_YAML,
    'container_scripts/probe.sh': PROBE,
    'container_scripts/stream.sh': STREAM,
  });
  ctx.servers = new Map();
  for (const container of CONTAINERS) ctx.servers.set(container, await startServer(ctx, container));
  ctx.daemon = await startTestDaemon({
    charmDir: ctx.charm,
    dir: join(ctx.dir, 'd'),
    unit: UNIT,
    env: { LUCKY_PEBBLE_CONTAINERS_DIR: ctx.containersDir },
  });
  // What a hook's scripts have: the unit, its daemon, the charm (for plugin commands) and the containers' directory.
  ctx.env = { ...ctx.daemon.env, JUJU_CHARM_DIR: ctx.charm, LUCKY_PEBBLE_CONTAINERS_DIR: ctx.containersDir };
});

test.after(async (ctx) => {
  await ctx.daemon?.stop();
  for (const server of ctx.servers?.values() ?? []) await server.close({ removeContainer: true });
  await removeDir(ctx.dir);
  await ctx.engine?.stop();
});

test("image set names the container's OCI resource; anything else is refused", async (ctx) => {
  const refused = await run(ctx, ['container', 'image', 'set', 'busybox:1.36', '-c', 'app']);
  assert.is.not(refused.exitCode, 0);
  assert.match(refused.stderr, 'Cannot set the image of container "app" to "busybox:1.36"');
  assert.match(refused.stderr, 'OCI image resource "app-image"');
  const none = await run(ctx, ['container', 'image', 'get', '-c', 'app']);
  assert.is(none.stdout, '\n', 'a refused image defined nothing');
  await ok(ctx, ['container', 'image', 'set', 'app-image', '-c', 'app']);
  await ok(ctx, ['container', 'image', 'set', 'resource:side-image', '-c', 'side']);
});

test('a volume other than the declared storage mount is refused', async (ctx) => {
  const foreign = await run(ctx, ['container', 'volume', 'add', 'cache', '/cache', '-c', 'app']);
  assert.is.not(foreign.exitCode, 0);
  assert.match(foreign.stderr, 'Cannot mount "cache" at /cache in container "app"');
  const host = await run(ctx, ['container', 'volume', 'add', '/etc', '/data', '-c', 'app']);
  assert.is.not(host.exitCode, 0);
  assert.match(host.stderr, 'Cannot mount "/etc" at /data');
  await ok(ctx, ['container', 'volume', 'add', 'data', '/data', '-c', 'app']);
  assert.is((await ok(ctx, ['container', 'volume', 'get', '-c', 'app'])).stdout, 'data:/data\n');
});

test('apply: each definition is a service of the lucky layer, and it runs', async (ctx) => {
  for (const container of CONTAINERS) {
    await ok(ctx, ['container', 'set-command', '-c', container, '--', ...SERVICE(container)]);
    await ok(ctx, ['container', 'env', 'set', '-c', container, `GREETING=hello ${container}`]);
  }
  await ok(ctx, ['container', 'apply-updates']);
  for (const container of CONTAINERS) {
    assert.ok(await servicesActive(ctx, container), `service ${container} is active`);
    const service = (await plan(ctx, container)).services?.[container];
    assert.is(service?.override, 'replace');
    assert.is(service?.startup, 'enabled');
    assert.is(service?.command, `/bin/sh -c 'echo $$ > /tmp/${container}.pid; echo "$GREETING" > /tmp/${container}.greeting; exec sleep 3600'`);
    assert.is(service?.environment?.GREETING, `hello ${container}`);
    assert.is(service?.environment?.LUCKY_DAEMON_SOCKET, '/charm/container/lucky/daemon.sock');
    const greeting = await waitFor(
      async () =>
        (
          await client(ctx, container)
            .pull(`/tmp/${container}.greeting`)
            .catch(() => undefined)
        )?.toString(),
      'greeting',
    );
    assert.is(greeting, `hello ${container}\n`);
  }
});

test('an environment change restarts that service only', async (ctx) => {
  const before = { app: await pidOf(ctx, 'app'), side: await pidOf(ctx, 'side') };
  await ok(ctx, ['container', 'env', 'set', '-c', 'app', 'GREETING=bonjour']);
  await ok(ctx, ['container', 'apply-updates']);
  const greeting = await waitFor(async () => {
    const text = (await client(ctx, 'app').pull('/tmp/app.greeting')).toString();
    return text === 'bonjour\n' ? text : undefined;
  }, 'the new greeting');
  assert.is(greeting, 'bonjour\n');
  assert.is.not(await pidOf(ctx, 'app'), before.app, 'app was restarted');
  assert.is(await pidOf(ctx, 'side'), before.side, 'side was left alone');
  assert.ok(await servicesActive(ctx, 'app'));
});

test('pebble-ready: container scripts are pushed and run through Pebble exec; lucky inside reaches the daemon', async (ctx) => {
  const result = await dispatch(ctx, 'app-pebble-ready');
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  assert.match(result.stdout, 'out ready in app, lucky at /charm/container/lucky/bin/lucky');
  assert.match(result.stderr, 'err ready');
  // Pushed into the workload's own filesystem, with the charm's content and mode.
  const pushed = await client(ctx, 'app').pull('/lucky/container_scripts/probe.sh');
  assert.is(pushed.toString(), PROBE);
  const [info] = await client(ctx, 'app').listFiles('/lucky/container_scripts/probe.sh', { itself: true });
  assert.is(info?.permissions, 0o755);
  // The value the script stored from inside the container, read on the host; and the other way round.
  assert.is((await ok(ctx, ['kv', 'get', 'from-container'])).stdout, 'ready\n');
  await ok(ctx, ['kv', 'set', 'from-host=hi there']);
  let seen = '';
  const code = await client(ctx, 'side').exec(['/charm/container/lucky/bin/lucky', 'kv', 'get', 'from-host'], {
    environment: { LUCKY_DAEMON_SOCKET: '/charm/container/lucky/daemon.sock', JUJU_UNIT_NAME: UNIT },
    onStdout: (chunk) => (seen += chunk.toString()),
  });
  assert.is(code, 0);
  assert.is(seen, 'hi there\n');
});

test("a container script's exit code fails the hook with that code", async (ctx) => {
  const result = await dispatch(ctx, 'probe-fails');
  assert.is.not(result.exitCode, 0);
  assert.match(result.stdout, 'out failing');
  assert.match(result.stderr, 'Container script "probe.sh" exited non-zero: 7');
  assert.is((await ok(ctx, ['kv', 'get', 'from-container'])).stdout, 'failing\n');
});

test("a container script's output reaches the hook while it still runs", async (ctx) => {
  const child = execa(process.execPath, [LUCKY_BIN, 'dispatch', 'streaming'], { env: { PATH: process.env.PATH, ...ctx.env }, extendEnv: false, reject: false });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await waitFor(() => stdout.includes('first\n'), 'the first line while the script waits');
  assert.not.match(stdout, 'second');
  await writeFile(join(ctx.containersDir, 'side', 'go-on'), '');
  const result = await child;
  assert.is(result.exitCode, 0, String(result.stderr));
  assert.match(stdout, 'first\nsecond\n');
});

test('a changed script is pushed again before it runs', async (ctx) => {
  await writeFile(join(ctx.charm, 'container_scripts', 'probe.sh'), PROBE.replace('echo "out', 'echo "changed'));
  const result = await dispatch(ctx, 'app-pebble-ready');
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  assert.match(result.stdout, 'changed ready in app');
  await writeFile(join(ctx.charm, 'container_scripts', 'probe.sh'), PROBE);
});

test('checks declared with lucky container check are in the layer, listed, and disabled when removed', async (ctx) => {
  await ok(ctx, ['container', 'check', 'add', 'app-alive', '--exec', 'true', '--period', '1s', '--threshold', '2', '--level', 'alive', '-c', 'app']);
  await ok(ctx, ['container', 'check', 'add', 'side-http', '--http', 'http://localhost:8080/health', '-c', 'side']);
  const appPlan = await plan(ctx, 'app');
  assert.equal(appPlan.checks?.['app-alive'], {
    override: 'replace',
    level: 'alive',
    period: '1s',
    threshold: 2,
    exec: { command: 'true', 'service-context': 'app' },
  });
  assert.equal((await plan(ctx, 'side')).checks?.['side-http']?.http, { url: 'http://localhost:8080/health' });
  const listed = JSON.parse((await ok(ctx, ['container', 'check', 'list', '--format', 'json'])).stdout) as Array<{
    container: string;
    name: string;
    status: string | null;
  }>;
  assert.equal(
    listed.map((check) => [check.container, check.name]),
    [
      ['app', 'app-alive'],
      ['side', 'side-http'],
    ],
  );
  assert.is(await waitFor(async () => (await client(ctx, 'app').getChecks({ names: ['app-alive'] }))[0]?.status === 'up', 'app-alive up'), true);
  const usage = await run(ctx, ['container', 'check', 'add', 'bad', '--tcp', '80', '--http', 'http://x/']);
  assert.is.not(usage.exitCode, 0);
  assert.match(usage.stderr, 'Give exactly one of --http <url>, --tcp <port> or --exec <command>.');

  await ok(ctx, ['container', 'check', 'remove', 'side-http']);
  const removed = (await plan(ctx, 'side')).checks?.['side-http'];
  assert.is(removed?.startup, 'disabled');
  assert.equal(JSON.parse((await ok(ctx, ['container', 'check', 'list', '--format', 'json', '-c', 'side'])).stdout), []);
});

test('notice and check hooks run their lucky.yaml entries with the workload variables', async (ctx) => {
  const notice = await dispatch(ctx, 'app-pebble-custom-notice', { JUJU_NOTICE_ID: '42', JUJU_NOTICE_TYPE: 'custom', JUJU_NOTICE_KEY: 'example.com/reload' });
  assert.is(notice.exitCode, 0, notice.stdout + notice.stderr);
  assert.match(notice.stdout, 'notice 42 custom example.com/reload of app');
  const failed = await dispatch(ctx, 'app-pebble-check-failed', { JUJU_PEBBLE_CHECK_NAME: 'app-alive' });
  assert.is(failed.exitCode, 0, failed.stdout + failed.stderr);
  assert.match(failed.stdout, 'check app-alive of app failed');
});

test('a deleted definition stops its service and disables it in the layer', async (ctx) => {
  await ok(ctx, ['container', 'delete', '-c', 'side']);
  await ok(ctx, ['container', 'apply-updates']);
  const [service] = await client(ctx, 'side').getServices(['side']);
  assert.is(service?.current, 'inactive');
  const planned = (await plan(ctx, 'side')).services?.side;
  assert.is(planned?.startup, 'disabled');
  assert.is(planned?.summary, 'Lucky container definition (removed)');
  assert.ok(await servicesActive(ctx, 'app'), 'app keeps running');
});

test('a restarted workload container gets its services and scripts again on pebble-ready', async (ctx) => {
  await ctx.servers.get('app')!.close({ removeContainer: true });
  ctx.servers.set('app', await startServer(ctx, 'app'));
  assert.is((await plan(ctx, 'app')).services?.app, undefined, 'the new container has no layers');
  const result = await dispatch(ctx, 'app-pebble-ready');
  assert.is(result.exitCode, 0, result.stdout + result.stderr);
  assert.ok(await servicesActive(ctx, 'app'));
  assert.ok((await plan(ctx, 'app')).checks?.['app-alive'], 'the check is back');
  assert.match(result.stdout, 'out ready in app');
  assert.ok(existsSync(join(ctx.containersDir, 'app', 'lucky', 'daemon.sock')));
  assert.is((await readFile(join(ctx.containersDir, 'app', 'lucky', 'bin', 'lucky'), 'utf8')).startsWith('#!/bin/sh\n'), true);
});

test.run();
