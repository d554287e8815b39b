import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { processGone, removeDir, tempDir, testImage, useDockerEngine, waitFor, type DockerEngine } from '@lucky/test-utils';
import { acceptKey } from '@lucky/plugin-pebble/websocket';
import { PebbleClient } from '@lucky/plugin-pebble/client';
import { startPebbleServer, type PebbleServer } from '../src/pebble/index.js';

interface Ctx {
  engine: DockerEngine;
  image: string;
  dir: string;
  server: PebbleServer;
}

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: () => Record<string, unknown>;
}

function raw(socketPath: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: () => JSON.parse(data.toString('utf8')) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { 'Content-Type': 'application/json' } });

const test = suite<Ctx>('pebble server: Pebble’s wire formats, seen from raw HTTP');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.image = await testImage(ctx.engine.socketPath);
  ctx.dir = await tempDir('lucky-pebsrv-');
  ctx.server = await startPebbleServer({
    socketPath: join(ctx.dir, 'pebble.socket'),
    dockerSocketPath: ctx.engine.socketPath,
    containerName: `lucky-pebble-server-test-${process.pid}`,
    image: ctx.image,
    labels: { 'lucky.test': 'pebble-server' },
    log: () => undefined,
  });
});

test.after(async (ctx) => {
  await ctx.server.close({ removeContainer: true });
  await ctx.engine.stop();
  await removeDir(ctx.dir);
});

test('sync envelope: type, status-code, status, result', async (ctx) => {
  const res = await raw(ctx.server.socketPath, 'GET', '/v1/system-info');
  assert.is(res.status, 200);
  assert.is(res.headers['content-type'], 'application/json');
  const body = res.json();
  assert.equal(Object.keys(body), ['type', 'status-code', 'status', 'result']);
  assert.equal([body.type, body['status-code'], body.status], ['sync', 200, 'OK']);
  assert.type((body.result as { version: unknown }).version, 'string');
});

test('error envelope: 404 for an unknown path, 405 for a wrong method, 400 with Pebble’s messages', async (ctx) => {
  const missing = await raw(ctx.server.socketPath, 'GET', '/v1/nothing');
  assert.equal(missing.json(), { type: 'error', 'status-code': 404, status: 'Not Found', result: { message: 'not found' } });
  const method = await raw(ctx.server.socketPath, 'DELETE', '/v1/plan');
  assert.is(method.status, 405);
  const unknown = await raw(ctx.server.socketPath, 'POST', '/v1/services', json({ action: 'start', services: ['ghost'] }).body, json(null).headers);
  assert.equal(unknown.json(), {
    type: 'error',
    'status-code': 400,
    status: 'Bad Request',
    result: { message: 'cannot start services: service "ghost" does not exist' },
  });
  const noNames = await raw(ctx.server.socketPath, 'POST', '/v1/services', JSON.stringify({ action: 'stop' }), json(null).headers);
  assert.is((noNames.json().result as { message: string }).message, 'must specify services for stop action');
  const autostart = await raw(ctx.server.socketPath, 'POST', '/v1/services', JSON.stringify({ action: 'autostart' }), json(null).headers);
  assert.equal(autostart.json().result, { message: 'no default services', kind: 'no-default-services' });
  const badLayer = await raw(
    ctx.server.socketPath,
    'POST',
    '/v1/layers',
    JSON.stringify({ action: 'add', label: 'l', format: 'yaml', layer: 'services:\n  s:\n    override: sideways\n    command: x\n' }),
    json(null).headers,
  );
  assert.is(badLayer.status, 400);
  assert.is((badLayer.json().result as { message: string }).message, 'layer "l" has invalid "override" value for service "s"');
  const plan = await raw(ctx.server.socketPath, 'GET', '/v1/plan?format=json');
  assert.is((plan.json().result as { message: string }).message, 'invalid format "json"');
  const change = await raw(ctx.server.socketPath, 'GET', '/v1/changes/9999');
  assert.is(change.status, 404);
});

