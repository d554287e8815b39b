import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, startTestDaemon, tempDir, waitFor, writeCharm, type TestDaemon } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  daemon: TestDaemon;
}

/** A raw connection that collects every line the daemon sends. */
class RawClient {
  readonly socket: Socket;
  readonly lines: unknown[] = [];
  closed = false;
  private buffer = '';

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.buffer += data;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        this.lines.push(JSON.parse(this.buffer.slice(0, nl)));
        this.buffer = this.buffer.slice(nl + 1);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static open(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw frames of any shape, inspected field by field
  async next(count = 1): Promise<Record<string, any>> {
    await waitFor(() => this.lines.length >= count, `${count} response line(s)`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    return this.lines[count - 1] as Record<string, any>;
  }
}

const test = suite<Ctx>('daemon RPC: broken frames');

test.before(async (ctx) => {
  ctx.dir = await tempDir();
  const charm = await writeCharm(`${ctx.dir}/charm`, { 'lucky.yaml': 'hooks: {}\n' });
  ctx.daemon = await startTestDaemon({ charmDir: charm, dir: ctx.dir });
});

test.after(async (ctx) => {
  await ctx.daemon?.stop();
  await removeDir(ctx.dir);
});

/** The daemon still answers a well-formed call on a fresh connection. */
async function stillServes(ctx: Ctx): Promise<void> {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc":"2.0","id":7,"method":"kv.get","params":{"key":"k"}}\n');
  assert.equal(await client.next(), { jsonrpc: '2.0', id: 7, result: { value: null } });
  client.socket.destroy();
}

test('malformed JSON gets a parse error and the connection keeps working', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc": "2.0", "id": 1, "method": \n');
  const error = await client.next();
  assert.is(error.id, null);
  assert.is(error.error.code, -32700);
  client.send('{"jsonrpc":"2.0","id":2,"method":"kv.list","params":{}}\n');
  assert.equal((await client.next(2)).result, { values: {} });
  client.socket.destroy();
});

test('a request that is not JSON-RPC 2.0 gets invalid request', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('[1,2,3]\n{"id":5,"method":"kv.list"}\n"text"\n');
  const answers = [await client.next(1), await client.next(2), await client.next(3)];
  assert.equal(
    answers.map((a) => a.error.code),
    [-32600, -32600, -32600],
  );
  assert.is(answers[1]!.id, 5);
  client.socket.destroy();
});

test('an unknown method gets method not found', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc":"2.0","id":3,"method":"kv.explode","params":{}}\n');
  const error = await client.next();
  assert.is(error.error.code, -32601);
  assert.match(error.error.message, /Unknown method: kv\.explode/);
  client.socket.destroy();
});

test('wrong params get invalid params naming the field, and change nothing', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc":"2.0","id":4,"method":"kv.set","params":{"values":{"1bad":"x"}}}\n');
  client.send('{"jsonrpc":"2.0","id":5,"method":"status.set","params":{"name":"a","state":"happy","message":""}}\n');
  const [first, second] = [await client.next(1), await client.next(2)];
  assert.is(first.error.code, -32602);
  assert.match(first.error.message, /values/);
  assert.is(second.error.code, -32602);
  assert.match(second.error.message, /state/);
  client.send('{"jsonrpc":"2.0","id":6,"method":"kv.list","params":{}}\n');
  assert.equal((await client.next(3)).result, { values: {} });
  client.socket.destroy();
});

test('a notification (no id) is served without an answer', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc":"2.0","method":"kv.set","params":{"values":{"quiet":"yes"}}}\n');
  client.send('{"jsonrpc":"2.0","id":9,"method":"kv.get","params":{"key":"quiet"}}\n');
  const answer = await client.next();
  assert.equal(answer, { jsonrpc: '2.0', id: 9, result: { value: 'yes' } });
  client.send('{"jsonrpc":"2.0","id":10,"method":"kv.delete","params":{"keys":["quiet"]}}\n');
  await client.next(2);
  client.socket.destroy();
});

test('a frame over 1 MiB is refused without buffering it, and the connection is closed', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  const chunk = Buffer.alloc(256 * 1024, 'a');
  client.send('{"jsonrpc":"2.0","id":11,"method":"kv.set","params":{"values":{"big":"');
  for (let i = 0; i < 8 && !client.closed; i++) client.send(chunk);
  const error = await client.next();
  assert.is(error.error.code, -32700);
  assert.match(error.error.message, /larger than 1048576 bytes/);
  await waitFor(() => client.closed, 'the daemon to close the connection');
  await stillServes(ctx);
});

test('a half-written frame followed by a disconnect leaves the daemon serving', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc":"2.0","id":12,"method":"kv.se');
  client.socket.destroy();
  await stillServes(ctx);
});

test('a client that disconnects right after a mutating call does not lose the write', async (ctx) => {
  const client = await RawClient.open(ctx.daemon.socketPath);
  client.send('{"jsonrpc":"2.0","id":13,"method":"kv.set","params":{"values":{"left":"early"}}}\n');
  client.socket.destroy();
  const probe = await RawClient.open(ctx.daemon.socketPath);
  await waitFor(async () => {
    probe.send('{"jsonrpc":"2.0","id":14,"method":"kv.get","params":{"key":"left"}}\n');
    const answer = await probe.next(probe.lines.length + 1);
    return answer.result.value === 'early';
  }, 'the write to land');
  probe.socket.destroy();
});

test('fifty garbage clients at once do not disturb a well-behaved one', async (ctx) => {
  const garbage = await Promise.all(Array.from({ length: 50 }, () => RawClient.open(ctx.daemon.socketPath)));
  garbage.forEach((client, i) => client.send(i % 2 === 0 ? Buffer.from([0xff, 0xfe, 0x00, 0x0a]) : '}{\n'));
  await stillServes(ctx);
  await Promise.all(garbage.map((client) => client.next()));
  for (const client of garbage) client.socket.destroy();
});

test.run();
