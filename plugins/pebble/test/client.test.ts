import { join } from 'node:path';
import { Readable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir, testImage, useDockerEngine, waitFor, type DockerEngine } from '@lucky/test-utils';
import { startPebbleServer, type PebbleServer, type PebbleServerEvent } from '@lucky/testing/pebble';
import { PebbleChangeError, PebbleClient, PebbleError, PebblePathError, type Layer } from '../src/client/index.js';

interface Ctx {
  engine: DockerEngine;
  dir: string;
  server: PebbleServer;
  client: PebbleClient;
  events: PebbleServerEvent[];
}

const test = suite<Ctx>('pebble client ↔ the Pebble-compatible server on a busybox container');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  const image = await testImage(ctx.engine.socketPath);
  ctx.dir = await tempDir('lucky-pebble-');
  ctx.events = [];
  ctx.server = await startPebbleServer({
    socketPath: join(ctx.dir, 'pebble.socket'),
    dockerSocketPath: ctx.engine.socketPath,
    containerName: `lucky-pebble-client-test-${process.pid}`,
    image,
    labels: { 'lucky.test': 'pebble-client' },
    mounts: [{ source: ctx.dir, target: '/charm/container' }],
    onEvent: (event) => ctx.events.push(event),
    log: () => undefined,
  });
  ctx.client = new PebbleClient({ socketPath: ctx.server.socketPath });
  // A user and group for the user tests (the image has only root).
  await ctx.client.push('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n');
  await ctx.client.push('/etc/group', 'root:x:0:\napp:x:1000:\nstaff:x:50:\n');
});

test.after(async (ctx) => {
  await ctx.server.close({ removeContainer: true });
  await ctx.engine.stop();
  await removeDir(ctx.dir);
});

