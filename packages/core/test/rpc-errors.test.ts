import { appendFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as v from 'valibot';
import { ErrorCode, isLuckyError } from '../src/errors.js';
import { createLogger, recordMessage } from '../src/log.js';
import { DaemonClient } from '../src/rpc/client.js';
import { PROTOCOL_VERSION, RpcErrorCode, type RpcErrorObject } from '../src/rpc/protocol.js';
import { RpcServer } from '../src/rpc/server.js';

let root = '';
let sockets = 0;
const nextPath = (): string => join(root, `s${sockets++}.sock`);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve) => server.listen(path, () => resolve()));
}

// ---

const client = suite('rpc client: a connection the daemon drops is DaemonUnavailable, not a raw errno');

client.before(() => {
  root = mkdtempSync(join(tmpdir(), 'lucky-rpc-errors-'));
});
client.after(() => {
  rmSync(root, { recursive: true, force: true });
});

function assertLost(error: Error, path: string, code: string | undefined): void {
  assert.ok(isLuckyError(error), `expected a LuckyError, got ${error.stack}`);
  assert.is(error.code, ErrorCode.DaemonUnavailable);
  assert.is(
    error.message,
    `The Lucky daemon at ${path} closed the connection${code ? ` (${code})` : ''} before answering; check its log (by default daemon.log in the unit's data directory) for why.`,
  );
}

client('a reset while a call is pending (ECONNRESET): every pending and later call gets DaemonUnavailable', async () => {
  const path = nextPath();
  // Never reads, then closes with the client's request unread: the kernel resets the connection.
  const server = createServer({ pauseOnConnect: true }, (socket) => void setTimeout(() => socket.destroy(), 200));
  await listen(server, path);
  try {
    const daemon = await DaemonClient.connect(path);
    const [first, second] = await Promise.all([rejection(daemon.callRaw('kv.get', { key: 'a' })), rejection(daemon.callRaw('kv.get', { key: 'b' }))]);
    assertLost(first, path, 'ECONNRESET');
    assert.is(second, first);
    assert.is((first.cause as NodeJS.ErrnoException).code, 'ECONNRESET');
    // Later calls fail the same way at once, without writing to the dead socket.
    assert.is(await rejection(daemon.callRaw('kv.get', { key: 'c' })), first);
    daemon.close();
  } finally {
    server.close();
  }
});

client('writing to a connection the daemon closed (EPIPE) is DaemonUnavailable naming EPIPE', async () => {
  const path = nextPath();
  const server = createServer((socket) => socket.destroy());
  await listen(server, path);
  try {
    const daemon = await DaemonClient.connect(path);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Large enough not to fit in the socket buffer: the write meets the closed peer.
    const error = await rejection(daemon.callRaw('kv.set', { values: { big: 'x'.repeat(1024 * 1024) } }));
    assertLost(error, path, 'EPIPE');
    daemon.close();
  } finally {
    server.close();
  }
});

client('a daemon that closes without an error: the same message, without a code', async () => {
  const path = nextPath();
  const server = createServer((socket) => socket.once('data', () => socket.end()));
  await listen(server, path);
  try {
    const daemon = await DaemonClient.connect(path);
    assertLost(await rejection(daemon.callRaw('kv.get', { key: 'a' })), path, undefined);
    daemon.close();
  } finally {
    server.close();
  }
});

client.run();

// ---

const server = suite('rpc server: operating-system errors of a handler, and failed notifications');

interface Reply {
  id?: number | string | null;
  result?: unknown;
  error?: RpcErrorObject;
}

let rpc: RpcServer;
let logs: string[] = [];
let path = '';
let raw: Socket | undefined;

