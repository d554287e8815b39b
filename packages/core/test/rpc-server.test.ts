import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as v from 'valibot';
import { ErrorCode, LuckyError, isLuckyError } from '../src/errors.js';
import { createLogger, recordMessage } from '../src/log.js';
import { DaemonClient } from '../src/rpc/client.js';
import { PROTOCOL_VERSION, RpcErrorCode, type RpcErrorObject } from '../src/rpc/protocol.js';
import { RpcServer } from '../src/rpc/server.js';

interface Ctx {
  root: string;
  path: string;
  server: RpcServer;
  logs: string[];
  /** Params each handler was called with, by method. */
  calls: Array<{ method: string; params: unknown }>;
  /** Resolve when a call of test.hang is being served, and when it sees its connection's signal abort. */
  hangStarted: Promise<void>;
  hangAborted: Promise<void>;
  /** The process umask before listen(). */
  umask: number;
  closeables: Array<{ destroy(): void } | { close(): void }>;
}

interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  result?: unknown;
  error?: RpcErrorObject;
  method?: string;
}

const test = suite<Ctx>('rpc server over a Unix socket');

test.before((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'lucky-rpc-'));
});

let servers = 0;
test.before.each(async (ctx) => {
  ctx.path = join(ctx.root, `s${servers++}`, 'daemon.sock');
  ctx.logs = [];
  ctx.calls = [];
  ctx.closeables = [];
  const log = createLogger({ name: 'test', level: 0, sink: (record) => void ctx.logs.push(recordMessage(record)) });
  ctx.server = new RpcServer(log);
  const record = (method: string, params: unknown): void => void ctx.calls.push({ method, params });
  ctx.server.register('daemon.hello', 'core', {
    params: v.object({ protocol: v.number(), context: v.optional(v.string()) }),
    handler: () => ({ protocol: PROTOCOL_VERSION }),
  });
  ctx.server.register('test.echo', 'core', {
    params: v.object({ text: v.string(), user: v.optional(v.object({ name: v.string() })) }),
    handler: (params) => {
      record('test.echo', params);
      return { echo: (params as { text: string }).text };
    },
  });
  ctx.server.register('test.refuse', 'core', {
    params: v.object({}),
    handler: () => {
      record('test.refuse', {});
      throw new LuckyError(ErrorCode.NotInHookContext, 'Not in a hook context: run this from a charm script.', { data: { hint: 'JUJU_CONTEXT_ID' } });
    },
  });
  ctx.server.register('test.crash', 'core', {
    params: v.object({}),
    handler: () => {
      record('test.crash', {});
      throw new TypeError('cannot read properties of undefined');
    },
  });
  let hangStarted!: () => void;
  let hangAborted!: () => void;
  ctx.hangStarted = new Promise((resolve) => (hangStarted = resolve));
  ctx.hangAborted = new Promise((resolve) => (hangAborted = resolve));
  ctx.server.register('test.hang', 'core', {
    params: v.object({}),
    // Answers only when the client goes away, like a long call watching its connection.
    handler: (_params, call) =>
      new Promise((resolve) => {
        hangStarted();
        call.connection.signal.addEventListener('abort', () => {
          hangAborted();
          resolve({});
        });
      }),
  });
  ctx.umask = readUmask();
  await ctx.server.listen(ctx.path);
});

test.after.each(async (ctx) => {
  for (const c of ctx.closeables) 'destroy' in c ? c.destroy() : c.close();
  await ctx.server.close();
});

test.after((ctx) => {
  rmSync(ctx.root, { recursive: true, force: true });
});

/** The process umask (reading it by setting and restoring it; `process.umask()` without argument is deprecated). */
function readUmask(): number {
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
}

