import { existsSync } from 'node:fs';
import { execa } from 'execa';

/** Debian packages the container tests need, and a file each one installs. */
const PACKAGES: Readonly<Record<string, string>> = {
  'docker.io': '/usr/sbin/dockerd',
  'busybox-static': '/bin/busybox',
  'docker-registry': '/usr/bin/docker-registry',
};

let installing: Promise<void> | undefined;

/**
 * Installs Debian's docker.io, busybox-static and docker-registry when they are
 * missing (as CI's fresh machine has them not), with apt-get as root. Services are
 * not started by the packages here; the tests start and stop them themselves.
 */
export function ensureContainerPackages(): Promise<void> {
  installing ??= installMissing(PACKAGES);
  return installing;
}

/** Debian packages of the httpreq-provider end-to-end test (a real lego, ACME server and git over SSH), and a file each installs. */
const ACME_PACKAGES: Readonly<Record<string, string>> = {
  lego: '/usr/bin/lego',
  // Let's Encrypt's ACME test server; also ships pebble-challtestsrv.
  pebble: '/usr/bin/pebble-challtestsrv',
  'openssh-server': '/usr/sbin/sshd',
  'openssh-client': '/usr/bin/ssh-keygen',
  git: '/usr/bin/git',
  openssl: '/usr/bin/openssl',
};

let installingAcme: Promise<void> | undefined;

/**
 * Installs Debian's lego, pebble, openssh-server, git and openssl when missing, with
 * apt-get as root. Their services are not started here (policy-rc.d may start sshd on a
 * machine that allows it; the tests run their own on other ports).
 */
export function ensureAcmePackages(): Promise<void> {
  installingAcme ??= installMissing(ACME_PACKAGES);
  return installingAcme;
}

/** Installs, with apt-get as root, each package whose file is missing; nothing when all are there. */
async function installMissing(packages: Readonly<Record<string, string>>): Promise<void> {
  const missing = Object.entries(packages)
    .filter(([, file]) => !existsSync(file))
    .map(([name]) => name);
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { env, stdin: 'ignore' });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...missing], { env, stdin: 'ignore' });
}
