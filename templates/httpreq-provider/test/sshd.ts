import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { waitFor } from '@lucky/test-utils';

/** The account sshd lets in: this process's (an sshd not run as root can admit no other). */
export const SSH_USER = userInfo().username;

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

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function spawnSshd(config: string) {
  return execa('/usr/sbin/sshd', ['-D', '-e', '-f', config], { reject: false, all: true });
}

export interface TestSshd {
  readonly host: string;
  readonly port: number;
  /** Stops this sshd by its PID. */
  stop(): Promise<void>;
}

/** Generates an ed25519 key pair at `file` (and `file.pub`). */
export async function keyPair(file: string, type = 'ed25519'): Promise<void> {
  await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'httpreq-provider', '-f', file]);
}

/**
 * Debian's sshd on `host` (a free port), its own host key and config in `dir`, admitting
 * SSH_USER with the public key in `authorizedKey`.
 */
export async function startTestSshd(dir: string, host: string, authorizedKey: string): Promise<TestSshd> {
  await ensureSshd();
  await mkdir(dir, { recursive: true });
  await keyPair(join(dir, 'host_key'));
  await writeFile(join(dir, 'authorized_keys'), authorizedKey);
  const port = await freePort(host);
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege separation directory.
  await mkdir('/run/sshd', { recursive: true }).catch(() => undefined);
  const child = spawnSshd(config);
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    await child;
  };
  try {
    await waitFor(async () => child.exitCode === null && (await accepts(host, port)), `sshd on ${host}:${port}`);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${String((await child).all)}`, { cause: error });
  }
  return { host, port, stop };
}