/** Fails the test instead of hanging when an expected event never comes. */
function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`deadline passed waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A raw line-oriented client, to see the exact frames the server sends. */
class LineClient {
  private buffer = '';
  private readonly queue: Message[] = [];
  private readonly waiters: Array<(message: Message) => void> = [];
  readonly closed: Promise<void>;
  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const message = JSON.parse(this.buffer.slice(0, nl)) as Message;
        this.buffer = this.buffer.slice(nl + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(message);
        else this.queue.push(message);
      }
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(ctx: Ctx): Promise<LineClient> {
    return within(
      new Promise<LineClient>((resolve, reject) => {
        const socket = connect(ctx.path);
        ctx.closeables.push(socket);
        socket.once('error', reject);
        socket.once('connect', () => resolve(new LineClient(socket)));
      }),
      'connect',
    );
  }

  /** Sends a request object, or raw text as one frame. */
  send(frame: object | string): void {
    this.socket.write(`${typeof frame === 'string' ? frame : JSON.stringify({ jsonrpc: '2.0', ...frame })}\n`);
  }

  next(): Promise<Message> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return within(new Promise<Message>((resolve) => this.waiters.push(resolve)), 'a message from the server');
  }

  async call(id: number | string, method: string, params?: unknown): Promise<Message> {
    this.send({ id, method, params });
    return this.next();
  }
}

async function daemonClient(ctx: Ctx): Promise<DaemonClient> {
  const client = await DaemonClient.connect(ctx.path);
  ctx.closeables.push(client);
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test('a registered method is answered with its result and the request id', async (ctx) => {
  const client = await LineClient.open(ctx);
  assert.equal(await client.call(1, 'test.echo', { text: 'hi' }), { jsonrpc: '2.0', id: 1, result: { echo: 'hi' } });
  assert.equal(await client.call('req-2', 'test.echo', { text: 'again' }), { jsonrpc: '2.0', id: 'req-2', result: { echo: 'again' } });
  // Through the real client too.
  const daemon = await daemonClient(ctx);
  assert.equal(await daemon.callRaw('test.echo', { text: 'typed' }), { echo: 'typed' });
});

test('params are checked by the schema: InvalidParams lists each issue with its path, and the handler is not called', async (ctx) => {
  const client = await LineClient.open(ctx);
  const reply = await client.call(3, 'test.echo', { text: 5, user: { name: 7 } });
  assert.is(reply.id, 3);
  assert.is(reply.error?.code, RpcErrorCode.InvalidParams);
  assert.match(reply.error!.message, /^Invalid params for test\.echo: text: .+; user\.name: .+/);
  const issues = (reply.error?.data as { issues: string[] }).issues;
  assert.equal(
    issues.map((issue) => issue.split(':')[0]),
    ['text', 'user.name'],
  );
  assert.equal(ctx.calls, []);
});

test('an unknown method gets MethodNotFound', async (ctx) => {
  const client = await LineClient.open(ctx);
  assert.equal(await client.call('x', 'no.such', {}), {
    jsonrpc: '2.0',
    id: 'x',
    error: { code: RpcErrorCode.MethodNotFound, message: 'Unknown method: no.such.' },
  });
});

test('a notification (no id) is served but never answered, even when it fails', async (ctx) => {
  const client = await LineClient.open(ctx);
  // All in one write: were any of these answered, that answer would come before the reply to id 7.
  client.socket.write(
    [
      { method: 'test.echo', params: { text: 'note' } },
      { method: 'no.such' },
      { method: 'test.echo', params: { text: 1 } },
      { method: 'test.refuse' },
      { method: 'test.crash' },
      { id: 7, method: 'test.echo', params: { text: 'after' } },
    ]
      .map((frame) => `${JSON.stringify({ jsonrpc: '2.0', ...frame })}\n`)
      .join(''),
  );
  assert.equal(await client.next(), { jsonrpc: '2.0', id: 7, result: { echo: 'after' } });
  assert.equal(await client.call(8, 'test.echo', { text: 'last' }), { jsonrpc: '2.0', id: 8, result: { echo: 'last' } });
  assert.equal(
    ctx.calls.map((c) => c.method),
    ['test.echo', 'test.refuse', 'test.crash', 'test.echo', 'test.echo'],
  );
  assert.equal(ctx.calls[0]!.params, { text: 'note' });
});

test('a LuckyError thrown by a handler keeps its code, message and data', async (ctx) => {
  const client = await LineClient.open(ctx);
  assert.equal(await client.call(4, 'test.refuse', {}), {
    jsonrpc: '2.0',
    id: 4,
    error: {
      code: ErrorCode.NotInHookContext,
      message: 'Not in a hook context: run this from a charm script.',
      data: { name: 'NotInHookContext', hint: 'JUJU_CONTEXT_ID' },
    },
  });
  // DaemonClient turns it back into the same LuckyError.
  const error = await rejection((await daemonClient(ctx)).callRaw('test.refuse', {}));
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.NotInHookContext);
  assert.is(error.message, 'Not in a hook context: run this from a charm script.');
});

test('a non-Lucky error becomes InternalError, is logged, and the server keeps serving', async (ctx) => {
  const client = await LineClient.open(ctx);
  const reply = await client.call(5, 'test.crash', {});
  assert.is(reply.id, 5);
  assert.is(reply.error?.code, RpcErrorCode.InternalError);
  assert.match(reply.error!.message, 'Internal error in the Lucky daemon while running test.crash: cannot read properties of undefined');
  assert.ok(
    ctx.logs.some((line) => line.startsWith('Internal error in RPC method test.crash')),
    ctx.logs.join('\n'),
  );
  // Same connection, and a new one, still work.
  assert.equal((await client.call(6, 'test.echo', { text: 'alive' })).result, { echo: 'alive' });
  const other = await LineClient.open(ctx);
  assert.equal((await other.call(1, 'test.echo', { text: 'alive too' })).result, { echo: 'alive too' });
});

test('registering a method twice throws naming both owners, and the first keeps serving', async (ctx) => {
  let error: unknown;
  try {
    ctx.server.register('test.echo', '@acme/plugin-echo', { params: v.object({}), handler: () => ({ echo: 'impostor' }) });
  } catch (caught) {
    error = caught;
  }
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.PluginFailed);
  assert.is(error.message, 'The RPC method test.echo is provided by both core and @acme/plugin-echo; remove one of the plugins.');
  const client = await LineClient.open(ctx);
  assert.equal((await client.call(1, 'test.echo', { text: 'original' })).result, { echo: 'original' });
});

test('invalid JSON gets ParseError with a null id, and the connection keeps working', async (ctx) => {
  const client = await LineClient.open(ctx);
  client.send('{"jsonrpc":"2.0","id":1,"method":');
  const reply = await client.next();
  assert.is(reply.id, null);
  assert.is(reply.error?.code, RpcErrorCode.ParseError);
  assert.equal(await client.call(2, 'test.echo', { text: 'fine' }), { jsonrpc: '2.0', id: 2, result: { echo: 'fine' } });
});

test('JSON that is not a request gets InvalidRequest with its id', async (ctx) => {
  const client = await LineClient.open(ctx);
  client.send('{"jsonrpc":"1.0","id":9,"method":"test.echo"}');
  const reply = await client.next();
  assert.is(reply.id, 9);
  assert.is(reply.error?.code, RpcErrorCode.InvalidRequest);
});

test('the socket is 0600 in a 0700 directory, and the process umask is restored', (ctx) => {
  const stat = statSync(ctx.path);
  assert.ok(stat.isSocket());
  assert.is(stat.mode & 0o777, 0o600);
  assert.is(statSync(dirname(ctx.path)).mode & 0o777, 0o700);
  // listen() tightens the umask only around bind(); a leaked 0o177 would change every later file's mode.
  assert.is(readUmask(), ctx.umask);
});

test('close() ends open connections, aborts their calls, and refuses new ones', async (ctx) => {
  const raw = await LineClient.open(ctx);
  const daemon = await daemonClient(ctx);
  // Observed from the start, so its rejection is never unhandled.
  const hanging = rejection(daemon.callRaw('test.hang', {}));
  // close() must meet the call in flight.
  await within(ctx.hangStarted, 'test.hang to be served');
  await within(ctx.server.close(), 'close()');
  await within(raw.closed, 'the raw connection to close');
  await within(ctx.hangAborted, 'the call to see its connection abort');
  const error = await within(hanging, 'the hanging call to fail');
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.DaemonUnavailable);
  const refused = await rejection(DaemonClient.connect(ctx.path));
  assert.ok(isLuckyError(refused));
  assert.is(refused.code, ErrorCode.DaemonUnavailable);
});

test('listen refuses a path another server answers on, and leaves that server alone', async (ctx) => {
  const second = new RpcServer(createLogger({ name: 'second', level: 0 }));
  const error = await rejection(second.listen(ctx.path));
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.DaemonStartFailed);
  assert.is(error.message, `Another Lucky daemon already answers at ${ctx.path}.`);
  const client = await LineClient.open(ctx);
  assert.equal((await client.call(1, 'test.echo', { text: 'still me' })).result, { echo: 'still me' });
});

test('a container channel whose directory a workload swapped for a link is not recreated through the link', async (ctx) => {
  const shared = join(ctx.root, 'shared-' + String(servers));
  const elsewhere = join(ctx.root, 'elsewhere-' + String(servers));
  mkdirSync(join(shared, 'lucky'), { recursive: true });
  mkdirSync(elsewhere);
  await ctx.server.listen(join(shared, 'lucky', 'daemon.sock'), 'container');
  rmSync(join(shared, 'lucky'), { recursive: true });
  symlinkSync(elsewhere, join(shared, 'lucky'));
  const deadline = Date.now() + 5000;
  while (!ctx.logs.some((line) => line.includes('Could not recreate the daemon socket'))) {
    if (Date.now() > deadline) assert.unreachable('the watcher never tried to recreate the socket');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(readdirSync(elsewhere), []);
});

test('listen replaces a stale file nobody answers on', async (ctx) => {
  const path = join(ctx.root, 'stale', 'daemon.sock');
  mkdirSync(dirname(path));
  writeFileSync(path, 'left over');
  const server = new RpcServer(createLogger({ name: 'stale', level: 0 }));
  try {
    await server.listen(path);
    assert.ok(statSync(path).isSocket());
  } finally {
    await server.close();
  }
});

test.run();