test('async envelope: a 202 with the change id; wait returns the change; plan is YAML', async (ctx) => {
  const layer = 'services:\n  echo:\n    override: replace\n    command: sh -c "echo one; echo two; echo three; exec sleep 500"\n';
  const added = await raw(
    ctx.server.socketPath,
    'POST',
    '/v1/layers',
    JSON.stringify({ action: 'add', label: 'base', format: 'yaml', layer }),
    json(null).headers,
  );
  assert.equal(added.json(), { type: 'sync', 'status-code': 200, status: 'OK', result: true });
  const plan = (await raw(ctx.server.socketPath, 'GET', '/v1/plan?format=yaml')).json().result;
  assert.is(plan, 'services:\n  echo:\n    override: replace\n    command: sh -c "echo one; echo two; echo three; exec sleep 500"\n');
  const started = await raw(ctx.server.socketPath, 'POST', '/v1/services', JSON.stringify({ action: 'start', services: ['echo'] }), json(null).headers);
  const body = started.json();
  assert.is(started.status, 202);
  assert.equal([body.type, body['status-code'], body.status, body.result], ['async', 202, 'Accepted', null]);
  assert.type(body.change, 'string');
  const waited = (await raw(ctx.server.socketPath, 'GET', `/v1/changes/${String(body.change)}/wait`)).json().result as Record<string, unknown>;
  assert.equal([waited.id, waited.kind, waited.summary, waited.status, waited.ready], [body.change, 'start', 'Start service "echo"', 'Done', true]);
  const task = (waited.tasks as Record<string, unknown>[])[0]!;
  assert.equal([task.kind, task.summary, task.status], ['start', 'Start service "echo"', 'Done']);
  const timeout = await raw(ctx.server.socketPath, 'POST', '/v1/services', JSON.stringify({ action: 'stop', services: ['echo'] }), json(null).headers);
  const stopId = String(timeout.json().change);
  await raw(ctx.server.socketPath, 'GET', `/v1/changes/${stopId}/wait`);
});

test('logs: the last n lines of a service as JSON lines', async (ctx) => {
  const res = await raw(ctx.server.socketPath, 'GET', '/v1/logs?services=echo&n=2');
  assert.is(res.status, 200);
  const lines = res.body
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
  assert.equal(
    lines.map((l) => [l.service, l.message]),
    [
      ['echo', 'two\n'],
      ['echo', 'three\n'],
    ],
  );
  assert.ok(lines.every((l) => !Number.isNaN(Date.parse(l.time!))));
});

test('files: a raw multipart push (request part, files part) and the multipart pull answer', async (ctx) => {
  const boundary = randomBytes(20).toString('hex');
  const push = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="request"\r\nContent-Type: application/json\r\n\r\n` +
      JSON.stringify({ action: 'write', files: [{ path: '/tmp/raw.txt', 'make-dirs': true, permissions: '600' }] }) +
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="/tmp/raw.txt"\r\nContent-Type: application/octet-stream\r\n\r\nraw bytes\n\r\n--${boundary}--\r\n`,
  );
  const pushed = await raw(ctx.server.socketPath, 'POST', '/v1/files', push, { 'Content-Type': `multipart/form-data; boundary=${boundary}` });
  assert.equal(pushed.json(), { type: 'sync', 'status-code': 200, status: 'OK', result: [{ path: '/tmp/raw.txt' }] });

  const pulled = await raw(ctx.server.socketPath, 'GET', '/v1/files?action=read&path=/tmp/raw.txt&path=/tmp/none', undefined, {
    Accept: 'multipart/form-data',
  });
  const type = String(pulled.headers['content-type']);
  const answerBoundary = /^multipart\/form-data; boundary=(\S+)$/.exec(type)?.[1];
  assert.ok(answerBoundary, type);
  const text = pulled.body.toString('utf8');
  assert.ok(
    text.includes(
      `--${answerBoundary}\r\nContent-Disposition: form-data; name="files"; filename="/tmp/raw.txt"\r\nContent-Type: application/octet-stream\r\n\r\nraw bytes\n\r\n`,
    ),
    text,
  );
  const response = /name="response"\r\nContent-Type: application\/json\r\n\r\n(.*)\n\r\n/.exec(text)?.[1];
  assert.equal(JSON.parse(response ?? 'null'), {
    type: 'sync',
    'status-code': 200,
    status: 'OK',
    result: [{ path: '/tmp/raw.txt' }, { path: '/tmp/none', error: { message: 'stat /tmp/none: no such file or directory', kind: 'not-found' } }],
  });
  assert.ok(text.endsWith(`--${answerBoundary}--\r\n`));
  const noAccept = await raw(ctx.server.socketPath, 'GET', '/v1/files?action=read&path=/tmp/raw.txt');
  assert.is((noAccept.json().result as { message: string }).message, 'must accept multipart/form-data');
  const shortBoundary = await raw(ctx.server.socketPath, 'POST', '/v1/files', push, { 'Content-Type': 'multipart/form-data; boundary=short' });
  assert.is((shortBoundary.json().result as { message: string }).message, 'invalid boundary "short"');
  const list = (await raw(ctx.server.socketPath, 'GET', '/v1/files?action=list&path=/tmp/raw.txt')).json().result as Record<string, unknown>[];
  assert.equal(Object.keys(list[0]!), ['path', 'name', 'type', 'size', 'permissions', 'last-modified', 'user-id', 'user', 'group-id', 'group']);
  assert.equal([list[0]!.permissions, list[0]!.size, list[0]!.type], ['600', 10, 'file']);
});

