import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { removeDir, tempDir, waitFor } from '@lucky/test-utils';
import { allowDomains, createUser } from '../src/db/commands.js';
import { emptyDatabase } from '../src/db/schema.js';
import { writeDatabase } from '../src/db/store.js';
import { parseRepositoryUrl } from '../src/git/repo-url.js';
import { ZoneRepository } from '../src/git/zone-repository.js';
import { startServer, type ProviderServer } from '../src/http/server.js';
import { bareRepo, show } from './support.js';

// The real client: Debian's lego (4.9.x) against Debian's pebble ACME server, with
// pebble-challtestsrv answering DNS from the zone file the service pushed (reference §3.3).

const PACKAGES: Readonly<Record<string, string>> = { lego: '/usr/bin/lego', pebble: '/usr/bin/pebble-challtestsrv', openssl: '/usr/bin/openssl' };

async function ensurePackages(): Promise<void> {
  const missing = Object.entries(PACKAGES)
    .filter(([, file]) => !existsSync(file))
    .map(([name]) => name);
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { env, stdin: 'ignore' });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...missing], { env, stdin: 'ignore' });
}

function freePort(udp = false): Promise<number> {
  return new Promise((resolve, reject) => {
    if (udp) {
      const socket = createSocket('udp4');
      socket.bind(0, '127.0.0.1', () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
      return;
    }
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function daemon(file: string, args: readonly string[], env: Record<string, string> = {}) {
  return execa(file, args, { reject: false, all: true, env, stdin: 'ignore' });
}

interface Ctx {
  dir: string;
  bare: string;
  server: ProviderServer;
  logs: string[];
  daemons: ReturnType<typeof daemon>[];
  acme: string;
  dns: string;
  bridge?: NodeJS.Timeout;
  runs: number;
}

/** Mirrors the zone file's TXT lines into challtestsrv, as a DNS pipeline would publish them. */
function startBridge(ctx: Ctx, management: string): NodeJS.Timeout {
  let last: string | undefined;
  let hosts = new Set<string>();
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const content = await show(ctx.bare, 'example.test.domain');
      if (content === last) return;
      last = content;
      const records = content
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((t) => t[3] === 'TXT' && t[4] !== undefined)
        .map((t) => ({ host: `${t[0]}.example.test.`, value: t[4]!.replaceAll('"', '') }));
      for (const host of new Set([...hosts, ...records.map((r) => r.host)]))
        await fetch(`${management}/clear-txt`, { method: 'POST', body: JSON.stringify({ host }) });
      for (const record of records) await fetch(`${management}/set-txt`, { method: 'POST', body: JSON.stringify(record) });
      hosts = new Set(records.map((r) => r.host));
    })()
      // A failed round (the test tearing down) is retried by the next tick, or ends with the interval.
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 100);
}

async function lego(ctx: Ctx, env: Record<string, string>, domains: readonly string[]) {
  const path = join(ctx.dir, `lego-${++ctx.runs}`);
  const result = await execa(
    'lego',
    [
      '--server',
      ctx.acme,
      '--email',
      'test@example.org',
      '--accept-tos',
      '--dns',
      'httpreq',
      '--dns.resolvers',
      ctx.dns,
      '--dns.disable-cp',
      ...domains.flatMap((d) => ['-d', d]),
      '--path',
      path,
      'run',
    ],
    {
      env: { LEGO_CA_CERTIFICATES: join(ctx.dir, 'cert.pem'), HTTPREQ_POLLING_INTERVAL: '1', HTTPREQ_PROPAGATION_TIMEOUT: '20', ...env },
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: 120_000,
    },
  );
  return { exitCode: result.exitCode, output: String(result.all), path };
}

async function names(certificate: string): Promise<string[]> {
  const { stdout } = await execa('openssl', ['x509', '-in', certificate, '-noout', '-ext', 'subjectAltName']);
  return [...String(stdout).matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]!).sort();
}

const test = suite<Ctx>('a real lego obtains certificates through the service (Debian lego + pebble, offline)');

