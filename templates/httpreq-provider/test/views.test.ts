import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { removeDir, tempDir, waitFor } from '@lucky/test-utils';
import { allowDomains, createUser } from '../src/db/commands.js';
import { writeDatabase } from '../src/db/store.js';
import { emptyDatabase, type Database } from '../src/db/schema.js';
import { parseRepositoryUrl } from '../src/git/repo-url.js';
import { ZoneRepository } from '../src/git/zone-repository.js';
import { startServer, type ProviderServer } from '../src/http/server.js';
import { bareRepo, basic, BIN, cli, show } from './support.js';

const ZONE = 'site 600 IN A 192.0.2.1\n';
const DOMAIN_USER = basic('dom', 'dom-pw');
const SUB_USER = basic('sub', 'sub-pw');
const NOBODY = basic('nobody', 'nobody-pw');

interface Ctx {
  dir: string;
  bare: string;
  db: string;
  server: ProviderServer;
  logs: string[];
}

async function seed(db: string): Promise<void> {
  let data: Database = emptyDatabase();
  for (const [user, password] of [
    ['dom', 'dom-pw'],
    ['sub', 'sub-pw'],
    ['nobody', 'nobody-pw'],
  ] as const) {
    data = (await createUser(data, user, password)).db!;
  }
  data = allowDomains(data, 'dom', ['example.com', 'example.org'], []).db!;
  data = allowDomains(data, 'sub', [], ['example.com']).db!;
  await writeDatabase(db, data);
}