test('curl, an independent HTTP and multipart client, pushes, pulls and reads the envelope', async (ctx) => {
  const local = join(ctx.dir, 'curl-upload.bin');
  const content = randomBytes(70_000);
  await writeFile(local, content);
  const request = JSON.stringify({ action: 'write', files: [{ path: '/tmp/curl.bin', permissions: '640' }] });
  const pushed = await execa('curl', [
    '-sS',
    '--unix-socket',
    ctx.server.socketPath,
    '-F',
    `request=${request};type=application/json`,
    '-F',
    `files=@${local};filename=/tmp/curl.bin`,
    'http://localhost/v1/files',
  ]);
  assert.equal(JSON.parse(pushed.stdout), { type: 'sync', 'status-code': 200, status: 'OK', result: [{ path: '/tmp/curl.bin' }] });
  const pulled = await execa(
    'curl',
    ['-sS', '--unix-socket', ctx.server.socketPath, '-H', 'Accept: multipart/form-data', 'http://localhost/v1/files?action=read&path=/tmp/curl.bin'],
    {
      encoding: 'buffer',
    },
  );
  assert.ok(Buffer.from(pulled.stdout).includes(content), 'the pulled multipart body holds the bytes curl pushed');
  const services = await execa('curl', ['-sS', '--unix-socket', ctx.server.socketPath, 'http://localhost/v1/services?names=echo']);
  assert.equal(
    (JSON.parse(services.stdout) as { result: { name: string }[] }).result.map((s) => s.name),
    ['echo'],
  );
});

