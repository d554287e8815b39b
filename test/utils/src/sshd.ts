import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { spawnDetached } from './detached.js';
import { freePort, stopServer, waitListening } from './servers.js';

/** An OpenSSH server a test started, with its own config and host keys. */
export interface TestSshd {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  /** The account clients log in as: the user running the test. */
  readonly user: string;
  /** The server's public host keys (`<type> <base64>`), one per key type. */
  readonly hostKeys: readonly string[];
  readonly log: string;
  stop(): Promise<void>;
}

const KEY_TYPES = ['ed25519', 'ecdsa', 'rsa'] as const;

/**
 * Starts Debian's sshd in the foreground on `host` (a free port), with host keys of
 * every type and a config in `dir`, accepting only `authorizedKey` for the user that
 * runs the test (root included: prohibit-password). Stop it with `stop()` (by pid).
 */
export async function startSshd(dir: string, host: string, authorizedKey: string): Promise<TestSshd> {
  await mkdir(dir, { recursive: true });
  const hostKeys: string[] = [];
  for (const type of KEY_TYPES) {
    const file = join(dir, `ssh_host_${type}_key`);
    if (!existsSync(file)) await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', file]);
    hostKeys.push(readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' '));
  }
  await writeFile(join(dir, 'authorized_keys'), `${authorizedKey.trim()}\n`, { mode: 0o600 });
  const port = await freePort(host);
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress ${host}:${port}`,
      ...KEY_TYPES.map((type) => `HostKey ${join(dir, `ssh_host_${type}_key`)}`),
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp dirs are not the user's home: skip OpenSSH's ownership checks of the key file's directories.
      'StrictModes no',
      `AllowUsers ${userInfo().username}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // sshd needs its privilege-separation directory, which Debian's init script makes.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const log = join(dir, 'sshd.log');
  // -D: stay in the foreground (the pid is sshd's own); -e: log to the log file.
  const pid = spawnDetached('/usr/sbin/sshd', ['-D', '-e', '-f', config], log);
  const readLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  await waitListening('sshd', pid, host, port, readLog);
  return { pid, host, port, user: userInfo().username, hostKeys, log, stop: () => stopServer(pid, 'sshd') };
}
