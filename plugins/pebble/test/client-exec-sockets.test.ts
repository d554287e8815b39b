// The exec's three websockets: when one cannot be opened, those already open are closed, not left to the server.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir, waitFor } from '@lucky/test-utils';
import { openExecSockets } from '../src/client/exec.js';
import { acceptWebSocket, type WebSocket } from '../src/websocket/index.js';

interface Ctx {
  dir: string;
  socketPath: string;
  server: Server;
  /** Server-side websockets by the id the client asked for. */
  accepted: Map<string, WebSocket>;
}

const test = suite<Ctx>('pebble client: exec websockets');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-exec-ws-');
  ctx.socketPath = join(ctx.dir, 'pebble.socket');
  ctx.accepted = new Map();
  ctx.server = createServer((_req, res) => res.writeHead(404).end());
  // Pebble's answer for a websocket it does not have: control is served, stdio is not.
  ctx.server.on('upgrade', (req, socket, head) => {
    const id = /\/websocket\/([^/?]+)$/.exec(req.url ?? '')?.[1] ?? '';
    if (id !== 'control') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      return;
    }
    const ws = acceptWebSocket(req, socket, head);
    if (ws) ctx.accepted.set(id, ws);
  });
  await new Promise<void>((resolve) => ctx.server.listen(ctx.socketPath, resolve));
});

test.after(async (ctx) => {
  ctx.server.closeAllConnections();
  await new Promise<void>((resolve) => ctx.server.close(() => resolve()));
  await removeDir(ctx.dir);
});

test('a websocket that cannot be opened fails the exec, and the control websocket already open is closed', async (ctx) => {
  let failed: unknown;
  await openExecSockets(ctx.socketPath, '7', 5000).catch((error: unknown) => (failed = error));
  assert.ok(failed instanceof Error, 'openExecSockets rejects');
  const control = ctx.accepted.get('control');
  assert.ok(control, 'the control websocket was opened first');
  await waitFor(() => !control.open, 'the server to see the control websocket closed');
});

test.run();
