import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir } from '@lucky/test-utils';
import { DnsSourceUpdateError, ZoneRepository } from '../src/git/zone-repository.js';
import { parseRepositoryUrl } from '../src/git/repo-url.js';
import { addRecord, findZone, recordLine, relativeName, removeRecord } from '../src/git/zone.js';
import { bareRepo, commits, git, show } from './support.js';

const OTHERS = 'site2 600 IN TXT "sometoken"\nsïte1 600 IN TXT "sometoken"\nsite3 600 IN TXT "sometoken"\n';

// ---- the pure edits (Canonical's test_dns name mapping and line format) ----

const zone = suite('zone files: names and lines');

zone('name mapping as Canonical: last two labels are the domain, the rest the record name', () => {
  assert.is(relativeName('site.example.com'), 'site');
  assert.is(relativeName('sïte.example.com'), 'sïte');
  assert.is(relativeName('example.com'), '.');
  assert.is(relativeName('some.other.site.example.com'), 'some.other.site');
  assert.is(recordLine('site', 'tok'), 'site 600 IN TXT "tok"\n');
});

zone('present appends after the other lines and keeps them (defect a)', () => {
  for (const [fqdn, name] of [
    ['site.example.com', 'site'],
    ['sïte.example.com', 'sïte'],
    ['some.other.site.example.com', 'some.other.site'],
  ] as const) {
    const found = findZone(fqdn, (file) => file === 'example.com.domain');
    assert.equal(found, { domain: 'example.com', name });
    assert.is(addRecord(OTHERS, name, 'v1'), `${OTHERS}${name} 600 IN TXT "v1"\n`);
  }
  const two = addRecord(addRecord(OTHERS, 'site', 'v1'), 'site', 'v2');
  assert.is(two, `${OTHERS}site 600 IN TXT "v1"\nsite 600 IN TXT "v2"\n`, 'a second value for the same name is added, not swapped in');
  assert.is(addRecord(two, 'site', 'v1'), two, 'the same value twice is no change');
  assert.is(addRecord('a 600 IN TXT "x"', 'b', 'y'), 'a 600 IN TXT "x"\nb 600 IN TXT "y"\n', 'a file without its final newline gets one first');
});

zone('cleanup removes only the line with its value (defect b), other types and comments stay', () => {
  const content = `; zone for example.com\nsite 600 IN A 192.0.2.1\nsite 600 IN TXT "keep"\n${OTHERS}site 600 IN TXT "drop"\n`;
  assert.is(removeRecord(content, 'site', 'drop'), `; zone for example.com\nsite 600 IN A 192.0.2.1\nsite 600 IN TXT "keep"\n${OTHERS}`);
  assert.is(removeRecord(content, 'site', 'absent'), content, 'a missing record is no change');
  assert.is(removeRecord(content, 'sit', 'drop'), content, 'another name is untouched');
});

zone('zone file: the longest existing suffix (defect e), else none', () => {
  const files = new Set(['example.co.uk.domain', 'co.uk.domain', 'example.com.domain', 'sub.example.com.domain']);
  const exists = (file: string) => files.has(file);
  assert.equal(findZone('_acme-challenge.www.example.co.uk', exists), { domain: 'example.co.uk', name: '_acme-challenge.www' });
  assert.equal(findZone('_acme-challenge.a.sub.example.com', exists), { domain: 'sub.example.com', name: '_acme-challenge.a' });
  assert.equal(findZone('_acme-challenge.example.com', exists), { domain: 'example.com', name: '_acme-challenge' });
  assert.is(findZone('_acme-challenge.example.org', exists), undefined);
});

zone('parse_repository_url cases, host:port kept', () => {
  assert.equal(parseRepositoryUrl('git+ssh://user@git.server/repo_name'), { user: 'user', url: 'git+ssh://user@git.server/repo_name', branch: undefined });
  assert.equal(parseRepositoryUrl('git+ssh://user1@git.server:8080/repo_name@main'), {
    user: 'user1',
    url: 'git+ssh://user1@git.server:8080/repo_name',
    branch: 'main',
  });
  assert.equal(parseRepositoryUrl('ssh://git@10.0.0.1:2222/srv/zones.git@lego'), { user: 'git', url: 'ssh://git@10.0.0.1:2222/srv/zones.git', branch: 'lego' });
  assert.equal(parseRepositoryUrl('/srv/zones.git@main'), { user: 'httpreq-provider', url: '/srv/zones.git', branch: 'main' });
  assert.equal(parseRepositoryUrl('file:///srv/zones.git'), { user: 'httpreq-provider', url: 'file:///srv/zones.git', branch: undefined });
  for (const bad of ['https://host/repo', 'git+ssh://host/repo', 'git+ssh://user@host/repo@', 'git+ssh://a@b@c@d']) {
    assert.throws(() => parseRepositoryUrl(bad), /HTTPREQ_GIT_REPO/, bad);
  }
});

zone.run();

// ---- against a real bare repository ----

interface Ctx {
  dir: string;
  bare: string;
  repos: ZoneRepository[];
}

