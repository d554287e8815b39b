import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isProcessRunning } from '@lucky/core/system';
import { freePort, processGone, waitFor } from '@lucky/test-utils';
import type { ModelState } from '../src/model/schema.js';
import { serverPaths } from '../src/server/paths.js';
import { REQUEST_MAGIC } from '../src/server/protocol.js';
import { ensureModelServer, modelServerInfo, readEndpoint, runningModelServer, stopModelServer, type ServerEndpoint } from '../src/server/start.js';
import { makeFixture, tool, type Fixture, type ToolResult } from './support.js';

/** The server's pid and how many tool calls it has served (null when none answers). */
async function served(dir: string): Promise<number | null> {
  const endpoint = await runningModelServer(dir);
  return endpoint ? ((await modelServerInfo(endpoint))?.served ?? null) : null;
}

async function modelOnDisk(dir: string): Promise<ModelState> {
  return JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelState;
}

function running(endpoint: ServerEndpoint | null): ServerEndpoint {
  assert.ok(endpoint, 'the model server runs');
  return endpoint;
}

// ---

const calls = suite('model server: tool calls');
let f1: Fixture;
calls.before(async () => {
  f1 = await makeFixture('server-calls');
  // A title that shows escaping and UTF-8, one larger than a socket read, and one with a NUL byte.
  await f1.model.setConfig('web', { title: 'Tom & Jerry <b>“quoted”</b> ✓' });
});
calls.after(async () => {
  await stopModelServer(f1.model.dir);
  await rm(f1.root, { recursive: true, force: true });
});

calls('a hook context starts the server, and tool calls are served by it', async () => {
  const ctx = await f1.model.openContext('web/0', 'config-changed');
  try {
    const before = await served(f1.model.dir);
    assert.ok(before !== null, 'the server answers');
    const result = await tool(f1.model, ctx.env, 'config-get', ['port']);
    assert.equal(result, { exitCode: 0, stdout: '8080\n', stderr: '' });
    assert.is(await served(f1.model.dir), before + 1, 'one call served');
  } finally {
    await ctx.close(true);
  }
});

calls('output, errors and exit codes are the same with the server and without it (the tool in its own Node process)', async () => {
  const cwd = join(f1.root, 'cwd');
  const home = join(f1.root, 'home');
  await mkdir(cwd, { recursive: true });
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'settings.yaml'), 'from-home: "yes ✓"\n');
  const ctx = await f1.model.openContext('web/0', `db-relation-changed`, { remoteUnit: 'pg/0' });
  type Case = readonly [string, readonly string[], { readonly input?: string; readonly env?: Record<string, string | undefined> }?];
  const cases: Case[] = [
    ['config-get', []],
    ['config-get', ['--format=json']],
    ['config-get', ['title']],
    ['config-get', ['--all', '--format', 'yaml']],
    ['config-get', ['nope', '--all']],
    ['config-get', ['--bogus']],
    ['config-get', ['-h']],
    ['config-get', ['-o', 'out.json', '--format=json']],
    ['is-leader', ['--format=json']],
    ['relation-get', ['-', 'pg/0']],
    ['relation-get', ['--app', '-', 'pg']],
    ['relation-get', ['-r', 'db:99', '-', 'pg/0']],
    ['relation-ids', ['db']],
    ['relation-list', ['--format=yaml']],
    ['relation-set', ['--file', '-'], { input: 'a: 1\nb: "x y ✓"\n' }],
    ['relation-set', ['--file', '-'], { input: '- not\n- a map\n' }],
    ['relation-set', ['--file', '~/settings.yaml'], { env: { HOME: home } }],
    ['relation-set', ['--file', '~/missing.yaml'], { env: { HOME: home } }],
    ['relation-set', ['key']],
    ['juju-log', ['--format', 'x', 'hello', 'wörld']],
    ['status-set', ['bogus']],
    ['status-get', ['--include-data', '--format=json']],
    ['unit-get', ['private-address']],
    ['network-get', ['db', '--format=yaml']],
    ['goal-state', ['--format=json']],
    ['action-get', []],
    ['is-leader', [], { env: { JUJU_CONTEXT_ID: undefined } }],
    ['is-leader', [], { env: { JUJU_CONTEXT_ID: 'web/0-install-1' } }],
  ];
  const runAll = async (): Promise<{ results: ToolResult[]; written: string }> => {
    const results: ToolResult[] = [];
    for (const [name, args, options = {}] of cases) {
      const env: Record<string, string> = { ...ctx.env };
      for (const [key, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
      results.push(await tool(f1.model, env, name, args, { cwd, ...(options.input !== undefined ? { input: options.input } : {}) }));
    }
    const written = await readFile(join(cwd, 'out.json'), 'utf8');
    await rm(join(cwd, 'out.json'));
    return { results, written };
  };
  try {
    const before = await served(f1.model.dir);
    assert.ok(before !== null, 'the server answers');
    const withServer = await runAll();
    assert.is(await served(f1.model.dir), before + cases.length, 'every call was served by the server');
    await stopModelServer(f1.model.dir);
    assert.is(await runningModelServer(f1.model.dir), null, 'no server any more');
    const without = await runAll();
    cases.forEach(([name, args], index) => {
      assert.equal(withServer.results[index], without.results[index], `${name} ${args.join(' ')}`);
    });
    assert.is(withServer.written, without.written, '-o writes the same file');
    // The cases cover success, usage errors (2), runtime errors (1) and help.
    assert.equal([...new Set(without.results.map((result) => result.exitCode))].sort(), [0, 1, 2]);
  } finally {
    await ctx.close(false);
  }
});

