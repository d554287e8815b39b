import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir } from '@lucky/test-utils';
import { verifyPassword } from '../src/db/password.js';
import { parseDatabase } from '../src/db/store.js';
import { cli } from './support.js';

interface Ctx {
  dir: string;
  db: string;
}

const test = suite<Ctx>('management commands: Canonical outputs and errors');

test.before.each(async (ctx) => {
  ctx.dir = await tempDir('httpreq-cmd-');
  ctx.db = join(ctx.dir, 'users.json');
});

test.after.each(async (ctx) => {
  await removeDir(ctx.dir);
});

const run = (ctx: Ctx, ...args: string[]) => cli(args, { db: ctx.db });

test('create_user: creation, generated password, invalid username; existing user updated (defect g)', async (ctx) => {
  const created = await run(ctx, 'create-user', 'test_user', '--password', 'pw');
  assert.equal(created, { stdout: 'Created "test_user" with password "pw"\n', stderr: '', exitCode: 0 });
  const generated = await run(ctx, 'create-user', 'other');
  assert.match(generated.stdout, /^Created "other" with password "[A-Za-z0-9_-]{40}"\n$/);
  const invalid = await run(ctx, 'create-user', 'bad user!');
  assert.equal(invalid, {
    stdout: '',
    stderr: "CommandError: Invalid user 'bad user!': ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.']\n",
    exitCode: 1,
  });
  const updated = await run(ctx, 'create-user', 'test_user', '--password', 'new');
  assert.equal(updated, { stdout: 'Updated "test_user" with password "new"\n', stderr: '', exitCode: 0 });
  const db = parseDatabase(await readFile(ctx.db, 'utf8'), 'db');
  const user = db.users.find((u) => u.username === 'test_user')!;
  assert.ok(await verifyPassword('new', user.password), 'the new password is stored');
  assert.not.ok(await verifyPassword('pw', user.password), 'the old one is gone');
  assert.not.ok(JSON.stringify(db).includes('"new"'), 'only a hash is stored');
  assert.is((await stat(ctx.db)).mode & 0o777, 0o600);
});

test('allow_domains: domains only, subdomains only, both; unknown user; invalid FQDN keeps the valid ones', async (ctx) => {
  await run(ctx, 'create-user', 'test', '--password', 'p');
  assert.equal(await run(ctx, 'allow-domains', 'test', '--domains', 'example.com,sub.example.com'), {
    stdout: 'Successfully granted access to all domains.\n',
    stderr: '',
    exitCode: 0,
  });
  assert.is((await run(ctx, 'allow-domains', 'test', '--subdomains', 'example.com')).stdout, 'Successfully granted access to all domains.\n');
  assert.is((await run(ctx, 'allow-domains', 'test', '--domains', 'both.com', '--subdomains', 'both.com')).exitCode, 0);
  assert.equal(await run(ctx, 'allow-domains', 'nobody', '--domains', 'example.com'), {
    stdout: '',
    stderr: 'CommandError: User "nobody" does not exist\n',
    exitCode: 1,
  });
  const invalid = await run(ctx, 'allow-domains', 'test', '--domains', 'example-.com,good.com', '--subdomains', '_x.com');
  assert.equal(invalid, {
    stdout: '',
    stderr:
      "CommandError: Failed to grant access to the following domains: \n[Domain: example-.com, Access: domain] ValidationError: ['Enter a valid FQDN.']\n[Domain: _x.com, Access: subdomain] ValidationError: ['Enter a valid FQDN.']\n",
    exitCode: 1,
  });
  assert.equal(await run(ctx, 'allow-domains', 'test'), { stdout: '', stderr: 'CommandError: Give --domains, --subdomains or both.\n', exitCode: 1 });
  assert.is(
    (await run(ctx, 'list-domains', 'test')).stdout,
    '\ntest:\n    domains:\n        both.com, example.com, good.com, sub.example.com\n    subdomains:\n        both.com, example.com\n',
  );
});

test("list_domains: one user, '*' exactly as Canonical's test, unknown user", async (ctx) => {
  await run(ctx, 'create-user', 'test_user', '--password', 'p');
  await run(ctx, 'allow-domains', 'test_user', '--domains', 'some.com,example.es,example2.com', '--subdomains', 'example2.com,some.com,example.es');
  const all = await run(ctx, 'list-domains', '*');
  assert.is(
    all.stdout,
    '\ntest_user:\n    domains:\n        example.es, example2.com, some.com\n    subdomains:\n        example.es, example2.com, some.com\n',
  );
  await run(ctx, 'create-user', 'bare', '--password', 'p');
  await run(ctx, 'create-user', 'subs', '--password', 'p');
  await run(ctx, 'allow-domains', 'subs', '--subdomains', 'a.com');
  assert.is(
    (await run(ctx, 'list-domains', '*')).stdout,
    '\ntest_user:\n    domains:\n        example.es, example2.com, some.com\n    subdomains:\n        example.es, example2.com, some.com\n\nbare:\n\nsubs:\n    subdomains:\n        a.com\n',
    'users in creation order, empty sections left out',
  );
  assert.is((await run(ctx, 'list-domains', 'bare')).stdout, '\nbare:\n');
  assert.is((await run(ctx, 'list-domains', 'subs', '--format', 'json')).stdout, '{"username":"subs","domains":[],"subdomains":["a.com"]}\n');
  assert.equal(
    JSON.parse((await run(ctx, 'list-domains', '*', '--format', 'json')).stdout).map((u: { username: string }) => u.username),
    ['test_user', 'bare', 'subs'],
  );
  assert.equal(await run(ctx, 'list-domains', 'ghost'), { stdout: '', stderr: 'CommandError: User "ghost" does not exist\n', exitCode: 1 });
});

