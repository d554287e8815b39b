/** `lucky sim status` as `juju status` prints it: Model, App, Unit, Machine and Integration sections, then Lucky's own (storage, containers). */
import type { JujuStatus, JujuUnit } from './status-juju.js';

/** Columns separated by two spaces; `right` columns (Scale, Rev) aligned right, like Juju's tab writer. */
function table(rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Juju groups a unit's ports by protocol: `80,443/tcp 53/udp`. */
export function formatPorts(ports: readonly string[]): string {
  const byProtocol = new Map<string, string[]>();
  const bare: string[] = [];
  for (const port of ports) {
    const slash = port.indexOf('/');
    if (slash < 0) bare.push(port);
    else byProtocol.set(port.slice(slash), [...(byProtocol.get(port.slice(slash)) ?? []), port.slice(0, slash)]);
  }
  const start = (range: string): number => Number.parseInt(range, 10);
  const groups = [...byProtocol.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([protocol, list]) => `${[...list].sort((x, y) => start(x) - start(y)).join(',')}${protocol}`);
  return [...groups, ...bare.sort()].join(' ');
}

const SCALE_COUNTS = new Set(['idle', 'executing']);

/** `2` when every unit's agent is idle or executing, else `1/2` (Juju's applicationScale). */
function scale(status: JujuStatus, app: string): string {
  let current = 0;
  let desired = 0;
  const count = (unit: JujuUnit): void => {
    desired++;
    if (SCALE_COUNTS.has(unit['juju-status'].current)) current++;
  };
  const walk = (units: Record<string, JujuUnit> | undefined): void => {
    for (const [name, unit] of Object.entries(units ?? {})) {
      if (name.slice(0, name.lastIndexOf('/')) === app) count(unit);
      walk(unit.subordinates);
    }
  };
  for (const application of Object.values(status.applications)) walk(application.units);
  return current === desired ? String(desired) : `${current}/${desired}`;
}

const unitNumber = (name: string): number => Number(name.slice(name.lastIndexOf('/') + 1));
const byUnit = (x: string, y: string): number => x.slice(0, x.lastIndexOf('/')).localeCompare(y.slice(0, y.lastIndexOf('/'))) || unitNumber(x) - unitNumber(y);

export function formatStatus(status: JujuStatus): string {
  const caas = status.model.type === 'caas';
  const sections: string[] = [];
  sections.push(
    table([
      ['Model', 'Controller', 'Cloud/Region', 'Version', 'SLA', 'Timestamp'],
      [
        status.model.name,
        status.model.controller,
        `${status.model.cloud}/${status.model.region}`,
        status.model.version,
        status.model.sla,
        status.controller.timestamp,
      ],
    ]),
  );
  const apps = Object.entries(status.applications);
  if (apps.length > 0) {
    const header = ['App', 'Version', 'Status', 'Scale', 'Charm', 'Channel', 'Rev', ...(caas ? ['Address'] : []), 'Exposed', 'Message'];
    const rows = apps.map(([name, app]) => [
      name,
      (app.version ?? '').split('\n')[0] ?? '',
      app['application-status'].current,
      scale(status, name),
      app['charm-name'],
      '',
      String(app['charm-rev']),
      ...(caas ? [''] : []),
      app.exposed ? 'yes' : 'no',
      app['application-status'].message ?? '',
    ]);
    sections.push(table([header, ...rows], [3, 6]));

    const unitRows: string[][] = [];
    const addUnit = (name: string, unit: JujuUnit, level: number): void => {
      const cells = [`${' '.repeat(level * 2)}${name}${unit.leader ? '*' : ''}`, unit['workload-status'].current, unit['juju-status'].current];
      if (caas) cells.push(unit.address ?? '');
      else cells.push(unit.machine ?? '', unit['public-address'] ?? unit.address ?? '');
      cells.push(formatPorts(unit['open-ports'] ?? []), unit['workload-status'].message ?? '');
      unitRows.push(cells);
      // Subordinate units indented under their principal.
      for (const sub of Object.keys(unit.subordinates ?? {}).sort(byUnit)) addUnit(sub, unit.subordinates![sub]!, level + 1);
    };
    const units = apps.flatMap(([, app]) => Object.entries(app.units ?? {}));
    for (const [name, unit] of units.sort(([x], [y]) => byUnit(x, y))) addUnit(name, unit, 0);
    if (unitRows.length > 0) {
      const header = caas
        ? ['Unit', 'Workload', 'Agent', 'Address', 'Ports', 'Message']
        : ['Unit', 'Workload', 'Agent', 'Machine', 'Public address', 'Ports', 'Message'];
      sections.push(table([header, ...unitRows]));
    }
  }
  const machines = Object.entries(status.machines);
  if (!caas && machines.length > 0) {
    sections.push(
      table([
        ['Machine', 'State', 'Address', 'Inst id', 'Base', 'AZ', 'Message'],
        ...machines.map(([id, machine]) => [
          id,
          machine['juju-status'].current,
          machine['dns-name'],
          machine['instance-id'],
          machine.base.channel ? `${machine.base.name}@${machine.base.channel}` : machine.base.name,
          '',
          machine['machine-status'].message ?? '',
        ]),
      ]),
    );
  }
  if (status.relationRows.length > 0) {
    sections.push(
      table([
        ['Integration provider', 'Requirer', 'Interface', 'Type', 'Message'],
        ...status.relationRows.map((row) => [row.provider, row.requirer, row.interface, row.type, '']),
      ]),
    );
  }
  sections.push(...luckySections(status));
  return `${sections.join('\n\n')}\n`;
}

/** What Juju does not show: each unit's storage and, for Kubernetes units, each workload container's Pebble and services. */
function luckySections(status: JujuStatus): string[] {
  const all: Array<[string, JujuUnit]> = [];
  const walk = (units: Record<string, JujuUnit> | undefined): void => {
    for (const [name, unit] of Object.entries(units ?? {})) {
      all.push([name, unit]);
      walk(unit.subordinates);
    }
  };
  for (const app of Object.values(status.applications)) walk(app.units);
  all.sort(([x], [y]) => byUnit(x, y));
  const storage = all.flatMap(([name, unit]) =>
    ((unit.lucky.storage ?? []) as Array<{ id: string; kind: string; location: string }>).map((item) => [name, item.id, item.kind, item.location]),
  );
  const containers = all.flatMap(([name, unit]) =>
    ((unit.lucky.containers ?? []) as Array<{ name: string; pebble: string; services: Array<{ name: string; current: string }> }>).map((container) => [
      name,
      container.name,
      container.pebble,
      container.services.map((service) => `${service.name}:${service.current}`).join(',') || '-',
    ]),
  );
  return [
    ...(storage.length > 0 ? [table([['Unit', 'Storage', 'Type', 'Location'], ...storage])] : []),
    ...(containers.length > 0 ? [table([['Unit', 'Container', 'Pebble', 'Services'], ...containers])] : []),
  ];
}
