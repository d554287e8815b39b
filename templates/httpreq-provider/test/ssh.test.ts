import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { removeDir, tempDir, waitFor } from '@lucky/test-utils';
import { gitSshCommand } from '../src/commands/serve.js';
import { parseRepositoryUrl } from '../src/git/repo-url.js';
import { DnsSourceUpdateError, ZoneRepository } from '../src/git/zone-repository.js';
import { bareRepo, commits, show } from './support.js';

/** The account sshd lets in: this process's (sshd not run as root can admit no other). */
const USER = userInfo().username;

/** Debian's sshd, installed with apt-get when missing (CI's fresh machine). */
async function ensureSshd(): Promise<void> {
  if (existsSync('/usr/sbin/sshd') && existsSync('/usr/bin/ssh-keyscan')) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { env, stdin: 'ignore' });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'openssh-server', 'openssh-client'], {
    env,
    stdin: 'ignore',
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
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

function startSshd(config: string) {
  return execa('/usr/sbin/sshd', ['-D', '-e', '-f', config], { reject: false, all: true });
}

interface Ctx {
  dir: string;
  bare: string;
  port: number;
  home: string;
  sshd?: ReturnType<typeof startSshd>;
}

const test = suite<Ctx>('zone files pushed over SSH to a real sshd on loopback');

test.before(async (ctx) => {
  await ensureSshd();
  ctx.dir = await tempDir('httpreq-ssh-');
  ctx.bare = await bareRepo(ctx.dir, { 'example.com.domain': 'site 600 IN A 192.0.2.1\n' });
  const server = join(ctx.dir, 'sshd');
  await mkdir(server);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(server, 'host_key')]);
  ctx.home = join(ctx.dir, 'home');
  await mkdir(join(ctx.home, '.ssh'), { recursive: true, mode: 0o700 });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'httpreq-provider', '-f', join(ctx.home, '.ssh', 'id_key')]);
  await writeFile(join(server, 'authorized_keys'), await readFile(join(ctx.home, '.ssh', 'id_key.pub')));
  ctx.port = await freePort();
  await writeFile(
    join(server, 'sshd_config'),
    [
      `Port ${ctx.port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(server, 'host_key')}`,
      `AuthorizedKeysFile ${join(server, 'authorized_keys')}`,
      `PidFile ${join(server, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege separation directory.
  await mkdir('/run/sshd', { recursive: true });
  ctx.sshd = startSshd(join(server, 'sshd_config'));
  await waitFor(() => accepts(ctx.port), `sshd on 127.0.0.1:${ctx.port}`);
  const scanned = await execa('ssh-keyscan', ['-p', String(ctx.port), '127.0.0.1']);
  await writeFile(join(ctx.home, '.ssh', 'known_hosts'), `${String(scanned.stdout)}\n`, { mode: 0o600 });
  await chmod(join(ctx.home, '.ssh', 'id_key'), 0o600);
});

test.after(async (ctx) => {
  if (ctx.sshd?.pid !== undefined) process.kill(ctx.sshd.pid, 'SIGTERM');
  await ctx.sshd;
  await removeDir(ctx.dir);
});

function repository(ctx: Ctx, env: NodeJS.ProcessEnv, name: string): ZoneRepository {
  const url = `git+ssh://${USER}@127.0.0.1:${ctx.port}${ctx.bare}@main`;
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
  assert.equal((await commits(ctx.bare))[0], { subject: 'Add _acme-challenge.www.example.com record', author: USER, email: `${USER}@httpreq-provider` });
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
