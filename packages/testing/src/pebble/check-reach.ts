/**
 * Where the server's http and tcp checks may connect. They run from the host (Pebble runs
 * them in the pod), and the workload itself can add checks through the Pebble socket in its
 * shared directory: so they reach only the workload container, never another address of
 * the host's network (nor, through a redirect, the host's own localhost).
 */

const LOCAL_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The address to connect to for `host` (localhost is the container, as in the pod), or why it is not reached. */
export function checkHost(host: string | undefined, containerAddress: string | undefined): { address: string } | { refused: string } {
  if (!containerAddress) return { refused: 'the container has no network address to reach' };
  if (host === undefined || host === '' || LOCAL_NAMES.has(host) || host === containerAddress) return { address: containerAddress };
  return { refused: `the simulated Pebble checks only the workload container itself (localhost), not ${host}` };
}

/** Redirects an http check follows, as Go's http client does. */
const MAX_REDIRECTS = 10;

/** GET `url` within the container; 2xx is success, as in Pebble. Resolves undefined on success, or why it failed. */
export async function httpCheck(
  url: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  containerAddress: string | undefined,
): Promise<string | undefined> {
  const failed = (why: string) => `Get ${JSON.stringify(url)}: ${why}`;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return failed('invalid URL');
  }
  const signal = AbortSignal.timeout(timeoutMs);
  for (let redirects = 0; ; redirects++) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return failed(`unsupported protocol scheme ${JSON.stringify(target.protocol.slice(0, -1))}`);
    const reach = checkHost(target.hostname, containerAddress);
    if ('refused' in reach) return failed(reach.refused);
    target.hostname = reach.address;
    let response: Response;
    try {
      // Redirects are followed here, each target checked like the first.
      response = await fetch(target, { headers, signal, redirect: 'manual' });
      await response.arrayBuffer();
    } catch (error) {
      return failed((error as Error).message);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      if (redirects >= MAX_REDIRECTS) return failed(`stopped after ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
      continue;
    }
    return response.status >= 200 && response.status < 300 ? undefined : `received non-20x status code ${response.status}`;
  }
}
