/** The few Pebble API calls the simulator makes on a workload container's socket. */
import { request } from 'node:http';

interface PebbleResponse {
  readonly type: string;
  readonly 'status-code': number;
  readonly result: unknown;
}

function call(socketPath: string, method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<PebbleResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath, method, path, timeout: timeoutMs, headers: payload === undefined ? {} : { 'Content-Type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PebbleResponse);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Whether Pebble answers on the socket (`GET /v1/system-info`). */
export async function pebbleAnswers(socketPath: string): Promise<boolean> {
  try {
    const response = await call(socketPath, 'GET', '/v1/system-info', undefined, 2_000);
    return response['status-code'] === 200;
  } catch {
    return false;
  }
}

function check(response: PebbleResponse, what: string): unknown {
  if (response.type === 'error' || response['status-code'] >= 400) {
    const message = (response.result as { message?: string } | null)?.message ?? `status ${response['status-code']}`;
    throw new Error(`${what}: ${message}`);
  }
  return response.result;
}

export interface PebbleServiceInfo {
  readonly name: string;
  readonly startup: string;
  readonly current: string;
}

/** The services of the container's plan and their states (`GET /v1/services`). */
export async function pebbleServices(socketPath: string): Promise<PebbleServiceInfo[]> {
  const result = check(await call(socketPath, 'GET', '/v1/services'), 'list services') as PebbleServiceInfo[] | null;
  return (result ?? []).map((service) => ({ name: service.name, startup: service.startup, current: service.current }));
}

/** Records a custom notice (`pebble notify <key> [k=v…]`); returns its id. */
export async function pebbleNotify(socketPath: string, key: string, data: Readonly<Record<string, string>>): Promise<string> {
  const result = check(await call(socketPath, 'POST', '/v1/notices', { action: 'add', type: 'custom', key, data }), `notify ${key}`) as { id: string };
  return result.id;
}
