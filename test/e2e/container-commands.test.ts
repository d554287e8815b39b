import { join } from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, startTestDaemon, tempDir, writeCharm, type LuckyResult, type TestDaemon } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  daemon: TestDaemon;
}

const test = suite<Ctx>('container commands: definitions, output and refusals (no engine needed)');

test.before(async (ctx) => {
  ctx.dir = await tempDir();
  // use-docker: false: the commands edit definitions and nothing is applied.
  const charm = await writeCharm(join(ctx.dir, 'charm'), { 'lucky.yaml': 'use-docker: false\nhooks: {}\n' });
  ctx.daemon = await startTestDaemon({ charmDir: charm, dir: ctx.dir });
});

test.after(async (ctx) => {
  await ctx.daemon.stop();
  await removeDir(ctx.dir);
});

function run(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['container', ...args], ctx.daemon.env);
}

async function ok(ctx: Ctx, args: string[], stdout = ''): Promise<void> {
  const result = await run(ctx, ...args);
  assert.is(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`);
  assert.is(result.stderr, '', args.join(' '));
  assert.is(result.stdout, stdout, args.join(' '));
}

async function refused(ctx: Ctx, args: string[], exit: number, message: RegExp): Promise<void> {
  const result = await run(ctx, ...args);
  assert.is(result.exitCode, exit, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  assert.match(result.stderr, message);
  assert.is(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
}

test('a mutation before image set warns on stderr and exits 0 (GAP-50)', async (ctx) => {
  const result = await run(ctx, 'env', 'set', 'A=1');
  assert.is(result.exitCode, 0);
  assert.is(
    result.stderr,
    'Warning: The default container has no definition yet, so nothing changed; define it first with "lucky container image set <image>".\n',
  );
  const named = await run(ctx, 'port', 'add', '80:80', '-c', 'web');
  assert.match(named.stderr, /container "web" has no definition yet.*image set <image> -c web/);
  await ok(ctx, ['image', 'get'], '\n');
});

test('image, env, entrypoint, command, volumes, ports and network round-trip', async (ctx) => {
  await ok(ctx, ['image', 'set', 'nginx:1.27']);
  await ok(ctx, ['image', 'get'], 'nginx:1.27\n');
  await ok(ctx, ['image', 'get', '--format', 'json'], '"nginx:1.27"\n');
  await ok(ctx, ['env', 'set', 'B=2', 'A=x=y', 'SPACED=a b']);
  await ok(ctx, ['env', 'get', 'A'], 'x=y\n');
  await ok(ctx, ['env', 'get', 'NOPE'], '\n');
  await ok(ctx, ['env', 'get'], 'A=x=y\nB=2\nSPACED=a b\n');
  await ok(ctx, ['env', 'set', 'B=']);
  await ok(ctx, ['env', 'get', '--format', 'json'], '{"A":"x=y","SPACED":"a b"}\n');
  await ok(ctx, ['set-entrypoint', '/docker-entrypoint.sh']);
  await ok(ctx, ['set-command', '--', 'nginx', '-g', 'daemon off;']);
  await ok(ctx, ['volume', 'add', 'site', '/usr/share/nginx/html']);
  await ok(ctx, ['volume', 'add', '/etc/ssl', '/etc/ssl']);
  await ok(ctx, ['volume', 'get'], 'site:/usr/share/nginx/html\n/etc/ssl:/etc/ssl\n');
  await ok(ctx, ['volume', 'get', '/etc/ssl'], '/etc/ssl\n');
  await ok(ctx, ['volume', 'get', '/nothing'], '');
  await ok(ctx, ['port', 'add', '8080:80']);
  await ok(ctx, ['port', 'add', '8080:80']);
  await ok(ctx, ['port', 'add', '53:53/udp']);
  await ok(ctx, ['port', 'list'], '8080:80/tcp\n53:53/udp\n');
  await ok(ctx, ['port', 'list', '--format', 'json'], '["8080:80/tcp","53:53/udp"]\n');
  await ok(ctx, ['set-network', 'host']);
  const state = JSON.parse((await lucky(['daemon', 'status', '--format', 'json'], ctx.daemon.env)).stdout) as { dataDir: string };
  const { readFileSync } = await import('node:fs');
  const saved = JSON.parse(readFileSync(join(state.dataDir, 'state.json'), 'utf8')) as { containers: Record<string, unknown> };
  assert.equal(saved.containers[''], {
    image: 'nginx:1.27',
    pull: true,
    env: { A: 'x=y', SPACED: 'a b' },
    entrypoint: '/docker-entrypoint.sh',
    command: ['nginx', '-g', 'daemon off;'],
    volumes: { '/usr/share/nginx/html': 'site', '/etc/ssl': '/etc/ssl' },
    ports: [
      { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostPort: 53, containerPort: 53, protocol: 'udp' },
    ],
    network: 'host',
    pullPolicy: 'missing',
  });
  await ok(ctx, ['set-entrypoint', '--unset']);
  await ok(ctx, ['set-command', '--unset']);
  await ok(ctx, ['set-network', '-u']);
  await ok(ctx, ['port', 'remove', '53:53/udp']);
  await ok(ctx, ['port', 'list'], '8080:80/tcp\n');
  await ok(ctx, ['port', 'remove', '--all']);
  await ok(ctx, ['port', 'list'], '');
});

test('bad input is refused with a clear message and leaves the definition unchanged', async (ctx) => {
  const before = (await run(ctx, 'image', 'get')).stdout;
  await refused(ctx, ['image', 'set', 'Not A Valid:Image'], 1, /^Error: Invalid image reference "Not A Valid:Image"/);
  await refused(ctx, ['image', 'set', 'UPPER/case:1'], 1, /Invalid image reference/);
  await refused(ctx, ['port', 'add', '80'], 1, /^Error: Could not parse port binding "80"/);
  await refused(ctx, ['port', 'add', '70000:80'], 1, /^Error: Invalid port number 70000/);
  await ok(ctx, ['port', 'add', '8080:80']);
  await refused(
    ctx,
    ['port', 'add', '8080:81'],
    1,
    /^Error: Not adding port binding `8080:81\/tcp` because it conflicts with a port binding already added to the container: 8080:80\/tcp\n$/,
  );
  await ok(ctx, ['port', 'add', '8080:81/udp']);
  await refused(
    ctx,
    ['volume', 'add', 'data', 'relative/path'],
    1,
    /^Error: Invalid volume target "relative\/path": the path inside the container must be absolute/,
  );
  await refused(ctx, ['volume', 'add', 'bad name!', '/data'], 1, /^Error: Invalid volume source "bad name!"/);
  await refused(ctx, ['set-network', 'no such net'], 1, /^Error: Invalid network "no such net"/);
  await refused(ctx, ['env', 'set', '_JAVA=1'], 2, /^Error: Could not parse key-value pair: _JAVA=1/);
  await refused(ctx, ['set-entrypoint'], 2, /set-entrypoint takes either an entrypoint or --unset/);
  await refused(ctx, ['set-command'], 2, /set-command takes either a command or --unset/);
  assert.is((await run(ctx, 'image', 'get')).stdout, before);
  await ok(ctx, ['port', 'list'], '8080:80/tcp\n8080:81/udp\n');
});

test('named containers are separate; delete forgets one; volume remove -D deletes named volume data', async (ctx) => {
  await ok(ctx, ['image', 'set', '-c', 'worker', 'registry.example:5000/team/worker:2', '--no-pull']);
  await ok(ctx, ['image', 'get', '-c', 'worker'], 'registry.example:5000/team/worker:2\n');
  await ok(ctx, ['env', 'get', '-c', 'worker'], '');
  await ok(ctx, ['volume', 'add', '-c', 'worker', 'scratch', '/scratch']);
  const dataDir = join(ctx.dir, 'data');
  mkdirSync(join(dataDir, 'volumes', 'scratch'), { recursive: true });
  writeFileSync(join(dataDir, 'volumes', 'scratch', 'file'), 'x');
  await ok(ctx, ['volume', 'remove', '-c', 'worker', '/scratch', '--delete-data']);
  assert.not.ok(existsSync(join(dataDir, 'volumes', 'scratch')));
  const kept = await run(ctx, 'volume', 'remove', '/etc/ssl', '-D');
  assert.is(kept.exitCode, 0);
  assert.match(kept.stderr, /^Warning: Kept \/etc\/ssl: --delete-data only deletes named volumes, not host paths\.\n$/);
  await ok(ctx, ['delete', '-c', 'worker']);
  await ok(ctx, ['image', 'get', '-c', 'worker'], '\n');
  await ok(ctx, ['image', 'get'], 'nginx:1.27\n');
});

test('apply-updates is a no-op with use-docker: false', async (ctx) => {
  await ok(ctx, ['apply-updates']);
});

test.run();