test('revoke_domains: subsets; unknown user; nonexistent domain; grant not held', async (ctx) => {
  await run(ctx, 'create-user', 'test', '--password', 'p');
  await run(ctx, 'create-user', 'other', '--password', 'p');
  await run(ctx, 'allow-domains', 'test', '--domains', 'example.com,sub.example.com', '--subdomains', 'example.com');
  await run(ctx, 'allow-domains', 'other', '--domains', 'theirs.com');
  assert.equal(await run(ctx, 'revoke-domains', 'test', '--subdomains', 'example.com'), {
    stdout: 'Successfully removed access to the domains.\n',
    stderr: '',
    exitCode: 0,
  });
  assert.is((await run(ctx, 'list-domains', 'test')).stdout, '\ntest:\n    domains:\n        example.com, sub.example.com\n');
  assert.equal(await run(ctx, 'revoke-domains', 'ghost', '--domains', 'example.com'), {
    stdout: '',
    stderr: 'CommandError: User "ghost" does not exist\n',
    exitCode: 1,
  });
  const failed = await run(ctx, 'revoke-domains', 'test', '--domains', 'nowhere.com,theirs.com,sub.example.com', '--subdomains', 'example.com');
  assert.equal(failed, {
    stdout: '',
    stderr:
      'CommandError: Failed to revoke access to the following domains: \n[Domain: nowhere.com, Access Level: domain] Domain does not exist.\n[Domain: theirs.com, Access Level: domain] Failed to delete domain user permission.\n[Domain: example.com, Access Level: subdomain] Failed to delete domain user permission.\n',
    exitCode: 1,
  });
  assert.is(
    (await run(ctx, 'list-domains', 'test')).stdout,
    '\ntest:\n    domains:\n        example.com\n',
    'the valid revocation in a failed run still applies',
  );
});

test('export-db and import-db: round trip, validation, no-op when identical', async (ctx) => {
  await run(ctx, 'create-user', 'a', '--password', 'pa');
  await run(ctx, 'allow-domains', 'a', '--domains', 'example.com');
  const exported = await run(ctx, 'export-db');
  assert.is(exported.exitCode, 0);
  const other = join(ctx.dir, 'replica.json');
  assert.equal(await cli(['import-db'], { db: other, input: exported.stdout }), { stdout: 'Database replaced (1 users).\n', stderr: '', exitCode: 0 });
  assert.is(await readFile(other, 'utf8'), exported.stdout, 'the replica holds the same bytes');
  assert.is((await stat(other)).mode & 0o777, 0o600);
  const before = await stat(other);
  assert.is((await cli(['import-db'], { db: other, input: exported.stdout })).stdout, 'Database unchanged (1 users).\n');
  assert.is((await stat(other)).ino, before.ino, 'an identical import leaves the file alone');
  assert.is((await cli(['list-domains', 'a'], { db: other })).stdout, '\na:\n    domains:\n        example.com\n');
  const bad = await cli(['import-db'], { db: other, input: '{"version":1,"users":[{"username":"x"}],"domains":[]}' });
  assert.is(bad.exitCode, 1);
  assert.match(bad.stderr, /^Error: The input is not a users database: users\.0\.password: /);
  assert.is(await readFile(other, 'utf8'), exported.stdout, 'a rejected import changes nothing');
  assert.is((await cli(['export-db'], { db: join(ctx.dir, 'none.json') })).stdout, '{"version":1,"users":[],"domains":[]}\n');
});

test("concurrent CLIs do not lose each other's updates (lock + atomic rename)", async (ctx) => {
  await run(ctx, 'create-user', 'u', '--password', 'p');
  const names = Array.from({ length: 8 }, (_, i) => `d${i}.example.com`);
  const results = await Promise.all(names.map((name) => run(ctx, 'allow-domains', 'u', '--domains', name)));
  assert.ok(results.every((r) => r.exitCode === 0));
  assert.is((await run(ctx, 'list-domains', 'u')).stdout, `\nu:\n    domains:\n        ${[...names].sort().join(', ')}\n`);
});

test('a lock left by a dead process is taken over', async (ctx) => {
  await writeFile(`${ctx.db}.lock`, '2147483646');
  assert.is((await run(ctx, 'create-user', 'u', '--password', 'p')).exitCode, 0);
});

test.run();
