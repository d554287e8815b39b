import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'clipanion';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { DEFAULT_DB } from '../db/store.js';
import { parseRepositoryUrl, type RepoLocation } from '../git/repo-url.js';
import { ZoneRepository } from '../git/zone-repository.js';
import { startServer } from '../http/server.js';
import { createServiceLog } from '../log.js';
import { VERSION } from '../version.js';

export const DEFAULT_LISTEN = '0.0.0.0:8000';

/** `host:port`, `:port` or `[v6]:port`. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LuckyError(ErrorCode.ConfigInvalid, `HTTPREQ_LISTEN "${value}" is not <host>:<port>; set it like ${DEFAULT_LISTEN}.`);
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** The ssh command git uses: the key and known_hosts from $HOME/.ssh (or the override files), host keys checked. */
export function gitSshCommand(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || '/var/lib/httpreq';
  const key = env.HTTPREQ_SSH_KEY_FILE || join(home, '.ssh', 'id_key');
  const knownHosts = env.HTTPREQ_KNOWN_HOSTS_FILE || join(home, '.ssh', 'known_hosts');
  return `ssh -i ${shellQuote(key)} -o UserKnownHostsFile=${shellQuote(knownHosts)} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o BatchMode=yes`;
}

export class ServeCommand extends Command {
  static override paths = [['serve']];
  static override usage = Command.Usage({
    description: 'run the httpreq HTTP service',
    details: `
      Serves lego's httpreq protocol: \`POST <any prefix>/present\` and \`/cleanup\` with Basic auth, writing the TXT records as zone-file lines in the git repository; \`GET /healthz\` answers \`ok\`.

      Environment: \`HTTPREQ_LISTEN\` (default ${DEFAULT_LISTEN}), \`HTTPREQ_GIT_REPO\` (\`git+ssh://<user>@<host>[:<port>]/<path>[@<branch>]\`), \`HTTPREQ_DB\` (default ${DEFAULT_DB}), \`HOME\` holding \`.ssh/id_key\` and \`.ssh/known_hosts\` (or \`HTTPREQ_SSH_KEY_FILE\`, \`HTTPREQ_KNOWN_HOSTS_FILE\`), \`HTTPREQ_WORKDIR\` (the working clone; default a new directory under the temp dir). A \`GIT_SSH_COMMAND\` already set is kept.

      The users file is re-read whenever it changes. Without a usable \`HTTPREQ_GIT_REPO\` (unset or malformed) the service still starts (health checks pass) and present/cleanup answer 500 naming the problem.
    `,
    examples: [
      ['Serve on port 8000', 'HTTPREQ_GIT_REPO=git+ssh://git@dns.example:2222/srv/zones.git@main httpreq-provider serve'],
      ['Another port, a local repository', 'HTTPREQ_LISTEN=127.0.0.1:8080 HTTPREQ_GIT_REPO=/srv/zones.git httpreq-provider serve'],
    ],
  });

  listen = Option.String('--listen', { description: `host:port to listen on (default: $HTTPREQ_LISTEN, else ${DEFAULT_LISTEN})` });

  async execute(): Promise<number> {
    const env = this.context.env;
    const { host, port } = parseListen(this.listen ?? (env.HTTPREQ_LISTEN || DEFAULT_LISTEN));
    const db = env.HTTPREQ_DB || DEFAULT_DB;
    const log = createServiceLog(this.context.stdout);
    let repository: ZoneRepository | undefined;
    let repositoryProblem: string | undefined;
    /** The working clone's directory when this process made it, removed on exit. */
    let temporary: string | undefined;
    let location: RepoLocation | undefined;
    try {
      location = env.HTTPREQ_GIT_REPO ? parseRepositoryUrl(env.HTTPREQ_GIT_REPO) : undefined;
    } catch (error) {
      // Still serve (health checks, clear 500s to lego) rather than crash-loop under Pebble.
      repositoryProblem = (error as Error).message;
      log('error', repositoryProblem);
    }
    if (location !== undefined) {
      temporary = env.HTTPREQ_WORKDIR ? undefined : await mkdtemp(join(env.TMPDIR || tmpdir(), 'httpreq-provider-'));
      const workdir = env.HTTPREQ_WORKDIR || temporary!;
      const gitEnv = { ...env, GIT_SSH_COMMAND: env.GIT_SSH_COMMAND || gitSshCommand(env) };
      repository = new ZoneRepository({ location, workdir, env: gitEnv });
      log('info', `zone files in ${location.url}${location.branch === undefined ? '' : ` branch ${location.branch}`}, working clone in ${workdir}`);
    } else if (repositoryProblem === undefined) {
      repositoryProblem = 'No git repository is configured: HTTPREQ_GIT_REPO is empty.';
      log('warn', repositoryProblem);
    }
    const server = await startServer({ host, port, db, repository, ...(repositoryProblem === undefined ? {} : { repositoryProblem }), log });
    log('info', `httpreq-provider ${VERSION} listening on ${host}:${server.port}, users in ${db}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log('info', `${signal}: stopping`);
        void server
          .close()
          .then(() => (temporary === undefined ? undefined : rm(temporary, { recursive: true, force: true })))
          .finally(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return 0;
  }
}
