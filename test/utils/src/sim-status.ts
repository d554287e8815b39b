/**
 * Reads `lucky sim status --format json` (Juju's keys) for tests: every unit, subordinates
 * included, flattened with what tests use (its status, address, ports and Lucky's data dir
 * and daemon socket, to reach its daemon with `lucky kv`).
 */

/** A Kubernetes unit's workload container (`lucky.containers`). */
export interface SimContainer {
  name: string;
  image: string;
  socketPath: string;
  pebble: string;
  services: Array<{ name: string; startup: string; current: string }>;
}

interface JujuUnitJson {
  'workload-status': { current: string; message?: string };
  'juju-status': { current: string; message?: string };
  leader?: boolean;
  machine?: string;
  'public-address'?: string;
  address?: string;
  'open-ports'?: string[];
  subordinates?: Record<string, JujuUnitJson>;
  lucky: {
    'data-dir': string;
    'socket-path': string;
    storage?: Array<{ id: string; kind: string; location: string }>;
    containers?: SimContainer[];
  };
}

export interface SimStatusJson {
  model: { name: string; type: string };
  machines: Record<string, unknown>;
  applications: Record<
    string,
    {
      'charm-name': string;
      version?: string;
      scale: number;
      'application-status': { current: string; message?: string };
      relations?: Record<string, Array<{ 'related-application': string; interface: string; scope: string }>>;
      units?: Record<string, JujuUnitJson>;
    }
  >;
}

export interface SimUnit {
  name: string;
  application: string;
  leader: boolean;
  workload: { status: string; message: string };
  agent: string;
  address: string;
  ports: string[];
  dataDir: string;
  socketPath: string;
  storage: Array<{ id: string; kind: string; location: string }>;
  containers?: SimContainer[];
}

/** Every unit of the status, in the JSON's order (principals, then each one's subordinates). */
export function simUnits(json: string): SimUnit[] {
  const status = JSON.parse(json) as SimStatusJson;
  const units: SimUnit[] = [];
  const add = (name: string, unit: JujuUnitJson): void => {
    units.push({
      name,
      application: name.slice(0, name.lastIndexOf('/')),
      leader: unit.leader === true,
      workload: { status: unit['workload-status'].current, message: unit['workload-status'].message ?? '' },
      agent: unit['juju-status'].current,
      address: unit['public-address'] ?? unit.address ?? '',
      ports: unit['open-ports'] ?? [],
      dataDir: unit.lucky['data-dir'],
      socketPath: unit.lucky['socket-path'],
      storage: unit.lucky.storage ?? [],
      ...(unit.lucky.containers ? { containers: unit.lucky.containers } : {}),
    });
    for (const [sub, subUnit] of Object.entries(unit.subordinates ?? {})) add(sub, subUnit);
  };
  for (const app of Object.values(status.applications)) for (const [name, unit] of Object.entries(app.units ?? {})) add(name, unit);
  return units;
}

/** One unit of the status; throws when it is not there. */
export function simUnit(json: string, name: string): SimUnit {
  const found = simUnits(json).find((unit) => unit.name === name);
  if (!found) throw new Error(`${name} is not in lucky sim status: ${json}`);
  return found;
}
