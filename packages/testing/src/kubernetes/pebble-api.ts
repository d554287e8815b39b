/** The few Pebble API calls the simulator makes on a workload container's socket, through the Pebble client of @lucky/plugin-pebble. */
import { PebbleClient, type ServiceInfo } from '@lucky/plugin-pebble/client';

/** Whether Pebble answers on the socket (`GET /v1/system-info`). */
export async function pebbleAnswers(socketPath: string): Promise<boolean> {
  try {
    await new PebbleClient({ socketPath, timeoutMs: 2_000 }).systemInfo();
    return true;
  } catch {
    return false;
  }
}

/** A service of the container's plan and its state. */
export interface PebbleServiceInfo {
  readonly name: string;
  readonly startup: ServiceInfo['startup'];
  readonly current: ServiceInfo['current'];
}

/** The services of the container's plan and their states (`GET /v1/services`). */
export async function pebbleServices(socketPath: string): Promise<PebbleServiceInfo[]> {
  const services = await new PebbleClient({ socketPath, timeoutMs: 5_000 }).getServices();
  return services.map((service) => ({ name: service.name, startup: service.startup, current: service.current }));
}

/** Records a custom notice (`pebble notify <key> [k=v…]`); returns its id. */
export async function pebbleNotify(socketPath: string, key: string, data: Readonly<Record<string, string>>): Promise<string> {
  return new PebbleClient({ socketPath, timeoutMs: 10_000 }).notify(key, { ...data });
}