calls('large output, and output with NUL bytes, arrive intact', async () => {
  const big = `${'0123456789abcdef'.repeat(4096)}✓`;
  await f1.model.setConfig('web', { title: big });
  const ctx = await f1.model.openContext('web/0', 'config-changed');
  try {
    const result = await tool(f1.model, ctx.env, 'config-get', ['title']);
    assert.equal(result, { exitCode: 0, stdout: `${big}\n`, stderr: '' });
    await f1.model.setConfig('web', { title: 'a\u0000b' });
    assert.equal(await tool(f1.model, ctx.env, 'config-get', ['title']), { exitCode: 0, stdout: 'a\u0000b\n', stderr: '' });
  } finally {
    await ctx.close(false);
  }
});

calls('a client that goes away while its tool waits for stdin does not leave the call running', async () => {
  const ctx = await f1.model.openContext('web/0', 'db-relation-changed', { remoteUnit: 'pg/0' });
  try {
    const endpoint = running(await runningModelServer(f1.model.dir));
    const env = ['JUJU_CONTEXT_ID', 'JUJU_AGENT_SOCKET_ADDRESS', 'JUJU_AGENT_SOCKET_NETWORK'].map((name) => `=${ctx.env[name] ?? ''}`);
    const fields = [REQUEST_MAGIC, endpoint.token, String(process.pid), f1.root, ...env, '', 'relation-set', '2', '--file', '-'];
    const socket = connect(endpoint.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(fields.map((field) => `${field}\0`).join(''));
    // The server asks for stdin (`S <id> 0 0`); the client hangs up instead of connecting again.
    const asked = await new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));
    assert.match(asked, /^S [0-9a-f]+ 0 0\n$/);
    assert.is((await modelServerInfo(endpoint))?.active, 1, 'the call waits for stdin');
    socket.destroy();
    await waitFor(async () => (await modelServerInfo(endpoint))?.active === 0, 'the call to end');
  } finally {
    await ctx.close(false);
  }
});

calls.run();

// ---

const concurrency = suite('model server: concurrent calls');
let f2: Fixture;
concurrency.before(async () => {
  f2 = await makeFixture('server-concurrency');
});
concurrency.after(async () => {
  await stopModelServer(f2.model.dir);
  await rm(f2.root, { recursive: true, force: true });
});