test('exec: the async answer carries the task id; the task websockets upgrade with a valid accept key; unknown tasks are 404', async (ctx) => {
  const res = await raw(ctx.server.socketPath, 'POST', '/v1/exec', JSON.stringify({ command: ['echo', 'hi'], 'split-stderr': true }), json(null).headers);
  const body = res.json();
  assert.is(body.type, 'async');
  const taskId = (body.result as Record<string, string>)['task-id'];
  assert.type(taskId, 'string');
  const key = randomBytes(16).toString('base64');
  const socket = connect(ctx.server.socketPath);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  socket.write(
    `GET /v1/tasks/${taskId}/websocket/control HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
  );
  await waitFor(() => Buffer.concat(received).includes('\r\n\r\n'), 'the handshake answer');
  const head = Buffer.concat(received).toString('latin1');
  assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.ok(head.includes(`Sec-WebSocket-Accept: ${acceptKey(key)}\r\n`));
  socket.destroy();
  const unknown = await raw(ctx.server.socketPath, 'GET', '/v1/tasks/9999/websocket/control', undefined, {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': key,
  });
  assert.is(unknown.status, 404);
  assert.is(unknown.json().type, 'error');
  // The exec never got its other websockets: its change fails rather than hanging.
  const change = (await raw(ctx.server.socketPath, 'GET', `/v1/changes/${String(body.change)}/wait?timeout=20s`)).json().result as Record<string, unknown>;
  assert.is(change.status, 'Error');
  assert.match(String(change.err), /timeout waiting for websocket connections/);
});

test('notices: a custom notice over POST, then filtered by type and key', async (ctx) => {
  const added = await raw(
    ctx.server.socketPath,
    'POST',
    '/v1/notices',
    JSON.stringify({ action: 'add', type: 'custom', key: 'example.com/raw', data: { a: '1' } }),
    json(null).headers,
  );
  const id = (added.json().result as { id: string }).id;
  const list = (await raw(ctx.server.socketPath, 'GET', '/v1/notices?types=custom&keys=example.com/raw')).json().result as Record<string, unknown>[];
  assert.is(list.length, 1);
  assert.equal([list[0]!.id, list[0]!.type, list[0]!.key, list[0]!.occurrences, list[0]!['last-data']], [id, 'custom', 'example.com/raw', 1, { a: '1' }]);
  for (const field of ['first-occurred', 'last-occurred', 'last-repeated']) assert.ok(!Number.isNaN(Date.parse(String(list[0]![field]))), field);
  const one = (await raw(ctx.server.socketPath, 'GET', `/v1/notices/${id}`)).json().result as Record<string, unknown>;
  assert.is(one.key, 'example.com/raw');
});

test('long polls: notices wait for a match; a change wait times out with 504; logs follow new lines', async (ctx) => {
  const since = new Date().toISOString();
  const waiting = raw(ctx.server.socketPath, 'GET', `/v1/notices?types=custom&keys=example.com/later&after=${encodeURIComponent(since)}&timeout=20s`);
  await raw(ctx.server.socketPath, 'POST', '/v1/notices', JSON.stringify({ action: 'add', type: 'custom', key: 'example.com/later' }), json(null).headers);
  const notices = (await waiting).json().result as { key: string }[];
  assert.equal(
    notices.map((n) => n.key),
    ['example.com/later'],
  );

  // An exec whose websockets never connect stays in progress for a while.
  const exec = await raw(ctx.server.socketPath, 'POST', '/v1/exec', JSON.stringify({ command: ['true'] }), json(null).headers);
  const timedOut = await raw(ctx.server.socketPath, 'GET', `/v1/changes/${String(exec.json().change)}/wait?timeout=100ms`);
  assert.is(timedOut.status, 504);
  assert.equal(timedOut.json().result, { message: 'timed out waiting for change after 100ms' });

  await raw(
    ctx.server.socketPath,
    'POST',
    '/v1/layers',
    JSON.stringify({
      action: 'add',
      label: 'talk',
      format: 'yaml',
      layer: 'services:\n  talk:\n    override: replace\n    command: sh -c "sleep 1.5; echo late line; exec sleep 500"\n',
    }),
    json(null).headers,
  );
  const lines: string[] = [];
  const follow = request({ socketPath: ctx.server.socketPath, path: '/v1/logs?services=talk&follow=true&n=0' }, (res) => {
    res.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  });
  follow.end();
  try {
    const started = await raw(ctx.server.socketPath, 'POST', '/v1/services', JSON.stringify({ action: 'start', services: ['talk'] }), json(null).headers);
    await raw(ctx.server.socketPath, 'GET', `/v1/changes/${String(started.json().change)}/wait`);
    await waitFor(() => lines.length > 0, 'a followed log line');
    assert.is((JSON.parse(lines[0]!) as { message: string }).message, 'late line\n');
  } finally {
    follow.destroy();
    await raw(ctx.server.socketPath, 'POST', '/v1/services', JSON.stringify({ action: 'stop', services: ['talk'] }), json(null).headers);
  }
});

test('main.js: a background server from flags, events to --on-event, SIGTERM closes it and leaves or removes the container', async (ctx) => {
  const entry = fileURLToPath(new URL('../dist/pebble/main.js', import.meta.url));
  assert.ok(existsSync(entry), 'run pnpm build first');
  const socket = join(ctx.dir, 'bg.socket');
  const pidFile = join(ctx.dir, 'bg.pid');
  const logFile = join(ctx.dir, 'bg.log');
  const eventsFile = join(ctx.dir, 'events.jsonl');
  const hook = join(ctx.dir, 'on-event');
  await writeFile(hook, `#!/bin/sh\nprintf '%s\\n' "$LUCKY_PEBBLE_EVENT" >> ${eventsFile}\n`);
  await chmod(hook, 0o755);
  const name = `lucky-pebble-main-test-${process.pid}`;
  const docker = new Docker({ socketPath: ctx.engine.socketPath });
  const args = [
    entry,
    '--socket',
    socket,
    '--container',
    name,
    '--image',
    ctx.image,
    '--label',
    'lucky.test=pebble-main',
    '--pid-file',
    pidFile,
    '--log-file',
    logFile,
    '--on-event',
    hook,
  ];
  const child = execa(process.execPath, args, { detached: true, stdin: 'ignore', reject: false, cleanup: false });
  try {
    await waitFor(() => existsSync(pidFile) && existsSync(socket), 'the server socket and pid file');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    assert.is(pid, child.pid);
    const client = new PebbleClient({ socketPath: socket });
    const id = await client.notify('example.com/from-main', { x: 'y' });
    const lines = await waitFor(async () => (await readFile(eventsFile, 'utf8').catch(() => '')).trim(), 'the on-event executable to run');
    assert.equal(JSON.parse(lines), {
      kind: 'custom-notice',
      notice: JSON.parse(JSON.stringify({ ...(await client.getNotices({ keys: ['example.com/from-main'] }))[0] })),
    });
    assert.is((JSON.parse(lines) as { notice: { id: string } }).notice.id, id);
    process.kill(pid, 'SIGTERM');
    const result = await child;
    assert.is(result.exitCode, 0);
    assert.ok(processGone(pid));
    assert.not.ok(existsSync(socket), 'socket removed');
    assert.not.ok(existsSync(pidFile), 'pid file removed');
    assert.is((await docker.getContainer(name).inspect()).State.Running, true, 'the container is left running');

    // Again, removing the container on exit (the old one is replaced: same name, same labels).
    const again = execa(process.execPath, [...args, '--remove-container'], { detached: true, stdin: 'ignore', reject: false, cleanup: false });
    await waitFor(() => existsSync(pidFile) && existsSync(socket), 'the second server');
    process.kill(again.pid!, 'SIGTERM');
    assert.is((await again).exitCode, 0);
    const gone = await docker
      .getContainer(name)
      .inspect()
      .then(
        () => false,
        (error: { statusCode?: number }) => error.statusCode === 404,
      );
    assert.ok(gone, 'the container was removed');
  } finally {
    if (child.pid !== undefined && !processGone(child.pid)) child.kill('SIGKILL');
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  }
});

test('a container of that name with other labels is refused, not taken over', async (ctx) => {
  const docker = new Docker({ socketPath: ctx.engine.socketPath });
  const name = `lucky-pebble-foreign-${process.pid}`;
  const foreign = await docker.createContainer({ name, Image: ctx.image, Cmd: ['true'], Labels: { 'lucky.test': 'pebble-foreign' } });
  try {
    const error = await startPebbleServer({
      socketPath: join(ctx.dir, 'foreign.socket'),
      dockerSocketPath: ctx.engine.socketPath,
      containerName: name,
      image: ctx.image,
      log: () => undefined,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.match((error as Error).message, /already exists and was not made by a Pebble server/);
    assert.ok(await foreign.inspect(), 'left alone');
  } finally {
    await foreign.remove({ force: true });
  }
});

test.run();