/** What lego 4.9 sends: compact JSON with a trailing newline, Go's headers, Basic auth. */
function lego(ctx: Ctx, path: string, body: unknown, auth: string | null = DOMAIN_USER, init: RequestInit = {}) {
  return fetch(`${ctx.server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Go-http-client/1.1', ...(auth === null ? {} : { Authorization: auth }) },
    body: `${JSON.stringify(body)}\n`,
    redirect: 'manual',
    ...init,
  });
}

const test = suite<Ctx>('the httpreq endpoint over HTTP, with a real git repository');

test.before(async (ctx) => {
  ctx.dir = await tempDir('httpreq-views-');
  ctx.bare = await bareRepo(ctx.dir, { 'example.com.domain': ZONE, 'README.md': 'zones\n' });
  ctx.db = join(ctx.dir, 'users.json');
  await seed(ctx.db);
  ctx.logs = [];
  const repository = new ZoneRepository({ location: { ...parseRepositoryUrl(`${ctx.bare}@main`), user: 'git' }, workdir: join(ctx.dir, 'work') });
  ctx.server = await startServer({ host: '127.0.0.1', port: 0, db: ctx.db, repository, log: (_level, line) => ctx.logs.push(line) });
});

test.after(async (ctx) => {
  await ctx.server.close();
  await removeDir(ctx.dir);
});

test('401 without auth, with an empty header, with bad credentials; Basic challenge, DRF bodies', async (ctx) => {
  for (const path of ['/present', '/cleanup']) {
    const cases: [string | null, string][] = [
      [null, 'Authentication credentials were not provided.'],
      ['', 'Authentication credentials were not provided.'],
      ['Basic', 'Invalid basic header. No credentials provided.'],
      [basic('invalid', 'invalid'), 'Invalid username/password.'],
      [basic('dom', 'wrong'), 'Invalid username/password.'],
    ];
    for (const [auth, detail] of cases) {
      const res = await lego(ctx, path, { fqdn: '_acme-challenge.example.com.', value: 'v' }, auth);
      assert.is(res.status, 401, `${path} ${auth}`);
      assert.is(res.headers.get('www-authenticate'), 'Basic realm="api"');
      assert.equal(await res.json(), { detail });
    }
  }
});

test('405 for other methods when authenticated, 401 when not', async (ctx) => {
  for (const path of ['/present', '/cleanup']) {
    const res = await fetch(`${ctx.server.url}${path}`, { headers: { Authorization: DOMAIN_USER } });
    assert.is(res.status, 405);
    assert.equal(await res.json(), { detail: 'Method "GET" not allowed.' });
    assert.is((await fetch(`${ctx.server.url}${path}`, { method: 'PUT' })).status, 401);
  }
});

test('403 without a grant, with the reason; subdomain grants exclude the apex', async (ctx) => {
  const none = await lego(ctx, '/present', { fqdn: '_acme-challenge.example.com.', value: 'v' }, NOBODY);
  assert.is(none.status, 403);
  assert.is(await none.text(), 'The user nobody does not have permission to manage _acme-challenge.example.com');
  const apex = await lego(ctx, '/present', { fqdn: '_acme-challenge.example.com.', value: 'v' }, SUB_USER);
  assert.is(apex.status, 403, 'a subdomain grant does not cover the domain itself');
  const cleanup = await lego(ctx, '/cleanup', { fqdn: '_acme-challenge.other.test.', value: 'v' }, DOMAIN_USER);
  assert.is(cleanup.status, 403);
  assert.is(await show(ctx.bare, 'example.com.domain'), ZONE, 'nothing written');
});

test('204 with domain access (trailing dot accepted), value added to the zone file, and removed on cleanup', async (ctx) => {
  const res = await lego(ctx, '/present', { fqdn: '_acme-challenge.example.com.', value: 'dom-value' });
  assert.is(res.status, 204);
  assert.is(await res.text(), '');
  assert.is(await show(ctx.bare, 'example.com.domain'), `${ZONE}_acme-challenge 600 IN TXT "dom-value"\n`);
  assert.is((await lego(ctx, '/cleanup', { fqdn: '_acme-challenge.example.com', value: 'dom-value' })).status, 204, 'without the dot too');
  assert.is(await show(ctx.bare, 'example.com.domain'), ZONE);
});

test('204 with subdomain access at any depth, under any path prefix', async (ctx) => {
  for (const [path, name] of [
    ['/present', 'test'],
    ['/api/acme/present', 'a.b'],
  ] as const) {
    const res = await lego(ctx, path, { fqdn: `_acme-challenge.${name}.example.com.`, value: `sub-${name}` }, SUB_USER);
    assert.is(res.status, 204, path);
  }
  assert.is(await show(ctx.bare, 'example.com.domain'), `${ZONE}_acme-challenge.test 600 IN TXT "sub-test"\n_acme-challenge.a.b 600 IN TXT "sub-a.b"\n`);
  for (const [path, name] of [
    ['/cleanup', 'test'],
    ['/api/acme/cleanup', 'a.b'],
  ] as const) {
    assert.is((await lego(ctx, path, { fqdn: `_acme-challenge.${name}.example.com.`, value: `sub-${name}` }, SUB_USER)).status, 204);
  }
  assert.is(await show(ctx.bare, 'example.com.domain'), ZONE);
});

test('cleanup of a record that is not there is 204 (defect c)', async (ctx) => {
  assert.is((await lego(ctx, '/cleanup', { fqdn: '_acme-challenge.example.com.', value: 'never' })).status, 204);
});

test('400 with Django form errors as JSON', async (ctx) => {
  const invalid = '{"fqdn": [{"message": "Please provide a valid FQDN", "code": "invalid"}]}';
  for (const fqdn of ['_acme-challenge.example-.com', 'example.com', 'example-.com', '_acme-challenge.com', '*.example.com']) {
    const res = await lego(ctx, '/present', { fqdn, value: 'v' });
    assert.is(res.status, 400, fqdn);
    assert.is(await res.text(), invalid, fqdn);
  }
  const missing = await lego(ctx, '/cleanup', {});
  assert.is(missing.status, 400);
  assert.is(
    await missing.text(),
    '{"fqdn": [{"message": "Please provide a valid FQDN", "code": "invalid"}], "value": [{"message": "This field is required.", "code": "required"}]}',
  );
  const empty = await lego(ctx, '/present', { fqdn: '', value: ' ' });
  assert.is(
    await empty.text(),
    '{"fqdn": [{"message": "This field is required.", "code": "required"}], "value": [{"message": "This field is required.", "code": "required"}]}',
  );
  const injected = await lego(ctx, '/present', { fqdn: '_acme-challenge.example.com.', value: 'x"\nwww 600 IN A 192.0.2.66\n;' });
  assert.is(injected.status, 400, 'a value cannot add other records to the zone');
  assert.is(await injected.text(), '{"value": [{"message": "Enter a valid value.", "code": "invalid"}]}');
  const notJson = await lego(ctx, '/present', undefined, DOMAIN_USER, { body: '{"fqdn":' });
  assert.is(notJson.status, 400);
  assert.match(((await notJson.json()) as { detail: string }).detail, /^JSON parse error - /);
  const text = await lego(ctx, '/present', undefined, DOMAIN_USER, { body: 'fqdn', headers: { 'Content-Type': 'text/plain', Authorization: DOMAIN_USER } });
  assert.is(text.status, 415);
});

test('500 with the backend error when the zone file is missing', async (ctx) => {
  const res = await lego(ctx, '/present', { fqdn: '_acme-challenge.example.org.', value: 'v' });
  assert.is(res.status, 500);
  assert.is(
    await res.text(),
    'example.org.domain file not found in git repository. Is this site configured for DNS? Check httprequest-lego-provider for more details.',
  );
});

test('RAW mode: the record is computed from domain and keyAuth', async (ctx) => {
  const keyAuth = 'cY5mToken.eTwhThumbprint';
  const value = createHash('sha256').update(keyAuth).digest('base64url');
  assert.is(value.length, 43);
  const res = await lego(ctx, '/present', { domain: 'raw.example.com', token: 'cY5mToken', keyAuth }, SUB_USER);
  assert.is(res.status, 204);
  assert.is(await show(ctx.bare, 'example.com.domain'), `${ZONE}_acme-challenge.raw 600 IN TXT "${value}"\n`);
  assert.is((await lego(ctx, '/cleanup', { domain: 'raw.example.com', token: 'cY5mToken', keyAuth }, SUB_USER)).status, 204);
  assert.is(await show(ctx.bare, 'example.com.domain'), ZONE);
});

test('form-encoded and multipart bodies, as DRF accepts them', async (ctx) => {
  const form = await fetch(`${ctx.server.url}/present`, {
    method: 'POST',
    headers: { Authorization: SUB_USER },
    body: new URLSearchParams({ fqdn: '_acme-challenge.form.example.com', value: 'form-v' }),
  });
  assert.is(form.status, 204);
  const data = new FormData();
  data.set('fqdn', '_acme-challenge.form.example.com.');
  data.set('value', 'form-v');
  const multipart = await fetch(`${ctx.server.url}/cleanup`, { method: 'POST', headers: { Authorization: SUB_USER }, body: data });
  assert.is(multipart.status, 204);
  assert.is(await show(ctx.bare, 'example.com.domain'), ZONE);
});

test('no trailing slash, no redirect; /healthz answers without auth', async (ctx) => {
  const slash = await lego(ctx, '/present/', { fqdn: '_acme-challenge.example.com.', value: 'v' });
  assert.is(slash.status, 404);
  const health = await fetch(`${ctx.server.url}/healthz`);
  assert.is(health.status, 200);
  assert.is(await health.text(), 'ok');
  assert.ok(
    ctx.logs.some((line) => line.startsWith('POST /present 204 ') && line.includes('user=dom')),
    'requests are logged with their user',
  );
});

test('an unparsable request target is a 404, and the service keeps serving', async (ctx) => {
  const { port } = ctx.server;
  const reply = await new Promise<string>((resolve, reject) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  assert.match(reply, /^HTTP\/1\.1 404 /);
  assert.is((await fetch(`${ctx.server.url}/healthz`)).status, 200);
});

test('users and grants changed by the CLI apply at once; create-user on an existing user rotates the password', async (ctx) => {
  const created = await cli(['create-user', 'carol', '--password', 'first'], { db: ctx.db });
  assert.is(created.stdout, 'Created "carol" with password "first"\n');
  await cli(['allow-domains', 'carol', '--subdomains', 'example.com'], { db: ctx.db });
  const carol = (password: string) => lego(ctx, '/cleanup', { fqdn: '_acme-challenge.c.example.com.', value: 'x' }, basic('carol', password));
  assert.is((await carol('first')).status, 204);
  const updated = await cli(['create-user', 'carol'], { db: ctx.db });
  const password = /^Updated "carol" with password "([A-Za-z0-9_-]{40})"\n$/.exec(updated.stdout)?.[1];
  assert.ok(password, updated.stdout);
  assert.is((await carol('first')).status, 401, 'the old password no longer works');
  assert.is((await carol(password)).status, 204, 'the new one does');
  await cli(['revoke-domains', 'carol', '--subdomains', 'example.com'], { db: ctx.db });
  assert.is((await carol(password)).status, 403);
});

test.run();

// ---- the real `serve` process, configured by its environment ----

function spawnServe(env: Record<string, string>) {
  return execa('node', [BIN, 'serve'], { env, reject: false, all: true });
}

const serve = suite<{ dir: string; bare: string; child?: ReturnType<typeof spawnServe>; output: string }>('httpreq-provider serve');

serve.before(async (ctx) => {
  ctx.dir = await tempDir('httpreq-serve-');
  ctx.bare = await bareRepo(ctx.dir, { 'example.com.domain': ZONE });
  ctx.output = '';
});

serve.after(async (ctx) => {
  if (ctx.child?.pid !== undefined && ctx.child.exitCode === null) ctx.child.kill('SIGTERM');
  await ctx.child?.catch(() => undefined);
  await removeDir(ctx.dir);
});

serve('serves from its environment, logs each request, stops on SIGTERM', async (ctx) => {
  const db = join(ctx.dir, 'users.json');
  await cli(['create-user', 'u', '--password', 'p'], { db });
  await cli(['allow-domains', 'u', '--domains', 'example.com'], { db });
  const tmp = join(ctx.dir, 'tmp');
  await mkdir(tmp);
  const child = spawnServe({ HTTPREQ_LISTEN: '127.0.0.1:0', HTTPREQ_GIT_REPO: `file://${ctx.bare}@main`, HTTPREQ_DB: db, TMPDIR: tmp, HOME: ctx.dir });
  ctx.child = child;
  child.all.on('data', (chunk: Buffer) => (ctx.output += chunk.toString()));
  const port = await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(ctx.output)?.[1], 'the listening line');
  const url = `http://127.0.0.1:${port}`;
  assert.is(await (await fetch(`${url}/healthz`)).text(), 'ok');
  const res = await fetch(`${url}/present`, {
    method: 'POST',
    headers: { Authorization: basic('u', 'p'), 'Content-Type': 'application/json' },
    body: '{"fqdn":"_acme-challenge.example.com.","value":"served"}\n',
  });
  assert.is(res.status, 204);
  assert.is(await show(ctx.bare, 'example.com.domain'), `${ZONE}_acme-challenge 600 IN TXT "served"\n`);
  await waitFor(() => ctx.output.includes('POST /present 204'), 'the request log line');
  child.kill('SIGTERM');
  const result = await child;
  assert.is(result.exitCode, 0, ctx.output);
  assert.match(ctx.output, /SIGTERM: stopping/);
  assert.equal(await readdir(tmp), [], 'the working clone it made is gone');
});

