import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files of a model's server, in `<model>/server/` (0700): the pid lock that makes it
 * one server per model, the endpoint its clients read (`<port> <token> <pid>`), and its log.
 */
export function serverPaths(modelDir: string) {
  const dir = join(modelDir, 'server');
  return { dir, pid: join(dir, 'server.pid'), endpoint: join(dir, 'endpoint'), log: join(dir, 'server.log') };
}

/** The compiled server entry; resolved like the tool entry so it works from `src/` (tsx) and `dist/`. */
export function serverMainPath(): string {
  return fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));
}

/** How long a server waits without a request before it exits; LUCKY_SIM_SERVER_IDLE_MS overrides it (tests). */
export const DEFAULT_IDLE_MS = 30_000;

export function idleMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.LUCKY_SIM_SERVER_IDLE_MS);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_IDLE_MS;
}