async function run(ctx: Ctx, script: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await ctx.client.exec(['sh', '-c', script], { onStdout: (b) => (out += b.toString()), onStderr: (b) => (err += b.toString()) });
  return { code, out, err };
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

test('systemInfo and health', async (ctx) => {
  const info = await ctx.client.systemInfo();
  assert.match(info.version, /^v\d+\.\d+/);
  assert.type(info.bootId, 'string');
  assert.is(await ctx.client.health(), true);
  assert.is(await ctx.client.health('ready'), true);
});

test('addLayer and getPlan: layers stack, merge merges, replace replaces, combine merges into the same label', async (ctx) => {
  const base: Layer = {
    summary: 'base',
    services: {
      web: { override: 'replace', command: 'sleep 1000', environment: { A: '1', B: '1' } },
      other: { override: 'replace', command: 'sleep 1001', environment: { X: '1' } },
    },
  };
  await ctx.client.addLayer('plan-base', base);
  await ctx.client.addLayer('plan-top', {
    services: { web: { override: 'merge', environment: { B: '2' } }, other: { override: 'replace', command: 'sleep 1002' } },
  });
  let plan = await ctx.client.getPlan();
  assert.equal(plan.services?.web?.environment, { A: '1', B: '2' });
  assert.is(plan.services?.web?.command, 'sleep 1000');
  assert.is(plan.services?.other?.command, 'sleep 1002');
  assert.is(plan.services?.other?.environment, undefined, 'replace drops the lower layer’s fields');
  await ctx.client.addLayer('plan-top', { services: { web: { override: 'merge', environment: { C: '3' } } } }, { combine: true });
  plan = await ctx.client.getPlan();
  assert.equal(plan.services?.web?.environment, { A: '1', B: '2', C: '3' });

  const exists = await thrown(ctx.client.addLayer('plan-top', { services: {} }));
  assert.instance(exists, PebbleError);
  assert.is((exists as PebbleError).statusCode, 400);
  assert.match((exists as PebbleError).apiMessage, /layer "plan-top" already exists/);
  const noOverride = await thrown(ctx.client.addLayer('bad', { services: { x: { command: 'true' } as never } }));
  assert.is((noOverride as PebbleError).statusCode, 400);
  assert.match((noOverride as PebbleError).apiMessage, /must define "override" for service "x"/);
  const noCommand = await thrown(ctx.client.addLayer('bad', { services: { y: { override: 'replace' } } }));
  assert.match((noCommand as PebbleError).apiMessage, /plan must define "command" for service "y"/);
  assert.not.ok('y' in ((await ctx.client.getPlan()).services ?? {}), 'a refused layer changes nothing');
});

test('start, getServices, stop, restart; waitChange returns the finished change', async (ctx) => {
  await ctx.client.addLayer('svc', { services: { svc: { override: 'replace', command: 'sh -c "echo started >> /tmp/svc.starts; exec sleep 1000"' } } });
  const started = await ctx.client.startServices(['svc']);
  assert.is(started.status, 'Done');
  assert.is(started.kind, 'start');
  assert.is((await ctx.client.waitChange(started.id)).status, 'Done');
  assert.equal(
    (await ctx.client.getServices(['svc'])).map((s) => [s.name, s.startup, s.current]),
    [['svc', 'disabled', 'active']],
  );
  assert.is((await run(ctx, 'ps | grep -q "[s]leep 1000"')).code, 0, 'the service runs in the container');
  await ctx.client.restartServices(['svc']);
  assert.is((await run(ctx, 'cat /tmp/svc.starts')).out, 'started\nstarted\n');
  await ctx.client.stopServices(['svc']);
  assert.is((await ctx.client.getServices(['svc']))[0]?.current, 'inactive');
  assert.is((await run(ctx, 'ps | grep -q "[s]leep 1000"')).code, 1, 'stop ended the process');

  const unknown = await thrown(ctx.client.startServices(['nope']));
  assert.is((unknown as PebbleError).statusCode, 400);
  assert.match((unknown as PebbleError).apiMessage, /service "nope" does not exist/);
});

test('a service that exits at once fails its start change', async (ctx) => {
  await ctx.client.addLayer('quick', { services: { quick: { override: 'replace', command: 'sh -c "exit 7"', 'on-failure': 'ignore' } } });
  const error = await thrown(ctx.client.startServices(['quick']));
  assert.instance(error, PebbleChangeError);
  assert.match((error as PebbleChangeError).change.err ?? '', /Start service "quick" \(cannot start service: exited quickly with code 7\)/);
  assert.is((error as PebbleChangeError).change.status, 'Error');
});

test('replan starts enabled services and restarts only those whose definition changed; autostart', async (ctx) => {
  const service = (name: string, env: string) => ({
    override: 'replace' as const,
    command: `sh -c "echo x >> /tmp/${name}.starts; exec sleep 2000"`,
    startup: 'enabled' as const,
    environment: { V: env },
  });
  await ctx.client.addLayer('replan', { services: { ra: service('ra', '1'), rb: service('rb', '1') } });
  await ctx.client.replan();
  await ctx.client.addLayer('replan', { services: { rb: service('rb', '2') } }, { combine: true });
  const change = await ctx.client.replan();
  assert.is(change.kind, 'replan');
  assert.is((await run(ctx, 'cat /tmp/ra.starts')).out, 'x\n', 'unchanged service kept running');
  assert.is((await run(ctx, 'cat /tmp/rb.starts')).out, 'x\nx\n', 'changed service restarted');
  await ctx.client.stopServices(['ra', 'rb']);
  await ctx.client.autostart();
  const states = await ctx.client.getServices(['ra', 'rb']);
  assert.equal(
    states.map((s) => s.current),
    ['active', 'active'],
  );
  await ctx.client.stopServices(['ra', 'rb']);
});

test('exec: stdout, stderr, exit code, stdin (string, Buffer, stream), environment, working dir, user', async (ctx) => {
  const r = await run(ctx, 'echo out; echo err >&2; exit 3');
  assert.equal(r, { code: 3, out: 'out\n', err: 'err\n' });
  for (const stdin of ['text in\n', Buffer.from('buffer in\n'), Readable.from([Buffer.from('stream '), Buffer.from('in\n')])]) {
    let out = '';
    const code = await ctx.client.exec(['cat'], { stdin, onStdout: (b) => (out += b.toString()) });
    assert.is(code, 0);
    assert.match(out, /^(text|buffer|stream) in\n$/);
  }
  const big = Buffer.alloc(300_000, 'z');
  let size = 0;
  await ctx.client.exec(['wc', '-c'], { stdin: big, onStdout: (b) => (size = Number(b.toString().trim())) });
  assert.is(size, 300_000);
  let out = '';
  await ctx.client.exec(['sh', '-c', 'echo "$GREETING $(pwd) $(id -u):$(id -g)"'], {
    environment: { GREETING: 'hi' },
    workingDir: '/tmp',
    user: 'app',
    onStdout: (b) => (out += b.toString()),
  });
  assert.is(out, 'hi /tmp 1000:1000\n');
  out = '';
  await ctx.client.exec(['id', '-g'], { userId: 1000, group: 'staff', onStdout: (b) => (out += b.toString()) });
  assert.is(out, '50\n');
});

test('exec: unknown command and missing working dir are refused; timeout fails the change; abort sends a signal', async (ctx) => {
  const missing = await thrown(ctx.client.exec(['no-such-command']));
  assert.is((missing as PebbleError).statusCode, 400);
  assert.match((missing as PebbleError).apiMessage, /cannot find executable "no-such-command"/);
  const noDir = await thrown(ctx.client.exec(['true'], { workingDir: '/no/such/dir' }));
  assert.match((noDir as PebbleError).apiMessage, /cannot find working directory "\/no\/such\/dir"/);
  const groupOnly = await thrown(ctx.client.exec(['true'], { group: 'staff' }));
  assert.match((groupOnly as PebbleError).apiMessage, /must specify user, not just group/);

  const timedOut = await thrown(ctx.client.exec(['sleep', '30'], { timeoutMs: 300 }));
  assert.instance(timedOut, PebbleChangeError);
  assert.match((timedOut as PebbleChangeError).change.err ?? '', /timed out after/);

  const controller = new AbortController();
  let out = '';
  const running = ctx.client.exec(['sh', '-c', 'trap "echo got TERM; exit 42" TERM; echo ready; while true; do sleep 0.1; done'], {
    signal: controller.signal,
    onStdout: (b) => {
      out += b.toString();
      if (out.includes('ready')) controller.abort();
    },
  });
  assert.is(await running, 42);
  assert.match(out, /got TERM/);
});

test('push and pull: content, permissions, owner, make-dirs; missing paths are path errors', async (ctx) => {
  const binary = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7) & 0xff;
  await ctx.client.push('/srv/data/blob.bin', binary, { makeDirs: true, permissions: 0o640, user: 'app', group: 'staff' });
  assert.ok((await ctx.client.pull('/srv/data/blob.bin')).equals(binary));
  const [info] = await ctx.client.listFiles('/srv/data/blob.bin');
  assert.equal(
    { permissions: info?.permissions, user: info?.user, userId: info?.userId, group: info?.group, groupId: info?.groupId, size: info?.size, type: info?.type },
    { permissions: 0o640, user: 'app', userId: 1000, group: 'staff', groupId: 50, size: binary.length, type: 'file' },
  );
  await ctx.client.push('/srv/data/text.txt', 'héllo\n');
  assert.is((await ctx.client.pull('/srv/data/text.txt')).toString('utf8'), 'héllo\n');

  const noDir = await thrown(ctx.client.push('/nowhere/file.txt', 'x'));
  assert.instance(noDir, PebblePathError);
  assert.is((noDir as PebblePathError).kind, 'not-found');
  const missing = await thrown(ctx.client.pull('/srv/data/missing.txt'));
  assert.instance(missing, PebblePathError);
  assert.is((missing as PebblePathError).kind, 'not-found');
  assert.match((missing as PebblePathError).apiMessage, /no such file or directory/);
  const dir = await thrown(ctx.client.pull('/srv/data'));
  assert.match((dir as PebblePathError).apiMessage, /can only read a regular file/);
});