server.before(async () => {
  root = mkdtempSync(join(tmpdir(), 'lucky-rpc-errors-'));
  path = nextPath();
  rpc = new RpcServer(createLogger({ name: 'test', level: 0, sink: (record) => void logs.push(recordMessage(record)) }));
  rpc.register('daemon.hello', 'core', {
    params: v.object({ protocol: v.number(), context: v.optional(v.string()) }),
    handler: () => ({ protocol: PROTOCOL_VERSION }),
  });
  // Real failures of the operating system, not made-up errors: /dev/full is always full.
  rpc.register('test.full', 'core', { params: v.object({}), handler: () => appendFile('/dev/full', 'state') });
  rpc.register('test.notdir', 'core', { params: v.object({}), handler: () => appendFile('/dev/null/state.json', 'state') });
  rpc.register('test.crash', 'core', {
    params: v.object({}),
    handler: () => {
      throw new TypeError('cannot read properties of undefined');
    },
  });
  rpc.register('test.echo', 'core', { params: v.object({ text: v.string() }), handler: (params) => ({ echo: (params as { text: string }).text }) });
  await rpc.listen(path);
});

server.before.each(() => {
  logs = [];
});

server.after(async () => {
  raw?.destroy();
  await rpc.close();
  rmSync(root, { recursive: true, force: true });
});

/** Sends frames on one raw connection and returns the next reply. */
async function exchange(frames: object[]): Promise<Reply> {
  raw ??= await new Promise<Socket>((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
  const socket = raw;
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      socket.off('data', onData);
      resolve(JSON.parse(buffer.slice(0, nl)) as Reply);
    };
    socket.on('data', onData);
    socket.write(frames.map((frame) => `${JSON.stringify({ jsonrpc: '2.0', ...frame })}\n`).join(''));
  });
}

server('ENOSPC: an error saying what failed and the code, not "internal error … bug"; logged', async () => {
  const reply = await exchange([{ id: 1, method: 'test.full' }]);
  assert.is(reply.id, 1);
  assert.is(reply.error?.code, ErrorCode.Unknown);
  assert.is(
    reply.error?.message,
    'test.full failed in the Lucky daemon: write failed: no space left on device (ENOSPC). Free some disk space there, then retry.',
  );
  assert.equal(reply.error?.data, { name: 'Unknown', errno: 'ENOSPC', syscall: 'write' });
  assert.not.match(reply.error!.message, /bug|[Ii]nternal error/);
  assert.ok(
    logs.some((line) => line.startsWith('test.full failed in the Lucky daemon: write failed')),
    logs.join('\n'),
  );
});

server('an error with a path names the path, the operation and the code; DaemonClient passes it on as a LuckyError', async () => {
  const reply = await exchange([{ id: 2, method: 'test.notdir' }]);
  assert.is(reply.error?.message, 'test.notdir failed in the Lucky daemon: could not open /dev/null/state.json: not a directory (ENOTDIR).');
  assert.equal(reply.error?.data, { name: 'Unknown', errno: 'ENOTDIR', syscall: 'open', path: '/dev/null/state.json' });
  const daemon = await DaemonClient.connect(path);
  try {
    const error = await rejection(daemon.callRaw('test.full', {}));
    assert.ok(isLuckyError(error));
    assert.match(error.message, /^test\.full failed in the Lucky daemon: write failed: no space left on device \(ENOSPC\)\./);
  } finally {
    daemon.close();
  }
});

server('a notification (no id) that fails is logged, and still not answered', async () => {
  const reply = await exchange([{ method: 'test.crash' }, { method: 'test.full' }, { id: 3, method: 'test.echo', params: { text: 'after' } }]);
  assert.equal(reply, { jsonrpc: '2.0', id: 3, result: { echo: 'after' } });
  // The failures happen while the echo is answered; wait for their log lines.
  const logged = async (start: string): Promise<void> => {
    for (const deadline = Date.now() + 5000; !logs.some((line) => line.startsWith(start));) {
      if (Date.now() > deadline) assert.unreachable(`no log line starting with "${start}":\n${logs.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await logged('Internal error in RPC method test.crash (a notification: no reply is sent)');
  await logged('test.full failed in the Lucky daemon: write failed: no space left on device (ENOSPC)');
});

server('other errors are still internal errors, reported as a bug', async () => {
  const reply = await exchange([{ id: 4, method: 'test.crash' }]);
  assert.is(reply.error?.code, RpcErrorCode.InternalError);
  assert.match(
    reply.error!.message,
    /^Internal error in the Lucky daemon while running test\.crash: cannot read properties of undefined\. This is a bug in Lucky/,
  );
});

server.run();
