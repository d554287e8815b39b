/**
 * Removing every Docker container that carries some labels, and proving it: the engine
 * is asked again until it lists none. A forced remove answers 409 both while another
 * client removes the same container ("removal already in progress") and, on Docker 20.10,
 * when the kill that precedes it loses a race with the container's own exit ("could not
 * kill running container"): a single pass would report it gone while `docker ps -a`
 * still shows it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';

/** How long containers being removed by someone else get to disappear. */
const GONE_DEADLINE_MS = 30_000;
const RECHECK_MS = 200;

/** What a removal did: the containers it found (names), and one line per container it could not remove. */
export interface ContainerRemoval {
  readonly containers: string[];
  readonly failures: string[];
}

function containerName(info: Docker.ContainerInfo): string {
  return (info.Names[0] ?? info.Id.slice(0, 12)).replace(/^\//, '');
}

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/**
 * Force-removes (with their anonymous volumes) every container matching all of
 * `labels`, then lists again until none is left. A container still listed after
 * the deadline, or whose removal the engine refused, is named in `failures`.
 * Listing errors are thrown as they are (the caller knows what "no engine" means).
 */
export async function removeLabelledContainers(docker: Docker, labels: string[]): Promise<ContainerRemoval> {
  const filters = { label: labels };
  const found = new Map<string, string>();
  const refused = new Map<string, string>();
  const deadline = Date.now() + GONE_DEADLINE_MS;
  for (;;) {
    const listed = (await docker.listContainers({ all: true, filters })).filter((info) => !refused.has(info.Id));
    if (listed.length === 0) break;
    if (Date.now() > deadline) {
      for (const info of listed) refused.set(info.Id, `container ${containerName(info)}: still listed ${GONE_DEADLINE_MS / 1000} s after its removal`);
      break;
    }
    await Promise.all(
      listed.map(async (info) => {
        found.set(info.Id, containerName(info));
        try {
          await docker.getContainer(info.Id).remove({ force: true, v: true });
        } catch (error) {
          const code = statusCode(error);
          // 404: gone meanwhile; 409: someone else is removing it (the next listing shows whether it went).
          if (code !== 404 && code !== 409) refused.set(info.Id, `container ${containerName(info)}: ${(error as Error).message}`);
        }
      }),
    );
    await sleep(RECHECK_MS);
  }
  return { containers: [...found.values()], failures: [...refused.values()] };
}
