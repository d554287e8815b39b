import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir, waitFor } from '@lucky/test-utils';
import { acceptKey, acceptWebSocket, connectWebSocket, encodeFrame, HandshakeError, Opcode, type WebSocket } from '../src/websocket/index.js';

interface Ctx {
  dir: string;
  socketPath: string;
  server: Server;
  /** Server-side connections, in accept order. */
  accepted: WebSocket[];
  /** Server-side errors. */
  serverErrors: Error[];
}

const test = suite<Ctx>('websocket: RFC 6455 over a Unix socket');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-ws-');
  ctx.socketPath = join(ctx.dir, 'ws.socket');
  ctx.accepted = [];
  ctx.serverErrors = [];
  ctx.server = createServer((_req, res) => res.writeHead(404).end('not a websocket'));
  ctx.server.on('upgrade', (req, socket, head) => {
    const ws = acceptWebSocket(req, socket, head, req.url === '/fragmented' ? { maxFrameBytes: 1000 } : {});
    if (!ws) return;
    ctx.accepted.push(ws);
    ws.on('error', (error) => ctx.serverErrors.push(error));
    // Echo: same type, same bytes.
    ws.on('message', (data, binary) => void ws.send(binary ? data : data.toString('utf8')).catch(() => undefined));
  });
  await new Promise<void>((resolve) => ctx.server.listen(ctx.socketPath, resolve));
});

test.after(async (ctx) => {
  await new Promise<void>((resolve) => ctx.server.close(() => resolve()));
  await removeDir(ctx.dir);
});

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data, binary) => resolve({ data, binary })));
}