const repo = suite<Ctx>('zone files in a real git repository');

function open(ctx: Ctx, name: string, url = `${ctx.bare}@main`): ZoneRepository {
  const zones = new ZoneRepository({ location: { ...parseRepositoryUrl(url), user: 'git' }, workdir: join(ctx.dir, name) });
  ctx.repos.push(zones);
  return zones;
}

repo.before.each(async (ctx) => {
  ctx.dir = await tempDir('httpreq-git-');
  ctx.repos = [];
  ctx.bare = await bareRepo(ctx.dir, { 'example.com.domain': OTHERS, 'example.co.uk.domain': '; uk\n', 'README.md': 'zones\n' });
});

repo.after.each(async (ctx) => {
  await removeDir(ctx.dir);
});

repo('present: the line is appended in <domain>.domain, committed as the URL user and pushed', async (ctx) => {
  const zones = open(ctx, 'a');
  assert.is(await zones.present('_acme-challenge.site.example.com', 'v1'), 'committed');
  assert.is(await show(ctx.bare, 'example.com.domain'), `${OTHERS}_acme-challenge.site 600 IN TXT "v1"\n`);
  const [last] = await commits(ctx.bare);
  assert.equal(last, { subject: 'Add _acme-challenge.site.example.com record', author: 'git', email: 'git@httpreq-provider' });
  assert.is((await commits(ctx.bare)).length, 2, 'one commit per change');
  await zones.present('sïte.example.com', 'utf8');
  assert.ok((await show(ctx.bare, 'example.com.domain')).endsWith('\nsïte 600 IN TXT "utf8"\n'), 'a non-ASCII label is kept as UTF-8');
});

repo('apex + wildcard: two values for one name both stay, cleanup removes each in turn (defects a, b)', async (ctx) => {
  const zones = open(ctx, 'a');
  await zones.present('_acme-challenge.example.com', 'apex');
  await zones.present('_acme-challenge.example.com', 'wild');
  assert.is(await show(ctx.bare, 'example.com.domain'), `${OTHERS}_acme-challenge 600 IN TXT "apex"\n_acme-challenge 600 IN TXT "wild"\n`);
  assert.is(await zones.cleanup('_acme-challenge.example.com', 'apex'), 'committed');
  assert.is(await show(ctx.bare, 'example.com.domain'), `${OTHERS}_acme-challenge 600 IN TXT "wild"\n`);
  assert.is((await commits(ctx.bare))[0]?.subject, 'Remove _acme-challenge.example.com record');
  await zones.cleanup('_acme-challenge.example.com', 'wild');
  assert.is(await show(ctx.bare, 'example.com.domain'), OTHERS, 'the file ends as it started');
});

repo('no-op changes succeed without a commit (defect c)', async (ctx) => {
  const zones = open(ctx, 'a');
  const before = (await commits(ctx.bare)).length;
  assert.is(await zones.cleanup('_acme-challenge.site.example.com', 'never-added'), 'unchanged');
  await zones.present('_acme-challenge.site.example.com', 'v1');
  assert.is(await zones.present('_acme-challenge.site.example.com', 'v1'), 'unchanged');
  assert.is((await commits(ctx.bare)).length, before + 1, 'only the real change made a commit');
});

repo('multi-label public suffix: example.co.uk.domain is used (defect e)', async (ctx) => {
  const zones = open(ctx, 'a');
  await zones.present('_acme-challenge.www.example.co.uk', 'uk');
  assert.is(await show(ctx.bare, 'example.co.uk.domain'), '; uk\n_acme-challenge.www 600 IN TXT "uk"\n');
});

repo('missing zone file: Canonical\'s "configured for DNS" error, nothing pushed', async (ctx) => {
  const zones = open(ctx, 'a');
  for (const action of ['present', 'cleanup'] as const) {
    try {
      await zones[action]('_acme-challenge.site.example.org', 'v');
      assert.unreachable('no zone file must fail');
    } catch (error) {
      assert.instance(error, DnsSourceUpdateError);
      assert.is((error as Error).message, 'example.org.domain file not found in git repository. Is this site configured for DNS?');
    }
  }
  assert.is((await commits(ctx.bare)).length, 1);
});

repo('git failures are DnsSourceUpdateError (unreachable repository, unknown branch)', async (ctx) => {
  for (const url of [join(ctx.dir, 'missing.git'), `${ctx.bare}@nope`]) {
    try {
      await open(ctx, `x${ctx.repos.length}`, url).present('_acme-challenge.site.example.com', 'v');
      assert.unreachable(url);
    } catch (error) {
      assert.instance(error, DnsSourceUpdateError);
      assert.match((error as Error).message, /^git clone failed \(exit 128\): /);
    }
  }
});