test('listFiles with pattern and itself; makeDir with parents and permissions; removePath', async (ctx) => {
  await ctx.client.makeDir('/work/a/b/c', { makeParents: true, permissions: 0o700, user: 'app' });
  for (const name of ['one.txt', 'two.txt', 'three.log']) await ctx.client.push(`/work/a/${name}`, name);
  const all = await ctx.client.listFiles('/work/a');
  assert.equal(
    all.map((f) => [f.name, f.type]),
    [
      ['b', 'directory'],
      ['one.txt', 'file'],
      ['three.log', 'file'],
      ['two.txt', 'file'],
    ],
  );
  assert.equal(
    (await ctx.client.listFiles('/work/a', { pattern: '*.txt' })).map((f) => f.path),
    ['/work/a/one.txt', '/work/a/two.txt'],
  );
  const [self] = await ctx.client.listFiles('/work/a/b/c', { itself: true });
  assert.equal(
    { path: self?.path, type: self?.type, permissions: self?.permissions, user: self?.user },
    { path: '/work/a/b/c', type: 'directory', permissions: 0o700, user: 'app' },
  );

  const exists = await thrown(ctx.client.makeDir('/work/a'));
  assert.instance(exists, PebblePathError);
  assert.match((exists as PebblePathError).apiMessage, /file exists/);
  const noParent = await thrown(ctx.client.makeDir('/work/x/y'));
  assert.is((noParent as PebblePathError).kind, 'not-found');
  const listMissing = await thrown(ctx.client.listFiles('/work/none'));
  assert.instance(listMissing, PebbleError);
  assert.is((listMissing as PebbleError).statusCode, 404);
  assert.is((listMissing as PebbleError).kind, 'not-found');

  const notEmpty = await thrown(ctx.client.removePath('/work/a'));
  assert.match((notEmpty as PebblePathError).apiMessage, /directory not empty/);
  await ctx.client.removePath('/work/a/one.txt');
  assert.equal(
    (await ctx.client.listFiles('/work/a', { pattern: '*.txt' })).map((f) => f.name),
    ['two.txt'],
  );
  await ctx.client.removePath('/work/a', { recursive: true });
  assert.is(((await thrown(ctx.client.listFiles('/work/a'))) as PebbleError).statusCode, 404);
  const gone = await thrown(ctx.client.removePath('/work/a'));
  assert.is((gone as PebblePathError).kind, 'not-found');
});

