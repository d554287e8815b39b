import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// The daemon loads Docker's client (pnpm-linked, like every package in a built charm's
// node_modules) long after its RPC server started watching its sockets. Node 20's
// fs.realpathSync stops resolving symlinks when the last synchronous stat in the process
// was of a socket; the watcher once stat'ed its sockets synchronously, and the require
// then failed ("Cannot find module 'docker-modem'"). A child process shows it for real:
// a socket is deleted and recreated by the watcher, then a linked package is required.
const CHILD = `
import { createRequire } from 'node:module';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
const [serverUrl, logUrl, root] = process.argv.slice(2);
const { RpcServer } = await import(serverUrl);
const { createLogger } = await import(logUrl);
const require = createRequire(join(root, 'app', 'main.js'));
require('./warm.js'); // the loader now knows the temp directory's components as real
const server = new RpcServer(createLogger({ name: 'test', level: 6, sink: () => {} }));
const socket = join(root, 'run', 'daemon.sock');
await server.listen(socket);
unlinkSync(socket); // unlink, not rmSync: rmSync lstat()s the socket itself
const deadline = Date.now() + 10_000;
while (!existsSync(socket)) {
  if (Date.now() > deadline) throw new Error('the watcher did not recreate the socket');
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await new Promise((resolve) => setTimeout(resolve, 100)); // let the watcher finish its turn
process.stdout.write(String(require('linked')));
await server.close();
`;

test('a package linked like pnpm links it loads after the socket watcher recreated a socket', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lucky-realpath-'));
  try {
    // pnpm's layout: app/node_modules/linked -> store/node_modules/linked, whose dependency sits beside it in the store.
    mkdirSync(join(root, 'app', 'node_modules'), { recursive: true });
    mkdirSync(join(root, 'store', 'node_modules', 'linked'), { recursive: true });
    mkdirSync(join(root, 'store', 'node_modules', 'dependency'), { recursive: true });
    mkdirSync(join(root, 'run'), { mode: 0o700 });
    writeFileSync(join(root, 'app', 'warm.js'), 'module.exports = 1;\n');
    writeFileSync(join(root, 'store', 'node_modules', 'linked', 'index.js'), "module.exports = 'linked+' + require('dependency');\n");
    writeFileSync(join(root, 'store', 'node_modules', 'dependency', 'index.js'), "module.exports = 'dependency';\n");
    symlinkSync(join(root, 'store', 'node_modules', 'linked'), join(root, 'app', 'node_modules', 'linked'));
    const child = join(root, 'child.mjs');
    writeFileSync(child, CHILD);
    const dist = new URL('../dist/', import.meta.url);
    const result = await execa(process.execPath, [child, new URL('rpc/server.js', dist).href, new URL('log.js', dist).href, root], { reject: false });
    assert.is(result.stderr, '');
    assert.is(result.stdout, 'linked+dependency');
    assert.is(result.exitCode, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