repo('a rejected push is noticed, re-applied on the new head and retried (defect d)', async (ctx) => {
  const a = open(ctx, 'a');
  await a.present('_acme-challenge.one.example.com', 'v1');
  // The next push of clone a is beaten: its pre-push hook lands another writer's commit first, once.
  const other = join(ctx.dir, 'other');
  await git(ctx.dir, 'clone', '-q', ctx.bare, other);
  await writeFile(join(other, 'example.com.domain'), `${await show(ctx.bare, 'example.com.domain')}other 600 IN TXT "theirs"\n`);
  await git(other, 'commit', '-qam', 'their change');
  const hook = join(ctx.dir, 'a', 'clone', '.git', 'hooks', 'pre-push');
  const flag = join(ctx.dir, 'raced');
  await writeFile(hook, `#!/bin/sh\n[ -e '${flag}' ] && exit 0\ntouch '${flag}'\ngit -C '${other}' push -q origin HEAD:main\n`);
  await chmod(hook, 0o755);
  assert.is(await a.present('_acme-challenge.two.example.com', 'v2'), 'committed');
  assert.is(a.retries, 1, 'exactly one retry');
  assert.is(
    await show(ctx.bare, 'example.com.domain'),
    `${OTHERS}_acme-challenge.one 600 IN TXT "v1"\nother 600 IN TXT "theirs"\n_acme-challenge.two 600 IN TXT "v2"\n`,
    'both writers landed',
  );
  assert.equal((await commits(ctx.bare)).map((c) => c.subject).slice(0, 3), [
    'Add _acme-challenge.two.example.com record',
    'their change',
    'Add _acme-challenge.one.example.com record',
  ]);
});

repo('a unit acting on a stale head still decides on the remote: no-op and missing file are re-checked', async (ctx) => {
  const a = open(ctx, 'a');
  const b = open(ctx, 'b');
  await a.present('_acme-challenge.x.example.com', 'v');
  await b.cleanup('_acme-challenge.x.example.com', 'v');
  // a's clone still shows the value: the present must not be taken for a no-op.
  assert.is(await a.present('_acme-challenge.x.example.com', 'v'), 'committed');
  assert.is(await show(ctx.bare, 'example.com.domain'), `${OTHERS}_acme-challenge.x 600 IN TXT "v"\n`);
  // A zone file added by someone else after a cloned is found.
  const other = join(ctx.dir, 'other');
  await git(ctx.dir, 'clone', '-q', ctx.bare, other);
  await writeFile(join(other, 'example.net.domain'), '; net\n');
  await git(other, 'add', '-A');
  await git(other, 'commit', '-qm', 'add example.net');
  await git(other, 'push', '-q', 'origin', 'HEAD:main');
  assert.is(await a.present('_acme-challenge.example.net', 'n'), 'committed');
  assert.is(await show(ctx.bare, 'example.net.domain'), '; net\n_acme-challenge 600 IN TXT "n"\n');
});

repo('a push the server refuses is a 500-worthy error, and its commit never leaks into the next change', async (ctx) => {
  const a = open(ctx, 'a');
  await a.present('_acme-challenge.ok.example.com', 'first');
  const flag = join(ctx.dir, 'refuse');
  const hook = join(ctx.bare, 'hooks', 'pre-receive');
  await writeFile(hook, `#!/bin/sh\n[ -e '${flag}' ] && { echo 'zones are frozen' >&2; exit 1; }\nexit 0\n`);
  await chmod(hook, 0o755);
  await writeFile(flag, '');
  try {
    await a.present('_acme-challenge.refused.example.com', 'refused');
    assert.unreachable('the server refused the push');
  } catch (error) {
    assert.instance(error, DnsSourceUpdateError);
    assert.match((error as Error).message, /^git push failed \(exit 1\): .*zones are frozen/);
  }
  await removeDir(flag);
  await a.present('_acme-challenge.later.example.com', 'later');
  assert.is(await show(ctx.bare, 'example.com.domain'), `${OTHERS}_acme-challenge.ok 600 IN TXT "first"\n_acme-challenge.later 600 IN TXT "later"\n`);
});

repo('two units writing at once on two clones: every value lands', async (ctx) => {
  const a = open(ctx, 'a');
  const b = open(ctx, 'b');
  const names = Array.from({ length: 6 }, (_, i) => i);
  await Promise.all([
    ...names.map((i) => a.present(`_acme-challenge.a${i}.example.com`, `a${i}`)),
    ...names.map((i) => b.present(`_acme-challenge.b${i}.example.com`, `b${i}`)),
  ]);
  const content = await show(ctx.bare, 'example.com.domain');
  for (const i of names) {
    assert.ok(content.includes(`_acme-challenge.a${i} 600 IN TXT "a${i}"\n`), `a${i} landed`);
    assert.ok(content.includes(`_acme-challenge.b${i} 600 IN TXT "b${i}"\n`), `b${i} landed`);
  }
  assert.is((await commits(ctx.bare)).length, 1 + 2 * names.length, 'one commit each, none lost');
  await Promise.all([
    ...names.map((i) => a.cleanup(`_acme-challenge.a${i}.example.com`, `a${i}`)),
    ...names.map((i) => b.cleanup(`_acme-challenge.b${i}.example.com`, `b${i}`)),
  ]);
  assert.is(await show(ctx.bare, 'example.com.domain'), OTHERS, 'and every cleanup too');
});

repo.run();