test('the accept key is the RFC 6455 example', () => {
  // RFC 6455 §1.3.
  assert.is(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('binary round trips of 0, 125, 126, 65535, 65536 and 1 MiB bytes (7-, 16- and 64-bit lengths)', async (ctx) => {
  const ws = await connectWebSocket({ socketPath: ctx.socketPath, path: '/echo' });
  for (const size of [0, 125, 126, 65535, 65536, 1024 * 1024]) {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 31 + size) & 0xff;
    const reply = nextMessage(ws);
    await ws.send(payload);
    const { data, binary } = await reply;
    assert.ok(binary, `size ${size} came back as binary`);
    assert.is(data.length, size);
    assert.ok(data.equals(payload), `size ${size} came back unchanged`);
  }
  const text = nextMessage(ws);
  await ws.send('héllo wörld');
  const { data, binary } = await text;
  assert.not.ok(binary);
  assert.is(data.toString('utf8'), 'héllo wörld');
  const info = await ws.close();
  assert.is(info.code, 1000);
});

test('fragmented messages are reassembled both ways', async (ctx) => {
  const ws = await connectWebSocket({ socketPath: ctx.socketPath, path: '/fragmented', maxFrameBytes: 4096 });
  const payload = Buffer.alloc(1024 * 1024 + 7, 0x5a);
  const reply = nextMessage(ws);
  await ws.send(payload);
  const { data } = await reply;
  assert.ok(data.equals(payload));
  const long = 'ü'.repeat(3000); // multi-byte characters split across frames
  const textReply = nextMessage(ws);
  await ws.send(long);
  assert.is((await textReply).data.toString('utf8'), long);
  await ws.close();
});

test('close codes and reasons travel both ways', async (ctx) => {
  let accepted = ctx.accepted.length;
  const ws = await connectWebSocket({ socketPath: ctx.socketPath, path: '/echo' });
  const info = await ws.close(4001, 'done here');
  // The server echoes the client's code.
  assert.is(info.code, 4001);
  const serverSide = await waitFor(() => ctx.accepted[accepted], 'the server side');
  assert.equal(await serverSide.closed, { code: 4001, reason: 'done here' });

  accepted = ctx.accepted.length;
  const ws2 = await connectWebSocket({ socketPath: ctx.socketPath, path: '/echo' });
  const server = await waitFor(() => ctx.accepted[accepted], 'the server side');
  const clientSide = ws2.closed;
  await server.close(1001, 'going away');
  assert.equal(await clientSide, { code: 1001, reason: 'going away' });
});

test('ping is answered with a pong carrying the same bytes', async (ctx) => {
  const ws = await connectWebSocket({ socketPath: ctx.socketPath, path: '/echo' });
  const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
  await ws.ping(Buffer.from('are you there'));
  assert.is((await pong).toString(), 'are you there');
  await ws.close();
});

test('the server refuses an unmasked client frame with close code 1002', async (ctx) => {
  const before = ctx.serverErrors.length;
  const raw = connect(ctx.socketPath);
  await new Promise<void>((resolve) => raw.once('connect', resolve));
  const key = Buffer.alloc(16, 7).toString('base64');
  raw.write(`GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`);
  const received: Buffer[] = [];
  raw.on('data', (chunk: Buffer) => received.push(chunk));
  await waitFor(() => Buffer.concat(received).includes('\r\n\r\n'), 'the 101 answer');
  const answer = Buffer.concat(received).toString('latin1');
  assert.match(answer, /^HTTP\/1\.1 101 /);
  assert.match(answer, new RegExp(`Sec-WebSocket-Accept: ${acceptKey(key).replace(/[+/]/g, '\\$&')}`));
  const headerEnd = Buffer.concat(received).indexOf('\r\n\r\n') + 4;
  raw.write(encodeFrame(Opcode.Text, Buffer.from('no mask'), { fin: true, mask: false }));
  await new Promise<void>((resolve) => raw.once('close', () => resolve()));
  const frame = Buffer.concat(received).subarray(headerEnd);
  // An unmasked close frame with code 1002.
  assert.is(frame[0], 0x88);
  assert.is(frame.readUInt16BE(2), 1002);
  assert.ok(ctx.serverErrors.length > before, 'the server reported the violation');
});

test('the client refuses a masked server frame with close code 1002', async (ctx) => {
  const server = createServer();
  const path = join(ctx.dir, 'bad.socket');
  const closeFrames: Buffer[] = [];
  server.on('upgrade', (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(String(req.headers['sec-websocket-key']))}\r\n\r\n`,
    );
    socket.on('data', (chunk: Buffer) => closeFrames.push(chunk));
    socket.on('end', () => socket.end());
    socket.write(encodeFrame(Opcode.Binary, Buffer.from('masked by a server'), { fin: true, mask: true }));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    const ws = await connectWebSocket({ socketPath: path, path: '/' });
    const errors: Error[] = [];
    ws.on('error', (error) => errors.push(error));
    const messages: Buffer[] = [];
    ws.on('message', (data) => messages.push(data));
    await waitFor(() => Buffer.concat(closeFrames).length >= 8, 'the client close frame');
    const frame = Buffer.concat(closeFrames);
    assert.is(frame[0], 0x88);
    assert.ok((frame[1]! & 0x80) !== 0, 'the client masks its close frame');
    const key = frame.subarray(2, 6);
    assert.is(((frame[6]! ^ key[0]!) << 8) | (frame[7]! ^ key[1]!), 1002);
    assert.is(messages.length, 0);
    assert.match(errors[0]?.message ?? '', /must not be masked/);
    ws.terminate();
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a refused upgrade rejects with the status and body', async (ctx) => {
  const server = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"type":"error"}'));
  const path = join(ctx.dir, 'refuse.socket');
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    const error = await connectWebSocket({ socketPath: path, path: '/nope' }).catch((e: unknown) => e);
    assert.instance(error, HandshakeError);
    assert.is((error as HandshakeError).statusCode, 404);
    assert.is((error as HandshakeError).body, '{"type":"error"}');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('invalid UTF-8 in a text message closes with 1007', async (ctx) => {
  const raw = connect(ctx.socketPath);
  await new Promise<void>((resolve) => raw.once('connect', resolve));
  raw.write(
    `GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.alloc(16, 1).toString('base64')}\r\n\r\n`,
  );
  const received: Buffer[] = [];
  raw.on('data', (chunk: Buffer) => received.push(chunk));
  await waitFor(() => Buffer.concat(received).includes('\r\n\r\n'), 'the 101 answer');
  const headerEnd = Buffer.concat(received).indexOf('\r\n\r\n') + 4;
  raw.write(encodeFrame(Opcode.Text, Buffer.from([0xc3, 0x28]), { fin: true, mask: true }));
  await new Promise<void>((resolve) => raw.once('close', () => resolve()));
  const frame = Buffer.concat(received).subarray(headerEnd);
  assert.is(frame[0], 0x88);
  assert.is(frame.readUInt16BE(2), 1007);
});

test.run();
