import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FQDN_PREFIX } from '../names.js';
import { DnsSourceUpdateError, type ZoneRepository } from '../git/zone-repository.js';
import { parseBody, readBody } from './body.js';
import { errorsJson, validateChallenge } from './form.js';
import { isGranted, UserDirectory } from './users.js';
import type { User } from '../db/schema.js';

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** The users/grants file. */
  readonly db: string;
  /** The zone files; undefined when no repository is configured (present/cleanup then answer 500). */
  readonly repository: ZoneRepository | undefined;
  /** Why there is no repository, for the 500's message. */
  readonly repositoryProblem?: string;
  /** One line per request and per problem. */
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface ProviderServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

const HTML = 'text/html; charset=utf-8';
const SUFFIX = ' Check httprequest-lego-provider for more details.';

function send(res: ServerResponse, status: number, body = '', type = HTML, headers: Record<string, string> = {}): number {
  res.writeHead(status, { ...(body === '' ? {} : { 'Content-Type': type }), 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
  return status;
}

/** DRF's JSON error bodies: `{"detail":"…"}`, compact. */
function detail(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): number {
  return send(res, status, JSON.stringify({ detail: text }), 'application/json', headers);
}

/** The request's path; an unparsable request target counts as none (404), never as a crash. */
function pathOf(target: string | undefined): string {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="api"' };

type Auth = { readonly user: User } | { readonly problem: string };

/** DRF BasicAuthentication's outcomes and messages. */
async function authenticate(req: IncomingMessage, users: UserDirectory): Promise<Auth> {
  const header = req.headers.authorization ?? '';
  const words = header.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'basic') return { problem: 'Authentication credentials were not provided.' };
  if (words.length === 1) return { problem: 'Invalid basic header. No credentials provided.' };
  if (words.length > 2) return { problem: 'Invalid basic header. Credentials string should not contain spaces.' };
  const decoded = Buffer.from(words[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(words[1]!)) return { problem: 'Invalid basic header. Credentials not correctly base64 encoded.' };
  const user = await users.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
  return user === undefined ? { problem: 'Invalid username/password.' } : { user };
}

async function handleChallenge(
  req: IncomingMessage,
  res: ServerResponse,
  action: 'present' | 'cleanup',
  options: ServerOptions,
  users: UserDirectory,
  note: string[],
): Promise<number> {
  const auth = await authenticate(req, users);
  if ('problem' in auth) return detail(res, 401, auth.problem, CHALLENGE);
  note.push(`user=${auth.user.username}`);
  if (req.method !== 'POST') return detail(res, 405, `Method "${req.method ?? ''}" not allowed.`, { Allow: 'POST' });
  const body = await readBody(req);
  if (body === undefined) return detail(res, 413, 'Request body too large.');
  const parsed = parseBody(body, req.headers['content-type']);
  if ('status' in parsed) return detail(res, parsed.status, parsed.detail);
  const form = validateChallenge(parsed.fields);
  if ('errors' in form) return send(res, 400, errorsJson(form.errors));
  const { fqdn, value } = form.challenge;
  note.push(`fqdn=${fqdn}`);
  if (!isGranted(auth.user, fqdn.slice(FQDN_PREFIX.length))) return send(res, 403, `The user ${auth.user.username} does not have permission to manage ${fqdn}`);
  if (options.repository === undefined) return send(res, 500, `${options.repositoryProblem ?? 'No git repository is configured (HTTPREQ_GIT_REPO).'}${SUFFIX}`);
  try {
    const outcome = action === 'present' ? await options.repository.present(fqdn, value) : await options.repository.cleanup(fqdn, value);
    note.push(outcome);
    return send(res, 204);
  } catch (error) {
    if (!(error instanceof DnsSourceUpdateError)) throw error;
    note.push(`error=${JSON.stringify(error.message)}`);
    return send(res, 500, `${error.message}${SUFFIX}`);
  }
}

/**
 * The httpreq endpoint: `POST <any prefix>/present` and `/cleanup` (no trailing slash, no
 * redirects), Basic auth, Canonical's statuses and bodies; `GET /healthz` answers `ok` unauthenticated.
 */
export async function startServer(options: ServerOptions): Promise<ProviderServer> {
  const users = new UserDirectory(options.db, (error) =>
    options.log('error', `users database ${options.db} unreadable, keeping the previous one: ${error.message}`),
  );
  const server = createServer((req, res) => {
    const started = Date.now();
    const path = pathOf(req.url);
    const note: string[] = [];
    const action = path.endsWith('/present') ? 'present' : path.endsWith('/cleanup') ? 'cleanup' : undefined;
    const handled =
      action !== undefined
        ? handleChallenge(req, res, action, options, users, note)
        : Promise.resolve(
            path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')
              ? send(res, 200, 'ok', 'text/plain; charset=utf-8')
              : send(res, 404, 'Not Found'),
          );
    handled
      .catch((error: unknown) => {
        note.push(`error=${JSON.stringify((error as Error).message)}`);
        return res.headersSent ? 500 : send(res, 500, `${(error as Error).message}${SUFFIX}`);
      })
      .then((status) => {
        if (path !== '/healthz')
          options.log(status >= 500 ? 'error' : 'info', `${req.method ?? ''} ${path} ${status} ${Date.now() - started}ms ${note.join(' ')}`.trim());
      })
      .catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
