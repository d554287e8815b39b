// The server's http and tcp checks reach only the workload container: a workload that adds a
// check (through its Pebble socket) cannot make the host connect elsewhere, not even by a redirect.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHost, httpCheck } from '../src/pebble/check-reach.js';

interface Ctx {
  /** Plays the workload container, at 127.0.0.1. */
  container: Server;
  port: number;
  /** Plays a service of the host's own network, at 127.0.0.2. */
  host: Server;
  hostPort: number;
  hostRequests: number;
}

const test = suite<Ctx>('pebble server: where checks connect');

async function listen(server: Server, address: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return (server.address() as AddressInfo).port;
}

test.before(async (ctx) => {
  ctx.hostRequests = 0;
  ctx.host = createServer((_req, res) => {
    ctx.hostRequests++;
    res.end('host');
  });
  ctx.hostPort = await listen(ctx.host, '127.0.0.2');
  ctx.container = createServer((req, res) => {
    if (req.url === '/ok') res.end('ok');
    else if (req.url === '/relative') res.writeHead(302, { Location: '/ok' }).end();
    else if (req.url === '/local') res.writeHead(302, { Location: `http://localhost:${ctx.port}/ok` }).end();
    else if (req.url === '/escape') res.writeHead(302, { Location: `http://127.0.0.2:${ctx.hostPort}/` }).end();
    else if (req.url === '/loop') res.writeHead(302, { Location: '/loop' }).end();
    else res.writeHead(404).end();
  });
  ctx.port = await listen(ctx.container, '127.0.0.1');
});

test.after(async (ctx) => {
  for (const server of [ctx.container, ctx.host]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('localhost is the container; 2xx passes, other statuses fail', async (ctx) => {
  assert.is(await httpCheck(`http://localhost:${ctx.port}/ok`, {}, 5000, '127.0.0.1'), undefined);
  assert.is(await httpCheck(`http://localhost:${ctx.port}/missing`, {}, 5000, '127.0.0.1'), 'received non-20x status code 404');
});

test('redirects within the container are followed; one to another address is not, and that address sees no request', async (ctx) => {
  assert.is(await httpCheck(`http://localhost:${ctx.port}/relative`, {}, 5000, '127.0.0.1'), undefined);
  assert.is(await httpCheck(`http://127.0.0.1:${ctx.port}/local`, {}, 5000, '127.0.0.1'), undefined);
  const escape = await httpCheck(`http://localhost:${ctx.port}/escape`, {}, 5000, '127.0.0.1');
  assert.match(escape ?? '', 'checks only the workload container itself (localhost), not 127.0.0.2');
  assert.match((await httpCheck(`http://localhost:${ctx.port}/loop`, {}, 5000, '127.0.0.1')) ?? '', 'stopped after 10 redirects');
  assert.is(ctx.hostRequests, 0);
});

test('a URL of another host or scheme is refused without a connection', async (ctx) => {
  assert.match((await httpCheck(`http://127.0.0.2:${ctx.hostPort}/`, {}, 5000, '127.0.0.1')) ?? '', 'not 127.0.0.2');
  assert.match((await httpCheck('data:text/plain,hi', {}, 5000, '127.0.0.1')) ?? '', 'unsupported protocol scheme "data"');
  assert.is(ctx.hostRequests, 0);
});

test('tcp: no host or localhost is the container; its own address too; any other is refused', () => {
  assert.equal(checkHost(undefined, '172.17.0.5'), { address: '172.17.0.5' });
  assert.equal(checkHost('localhost', '172.17.0.5'), { address: '172.17.0.5' });
  assert.equal(checkHost('172.17.0.5', '172.17.0.5'), { address: '172.17.0.5' });
  assert.ok('refused' in checkHost('172.17.0.1', '172.17.0.5'));
  assert.ok('refused' in checkHost('localhost', undefined));
});

test.run();