concurrency('parallel tool calls from several units lose no change', async () => {
  const units = ['web/0', 'web/1', 'pg/0', 'pg/1'];
  const contexts = await Promise.all(units.map((unit) => f2.model.openContext(unit, 'update-status')));
  const before = await served(f2.model.dir);
  assert.ok(before !== null, 'the server answers');
  const results = await Promise.all(
    contexts.flatMap((ctx, u) =>
      Array.from({ length: 10 }, (_, i) => [
        tool(f2.model, ctx.env, 'juju-log', [`message ${i} of ${units[u]}`]),
        tool(f2.model, ctx.env, 'status-set', ['maintenance', `step ${i}`]),
        tool(f2.model, ctx.env, 'relation-set', ['-r', String(f2.db), `key-${i}=value-${i}`]),
      ]).flat(),
    ),
  );
  for (const result of results) assert.equal(result, { exitCode: 0, stdout: '', stderr: '' });
  assert.is(await served(f2.model.dir), before + results.length, 'all served by the server');
  for (const ctx of contexts) await ctx.close(true);
  const model = await modelOnDisk(f2.model.dir);
  for (const unit of units) {
    const logs = (await f2.model.logs(unit)).map((entry) => entry.message);
    const steps = (model.units[unit]?.statusHistory ?? []).map((entry) => entry.message);
    const data = model.relations[String(f2.db)]?.unitData[unit] ?? {};
    for (let i = 0; i < 10; i++) {
      assert.ok(logs.includes(`message ${i} of ${unit}`), `${unit}: log ${i}`);
      assert.ok(steps.includes(`step ${i}`), `${unit}: status ${i}`);
      assert.is(data[`key-${i}`], `value-${i}`, `${unit}: relation key ${i}`);
    }
  }
});

concurrency.run();

// ---

const lifecycle = suite('model server: durability, stale servers, idle exit');
let f3: Fixture;
lifecycle.before(async () => {
  f3 = await makeFixture('server-lifecycle');
});
lifecycle.after(async () => {
  await stopModelServer(f3.model.dir);
  await rm(f3.root, { recursive: true, force: true });
});

lifecycle('kill -9 of the server mid-run loses no acknowledged change; later calls still work', async () => {
  const ctx = await f3.model.openContext('web/0', 'update-status');
  try {
    const endpoint = running(await runningModelServer(f3.model.dir));
    let acknowledged = 0;
    let killed = false;
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const result = await tool(f3.model, ctx.env, 'status-set', ['active', `change ${i}`]);
        if (result.exitCode === 0 && ++acknowledged === 10) {
          process.kill(endpoint.pid, 'SIGKILL');
          killed = true;
        }
        return { i, result };
      }),
    );
    assert.ok(killed, 'the server was killed while calls were running');
    await waitFor(() => processGone(endpoint.pid), 'the killed server to be gone');
    const history = (await modelOnDisk(f3.model.dir)).units['web/0']?.statusHistory.map((entry) => entry.message) ?? [];
    for (const { i, result } of results) {
      if (result.exitCode === 0) assert.ok(history.includes(`change ${i}`), `acknowledged change ${i} is in model.json`);
      else assert.is(result.stderr, 'ERROR connection to the model server lost\n', `change ${i} failed only as a lost connection`);
    }
    // No server now: the tools run in their own process.
    assert.equal(await tool(f3.model, ctx.env, 'status-set', ['active', 'after the kill']), { exitCode: 0, stdout: '', stderr: '' });
    assert.ok((await modelOnDisk(f3.model.dir)).units['web/0']?.statusHistory.some((entry) => entry.message === 'after the kill'));
  } finally {
    await ctx.close(true);
  }
});

lifecycle("a dead server's endpoint and pid lock are replaced by the next server", async () => {
  const first = running(await ensureModelServer(f3.model.dir));
  process.kill(first.pid, 'SIGKILL');
  await waitFor(() => processGone(first.pid), 'the killed server to be gone');
  assert.equal(await readEndpoint(f3.model.dir), first, 'the dead server left its endpoint');
  // Worse: the endpoint names a live process that is not the server, and a port nobody listens on.
  await writeFile(serverPaths(f3.model.dir).endpoint, `${await freePort()} ${first.token} ${process.pid}\n`);
  const ctx = await f3.model.openContext('web/1', 'update-status');
  try {
    const second = running(await runningModelServer(f3.model.dir));
    assert.is.not(second.pid, first.pid);
    assert.is((await readFile(serverPaths(f3.model.dir).pid, 'utf8')).trim(), String(second.pid), 'the new server holds the pid lock');
    const before = await served(f3.model.dir);
    assert.equal(await tool(f3.model, ctx.env, 'is-leader'), { exitCode: 0, stdout: 'False\n', stderr: '' });
    assert.is(await served(f3.model.dir), (before ?? -1) + 1, 'served by the new server');
  } finally {
    await ctx.close(true);
  }
});

