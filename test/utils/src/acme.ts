import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { spawnDetached } from './detached.js';
import { freePort, stopServer, waitListening } from './servers.js';

/** Debian's pebble (an ACME server) and pebble-challtestsrv (its DNS), on loopback, started by a test. */
export interface TestAcme {
  /** The ACME directory URL, for `lego --server`. */
  readonly directory: string;
  /** pebble's TLS certificate, for `LEGO_CA_CERTIFICATES`. */
  readonly caCertificate: string;
  /** challtestsrv's DNS server (`host:port`), which pebble validates against: for `--dns.resolvers`. */
  readonly dns: string;
  /** challtestsrv's management API base URL (`set-txt`, `clear-txt`). */
  readonly management: string;
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts pebble-challtestsrv (DNS-01 only) and pebble pointed at it, as the httpreq
 * reference's §3.3 recipe: a fresh self-signed certificate, PEBBLE_VA_NOSLEEP=1 (validate
 * at once), PEBBLE_WFE_NONCEREJECT=0 (no random badNonce) and PEBBLE_AUTHZREUSE=0 (every
 * order presents its challenges). Free loopback ports; stop both by pid with `stop()`.
 */
export async function startAcme(dir: string): Promise<TestAcme> {
  await mkdir(dir, { recursive: true });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    `subjectAltName=DNS:localhost,IP:${HOST}`,
  ]);
  const [acmePort, managementPort, dnsPort, challManagementPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dns = `${HOST}:${dnsPort}`;
  const pids: number[] = [];
  const stop = async () => {
    for (const pid of pids.reverse()) await stopServer(pid, 'pebble');
  };
  try {
    const challLog = join(dir, 'challtestsrv.log');
    const chall = spawnDetached(
      'pebble-challtestsrv',
      ['-dns01', dns, '-management', `${HOST}:${challManagementPort}`, '-http01', '', '-https01', '', '-tlsalpn01', ''],
      challLog,
    );
    pids.push(chall);
    await waitListening('pebble-challtestsrv', chall, HOST, challManagementPort, () => readLog(challLog));

    const config = join(dir, 'pebble.json');
    await writeFile(
      config,
      JSON.stringify({
        pebble: {
          listenAddress: `${HOST}:${acmePort}`,
          managementListenAddress: `${HOST}:${managementPort}`,
          certificate: cert,
          privateKey: key,
          httpPort: 5002,
          tlsPort: 5001,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
        },
      }),
    );
    const pebbleLog = join(dir, 'pebble.log');
    const pebble = spawnDetached('pebble', ['-config', config, '-dnsserver', dns], pebbleLog, {
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
      PEBBLE_AUTHZREUSE: '0',
    });
    pids.push(pebble);
    await waitListening('pebble', pebble, HOST, acmePort, () => readLog(pebbleLog));
  } catch (error) {
    await stop();
    throw error;
  }
  return { directory: `https://${HOST}:${acmePort}/dir`, caCertificate: cert, dns, management: `http://${HOST}:${challManagementPort}`, pids, stop };
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** A lego run: its exit code and its output (stdout and stderr, interleaved). */
export interface LegoRun {
  readonly exitCode: number;
  readonly output: string;
}

/** One lego 4.x run: `--dns httpreq` against `endpoint`, offline flags of §3.3, a fresh `path`. */
export async function runLego(
  acme: TestAcme,
  options: { endpoint: string; username: string; password: string; domains: readonly string[]; path: string; email?: string },
): Promise<LegoRun> {
  const result = await execa(
    'lego',
    [
      '--server',
      acme.directory,
      '--email',
      options.email ?? 'test@example.org',
      '--accept-tos',
      '--dns',
      'httpreq',
      // challtestsrv answers no SOA queries: skip the authoritative-nameserver check; pebble validates right away.
      '--dns.disable-cp',
      '--dns.resolvers',
      acme.dns,
      ...options.domains.flatMap((domain) => ['-d', domain]),
      '--path',
      options.path,
      'run',
    ],
    {
      reject: false,
      all: true,
      stdin: 'ignore',
      timeout: 120_000,
      env: {
        LEGO_CA_CERTIFICATES: acme.caCertificate,
        HTTPREQ_ENDPOINT: options.endpoint,
        HTTPREQ_USERNAME: options.username,
        HTTPREQ_PASSWORD: options.password,
        HTTPREQ_POLLING_INTERVAL: '1',
        HTTPREQ_PROPAGATION_TIMEOUT: '30',
      },
    },
  );
  return { exitCode: result.exitCode ?? -1, output: String(result.all) };
}
