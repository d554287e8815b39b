import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { removeDir, tempDir } from '@lucky/test-utils';
import { gitSshCommand } from '../src/commands/serve.js';
import { parseRepositoryUrl } from '../src/git/repo-url.js';
import { DnsSourceUpdateError, ZoneRepository } from '../src/git/zone-repository.js';
import { keyPair, SSH_USER, startTestSshd, type TestSshd } from './sshd.js';
import { bareRepo, commits, show } from './support.js';

interface Ctx {
  dir: string;
  bare: string;
  home: string;
  sshd: TestSshd;
}

const test = suite<Ctx>('zone files pushed over SSH to a real sshd on loopback');

test.before(async (ctx) => {
  ctx.dir = await tempDir('httpreq-ssh-');
  ctx.bare = await bareRepo(ctx.dir, { 'example.com.domain': 'site 600 IN A 192.0.2.1\n' });
  ctx.home = join(ctx.dir, 'home');
  await mkdir(join(ctx.home, '.ssh'), { recursive: true, mode: 0o700 });
  await keyPair(join(ctx.home, '.ssh', 'id_key'));
  ctx.sshd = await startTestSshd(join(ctx.dir, 'sshd'), '127.0.0.1', await readFile(join(ctx.home, '.ssh', 'id_key.pub'), 'utf8'));
  const scanned = await execa('ssh-keyscan', ['-p', String(ctx.sshd.port), '127.0.0.1']);
  await writeFile(join(ctx.home, '.ssh', 'known_hosts'), `${String(scanned.stdout)}\n`, { mode: 0o600 });
});

test.after(async (ctx) => {
  await ctx.sshd?.stop();
  await removeDir(ctx.dir);
});

function repository(ctx: Ctx, env: NodeJS.ProcessEnv, name: string): ZoneRepository {
  const url = `git+ssh://${SSH_USER}@127.0.0.1:${ctx.sshd.port}${ctx.bare}@main`;
  return new ZoneRepository({
    location: parseRepositoryUrl(url),
    workdir: join(ctx.dir, name),
    env: { PATH: process.env.PATH, ...env, GIT_SSH_COMMAND: gitSshCommand(env) },
  });
}

test('git+ssh://user@host:port/path@branch: the key and known_hosts from $HOME/.ssh, present and cleanup pushed', async (ctx) => {
  const zones = repository(ctx, { HOME: ctx.home }, 'a');
  assert.is(await zones.present('_acme-challenge.www.example.com', 'over-ssh'), 'committed');
  assert.is(await show(ctx.bare, 'example.com.domain'), 'site 600 IN A 192.0.2.1\n_acme-challenge.www 600 IN TXT "over-ssh"\n');
  assert.equal((await commits(ctx.bare))[0], {
    subject: 'Add _acme-challenge.www.example.com record',
    author: SSH_USER,
    email: `${SSH_USER}@httpreq-provider`,
  });
  assert.is(await zones.cleanup('_acme-challenge.www.example.com', 'over-ssh'), 'committed');
  assert.is(await show(ctx.bare, 'example.com.domain'), 'site 600 IN A 192.0.2.1\n');
});

test('an unknown host key is refused (StrictHostKeyChecking), as a backend error', async (ctx) => {
  const empty = join(ctx.dir, 'empty_known_hosts');
  await writeFile(empty, '');
  const zones = repository(ctx, { HOME: ctx.home, HTTPREQ_KNOWN_HOSTS_FILE: empty }, 'b');
  try {
    await zones.present('_acme-challenge.www.example.com', 'never');
    assert.unreachable('the host is not in known_hosts');
  } catch (error) {
    assert.instance(error, DnsSourceUpdateError);
    assert.match((error as Error).message, /^git clone failed \(exit 128\): .*Host key verification failed/, (error as Error).message);
  }
});

test.run();