lifecycle('tools work when the endpoint names a live process that is not the server', async () => {
  await stopModelServer(f3.model.dir);
  const ctx = await f3.model.openContext('web/0', 'update-status');
  try {
    await stopModelServer(f3.model.dir);
    await writeFile(serverPaths(f3.model.dir).endpoint, `${await freePort()} not-the-token ${process.pid}\n`);
    assert.equal(await tool(f3.model, ctx.env, 'is-leader'), { exitCode: 0, stdout: 'True\n', stderr: '' });
  } finally {
    await ctx.close(true);
  }
});

lifecycle('a connection reset mid-call ends in one clear line, before the request is read and after', async () => {
  // A deterministic stand-in for a server killed while calls run: it resets each connection.
  const resets: ReadonlyArray<readonly [string, (socket: Socket) => void]> = [
    ['on connect', (socket) => socket.resetAndDestroy()],
    ['after the request', (socket) => socket.once('data', () => socket.resetAndDestroy())],
  ];
  for (const [when, reset] of resets) {
    const server = createServer(reset);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const ctx = await f3.model.openContext('web/0', 'update-status');
    try {
      await stopModelServer(f3.model.dir);
      await writeFile(serverPaths(f3.model.dir).endpoint, `${(server.address() as AddressInfo).port} token ${process.pid}\n`);
      const result = await tool(f3.model, ctx.env, 'status-set', ['active', `reset ${when}`]);
      assert.equal(result, { exitCode: 1, stdout: '', stderr: 'ERROR connection to the model server lost\n' }, when);
    } finally {
      await ctx.close(true);
      await new Promise((resolve) => server.close(resolve));
    }
  }
});

lifecycle('a second server for the same model exits at once, leaving the first', async () => {
  const first = running(await ensureModelServer(f3.model.dir));
  await writeFile(serverPaths(f3.model.dir).endpoint, '');
  // ensureModelServer finds no endpoint and starts another, which finds the first holding the lock and exits; the first puts its endpoint back.
  const again = running(await ensureModelServer(f3.model.dir));
  assert.is(again.pid, first.pid);
});

lifecycle('the process that starts the server exits at once and leaves it running (a `lucky sim` command never waits for its idle exit)', async () => {
  await stopModelServer(f3.model.dir);
  const start = new URL('../src/server/start.ts', import.meta.url).href;
  const starter = await execa(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `await (await import(${JSON.stringify(start)})).ensureModelServer(process.argv[1])`, f3.model.dir],
    {
      reject: false,
      timeout: 120_000,
    },
  );
  assert.is(starter.exitCode, 0, String(starter.stderr));
  // Had the starter waited for the server (piping its output, say), it would have exited only after the server did.
  const endpoint = running(await runningModelServer(f3.model.dir));
  assert.ok(isProcessRunning(endpoint.pid), 'the server outlives the process that started it');
});

lifecycle('the server exits when idle, and when its model is gone', async () => {
  // A model of its own: servers started for f3 by the tests above may still be starting (and would serve with the default idle time).
  const quiet = await makeFixture('server-idle');
  const previous = process.env.LUCKY_SIM_SERVER_IDLE_MS;
  process.env.LUCKY_SIM_SERVER_IDLE_MS = '300';
  try {
    const idle = running(await ensureModelServer(quiet.model.dir));
    await waitFor(() => processGone(idle.pid), 'the idle server to exit');
    assert.not.ok(existsSync(serverPaths(quiet.model.dir).endpoint), 'it removed its endpoint');
  } finally {
    if (previous === undefined) delete process.env.LUCKY_SIM_SERVER_IDLE_MS;
    else process.env.LUCKY_SIM_SERVER_IDLE_MS = previous;
    await rm(quiet.root, { recursive: true, force: true });
  }
  const other = await makeFixture('server-gone');
  const server = running(await ensureModelServer(other.model.dir));
  await rm(other.root, { recursive: true, force: true });
  await waitFor(() => processGone(server.pid), 'the server of a removed model to exit');
});

lifecycle.run();