test.before(async (ctx) => {
  await ensurePackages();
  ctx.dir = await tempDir('httpreq-lego-');
  ctx.daemons = [];
  ctx.logs = [];
  ctx.runs = 0;
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(ctx.dir, 'key.pem'),
    '-out',
    join(ctx.dir, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  const [acmePort, acmeManagement, dnsPort, dnsManagement] = [await freePort(), await freePort(), await freePort(true), await freePort()];
  const config = join(ctx.dir, 'pebble.json');
  await writeFile(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${acmeManagement}`,
        certificate: join(ctx.dir, 'cert.pem'),
        privateKey: join(ctx.dir, 'key.pem'),
        httpPort: 5002,
        tlsPort: 5001,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  ctx.dns = `127.0.0.1:${dnsPort}`;
  ctx.daemons.push(
    daemon('pebble-challtestsrv', ['-dns01', ctx.dns, '-management', `127.0.0.1:${dnsManagement}`, '-http01', '', '-https01', '', '-tlsalpn01', '']),
  );
  ctx.daemons.push(
    daemon('pebble', ['-config', config, '-dnsserver', ctx.dns], { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' }),
  );
  ctx.acme = `https://127.0.0.1:${acmePort}/dir`;
  await waitFor(() => accepts(acmePort), 'pebble');
  await waitFor(() => accepts(dnsManagement), 'pebble-challtestsrv');

  ctx.bare = await bareRepo(ctx.dir, { 'example.test.domain': '; example.test\n' });
  let db = (await createUser(emptyDatabase(), 'lego', 'lego-pw')).db!;
  db = allowDomains(db, 'lego', ['example.test'], ['example.test']).db!;
  db = (await createUser(db, 'stranger', 'stranger-pw')).db!;
  await writeDatabase(join(ctx.dir, 'users.json'), db);
  await mkdir(join(ctx.dir, 'work'));
  const repository = new ZoneRepository({ location: parseRepositoryUrl(`${ctx.bare}@main`), workdir: join(ctx.dir, 'work') });
  ctx.server = await startServer({ host: '127.0.0.1', port: 0, db: join(ctx.dir, 'users.json'), repository, log: (_level, line) => ctx.logs.push(line) });
  ctx.bridge = startBridge(ctx, `http://127.0.0.1:${dnsManagement}`);
});

test.after(async (ctx) => {
  if (ctx.bridge) clearInterval(ctx.bridge);
  await ctx.server?.close();
  for (const child of ctx.daemons) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  await Promise.all(ctx.daemons);
  await removeDir(ctx.dir);
});

test('apex + wildcard under a path prefix: both values coexist, the certificate names both, the zone ends clean', async (ctx) => {
  const run = await lego(ctx, { HTTPREQ_ENDPOINT: `${ctx.server.url}/acme`, HTTPREQ_USERNAME: 'lego', HTTPREQ_PASSWORD: 'lego-pw' }, [
    'example.test',
    '*.example.test',
  ]);
  assert.is(run.exitCode, 0, run.output);
  assert.equal(await names(join(run.path, 'certificates', 'example.test.crt')), ['*.example.test', 'example.test']);
  assert.is(await show(ctx.bare, 'example.test.domain'), '; example.test\n');
  const served = ctx.logs.filter((line) => line.includes('fqdn=_acme-challenge.example.test committed'));
  assert.is(served.filter((line) => line.startsWith('POST /acme/present 204 ')).length, 2, ctx.logs.join('\n'));
  assert.is(served.filter((line) => line.startsWith('POST /acme/cleanup 204 ')).length, 2, ctx.logs.join('\n'));
});

test('RAW mode', async (ctx) => {
  const run = await lego(ctx, { HTTPREQ_ENDPOINT: ctx.server.url, HTTPREQ_MODE: 'RAW', HTTPREQ_USERNAME: 'lego', HTTPREQ_PASSWORD: 'lego-pw' }, [
    'raw.example.test',
  ]);
  assert.is(run.exitCode, 0, run.output);
  assert.equal(await names(join(run.path, 'certificates', 'raw.example.test.crt')), ['raw.example.test']);
  assert.is(await show(ctx.bare, 'example.test.domain'), '; example.test\n');
});

test('a bad password and a user without a grant are refused: lego fails', async (ctx) => {
  const bad = await lego(ctx, { HTTPREQ_ENDPOINT: ctx.server.url, HTTPREQ_USERNAME: 'lego', HTTPREQ_PASSWORD: 'wrong' }, ['example.test']);
  assert.is(bad.exitCode, 1);
  assert.match(bad.output, /httpreq: 401: request failed/);
  const stranger = await lego(ctx, { HTTPREQ_ENDPOINT: ctx.server.url, HTTPREQ_USERNAME: 'stranger', HTTPREQ_PASSWORD: 'stranger-pw' }, ['example.test']);
  assert.is(stranger.exitCode, 1);
  assert.match(stranger.output, /httpreq: 403: request failed: The user stranger does not have permission to manage _acme-challenge\.example\.test/);
});

test.run();