serve('a malformed HTTPREQ_GIT_REPO: the service still answers, present says why it cannot write', async (ctx) => {
  const db = join(ctx.dir, 'users2.json');
  await cli(['create-user', 'u', '--password', 'p'], { db });
  await cli(['allow-domains', 'u', '--domains', 'example.com'], { db });
  let output = '';
  const child = spawnServe({ HTTPREQ_LISTEN: '127.0.0.1:0', HTTPREQ_GIT_REPO: 'https://git.example/zones', HTTPREQ_DB: db, HOME: ctx.dir });
  child.all.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const port = await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1], 'the listening line');
    assert.match(output, /ERROR HTTPREQ_GIT_REPO "https:\/\/git\.example\/zones" is not a repository URL/);
    const res = await fetch(`http://127.0.0.1:${port}/present`, {
      method: 'POST',
      headers: { Authorization: basic('u', 'p'), 'Content-Type': 'application/json' },
      body: '{"fqdn":"_acme-challenge.example.com.","value":"v"}',
    });
    assert.is(res.status, 500);
    assert.match(
      await res.text(),
      /^HTTPREQ_GIT_REPO "https:\/\/git\.example\/zones" is not a repository URL: .* Check httprequest-lego-provider for more details\.$/,
    );
  } finally {
    child.kill('SIGTERM');
    await child;
  }
});

serve.run();
