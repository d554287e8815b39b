/**
 * The model server process: `node dist/server/main.js <model dir>`, started detached by
 * ensureModelServer (start.ts). One per model (a pid lock, taken over from a dead
 * holder as the unit daemon's is); it exits when idle, when the model directory is
 * gone, or on SIGTERM, and removes its endpoint on the way out.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { acquirePidLock, writeFileAtomicSync } from '@lucky/core/system';
import { MODEL_DIR_MODE, MODEL_FILE_MODE } from '../model/store.js';
import { readTextOrNull } from '../read-text.js';
import { idleMs, serverPaths } from './paths.js';
import { startModelServer } from './server.js';

const modelDir = resolve(process.argv[2] ?? '');
if (process.argv[2] === undefined || statSync(join(modelDir, 'model.json'), { throwIfNoEntry: false }) === undefined) {
  process.stderr.write(`Usage: main.js <model dir> (a directory holding model.json; got ${JSON.stringify(process.argv[2] ?? '')})\n`);
  process.exit(2);
}
const paths = serverPaths(modelDir);
mkdirSync(paths.dir, { recursive: true, mode: MODEL_DIR_MODE });
const lock = acquirePidLock(paths.pid);
// Another server of this model is running: it serves, this one has nothing to do.
if (!lock.acquired) process.exit(0);
const releaseLock = lock.release;

const server = await startModelServer();
const endpoint = `${server.port} ${server.token} ${process.pid}\n`;
/** Written after listening, so a client that reads it can connect; atomically, so it never reads half of it. */
function publishEndpoint(): void {
  writeFileAtomicSync(paths.endpoint, endpoint, { mode: MODEL_FILE_MODE, durable: false });
}
function readEndpointText(): string {
  return readTextOrNull(paths.endpoint) ?? '';
}
publishEndpoint();
process.stderr.write(`${new Date().toISOString()} model server ${process.pid} on 127.0.0.1:${server.port} for ${modelDir}\n`);

const idle = idleMs();
let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${new Date().toISOString()} model server ${process.pid} exits: ${reason}\n`);
  // The endpoint goes first, so no new client picks this server; then the lock.
  if (readEndpointText() === endpoint) rmSync(paths.endpoint, { force: true });
  releaseLock();
  await server.close();
  process.exit(0);
}

setInterval(
  () => {
    if (statSync(join(modelDir, 'model.json'), { throwIfNoEntry: false }) === undefined) void stop('the model is gone');
    else if (server.active === 0 && Date.now() - server.lastActivity >= idle) void stop(`idle for ${idle} ms`);
    // An endpoint removed or overwritten by someone else is put back: this server holds the lock, clients must find it.
    else if (readEndpointText() !== endpoint) publishEndpoint();
  },
  Math.min(idle, 1000),
);
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('unhandledRejection', (error) => {
  process.stderr.write(`${new Date().toISOString()} unhandled rejection: ${(error as Error).stack ?? String(error)}\n`);
});