test('checks: exec check fails after its threshold and recovers; http and tcp checks; health follows', async (ctx) => {
  await ctx.client.push('/tmp/healthy', 'yes');
  await ctx.client.addLayer('checks', {
    services: { www: { override: 'replace', command: 'httpd -f -p 8080 -h /www', startup: 'enabled' } },
    checks: {
      file: { override: 'replace', level: 'alive', period: '100ms', threshold: 2, exec: { command: 'test -f /tmp/healthy' } },
      web: { override: 'replace', level: 'ready', period: '200ms', http: { url: 'http://localhost:8080/' } },
      port: { override: 'replace', period: '200ms', tcp: { port: 8080 } },
    },
  });
  await ctx.client.push('/www/index.html', 'ok');
  await ctx.client.replan();
  const byName = async () => Object.fromEntries((await ctx.client.getChecks()).map((c) => [c.name, c]));
  await waitFor(async () => {
    const checks = await byName();
    return checks.web?.status === 'up' && checks.port?.status === 'up' && checks.file?.status === 'up' && checks.file.changeId;
  }, 'the checks to run');
  assert.is((await ctx.client.getChecks({ level: 'alive' })).map((c) => c.name).join(), 'file');
  assert.is((await ctx.client.getChecks({ names: ['web'] }))[0]?.threshold, 3);

  await ctx.client.removePath('/tmp/healthy');
  await waitFor(() => ctx.events.some((e) => e.kind === 'check-failed' && e.check === 'file'), 'check-failed for "file"');
  const down = (await ctx.client.getChecks({ names: ['file'] }))[0];
  assert.is(down?.status, 'down');
  assert.ok((down?.failures ?? 0) >= 2);
  assert.is(await ctx.client.health('alive'), false);
  const perform = await ctx.client.getNotices({ types: ['change-update'] });
  assert.ok(perform.some((n) => n.lastData?.kind === 'perform-check' && n.lastData['check-name'] === 'file'));

  await ctx.client.push('/tmp/healthy', 'again');
  await waitFor(() => ctx.events.some((e) => e.kind === 'check-recovered' && e.check === 'file'), 'check-recovered for "file"');
  assert.is((await ctx.client.getChecks({ names: ['file'] }))[0]?.status, 'up');
  assert.is(await ctx.client.health(), true);
  await ctx.client.stopServices(['www']);
  await waitFor(async () => (await byName()).port?.failures, 'the tcp check to fail once the server is stopped');
});

test('notify and getNotices: ids, repeats, filters, after; onEvent sees custom notices', async (ctx) => {
  const id = await ctx.client.notify('example.com/db/ready', { host: 'db' });
  const again = await ctx.client.notify('example.com/db/ready', { host: 'db2' });
  assert.is(again, id, 'the same key is the same notice');
  const other = await ctx.client.notify('example.com/other');
  const [notice] = await ctx.client.getNotices({ types: ['custom'], keys: ['example.com/db/ready'] });
  assert.is(notice?.occurrences, 2);
  assert.equal(notice?.lastData, { host: 'db2' });
  const after = await ctx.client.getNotices({ types: ['custom'], after: notice!.lastRepeated });
  assert.equal(
    after.map((n) => n.id),
    [other],
  );
  assert.ok(ctx.events.some((e) => e.kind === 'custom-notice' && e.notice.key === 'example.com/db/ready' && e.notice.id === id));
  const bad = await thrown(ctx.client.notify('not a key'));
  assert.is((bad as PebbleError).statusCode, 400);
  assert.ok((await ctx.client.getNotices({ types: ['change-update'] })).length > 0, 'changes make change-update notices');
});

test('a socket that is not Pebble is a clear error naming it', async (ctx) => {
  const client = new PebbleClient({ socketPath: join(ctx.dir, 'absent.socket'), timeoutMs: 2_000 });
  const error = await thrown(client.systemInfo());
  assert.match((error as Error).message, /absent\.socket/);
});

test.run();
