import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { rootCertificates } from 'node:tls';

/** Reports bytes received of a download, and its size when known. */
export type DownloadProgress = (received: number, total: number | undefined) => void;

/** How long a server may stay silent before a download is given up: a stalled connection fails with its cause, not after minutes. */
const STALL_MS = 30_000;
const MAX_REDIRECTS = 5;

/**
 * The certificate authorities npm trusts: its `cafile` setting (a company's TLS proxy)
 * added to Node's own roots and NODE_EXTRA_CA_CERTS; undefined for Node's defaults.
 */
export async function npmCertificates(cafile: string | undefined, env: NodeJS.ProcessEnv): Promise<string[] | undefined> {
  if (!cafile || cafile === 'null' || cafile === 'undefined') return undefined;
  const extra = env.NODE_EXTRA_CA_CERTS ? [await readFile(env.NODE_EXTRA_CA_CERTS, 'utf8').catch(() => '')] : [];
  return [...rootCertificates, await readFile(cafile, 'utf8'), ...extra].filter(Boolean);
}

/**
 * Downloads `url` to `file` over HTTP(S) (following redirects), reporting bytes as they
 * come, failing when the server stays silent, and resolving to the `sha512-<base64>`
 * integrity of what was written.
 */
export async function download(url: string, file: string, ca: string[] | undefined, progress?: DownloadProgress): Promise<string> {
  const response = await request(url, ca, MAX_REDIRECTS);
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const hash = createHash('sha512');
  const out = createWriteStream(file);
  let received = 0;
  progress?.(0, total);
  await new Promise<void>((resolve, reject) => {
    response.setTimeout(STALL_MS, () => response.destroy(new Error(`no data for ${STALL_MS / 1000} s`)));
    response.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      progress?.(received, total);
    });
    response.on('error', reject);
    out.on('error', reject);
    out.on('finish', () => resolve());
    response.pipe(out);
  });
  if (total !== undefined && received !== total) throw new Error(`the connection ended after ${received} of ${total} bytes`);
  return `sha512-${hash.digest('base64')}`;
}

function request(url: string, ca: string[] | undefined, redirects: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { ...(ca ? { ca } : {}), timeout: STALL_MS }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && redirects > 0) {
        response.resume();
        resolve(request(new URL(location, url).href, ca, redirects - 1));
      } else if (status !== 200) {
        response.resume();
        reject(new Error(`HTTP ${status} ${response.statusMessage ?? ''}`.trim()));
      } else {
        resolve(response);
      }
    });
    req.on('timeout', () => req.destroy(new Error(`no answer for ${STALL_MS / 1000} s`)));
    req.on('error', reject);
  });
}
