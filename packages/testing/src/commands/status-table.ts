import type { ModelStatus } from '../runner/local-model.js';

/** Left-aligned columns separated by two spaces, like `juju status`. */
function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Kubernetes units' workload containers: Pebble reachable or not, and each service with its state. */
function containersTable(status: ModelStatus): string {
  const rows = status.applications.flatMap((app) =>
    app.units.flatMap((unit) =>
      (unit.containers ?? []).map((container) => [
        unit.name,
        container.name,
        container.pebble,
        container.services.map((service) => `${service.name}:${service.current}`).join(',') || '-',
      ]),
    ),
  );
  return rows.length === 0 ? '' : `\n\n${table([['Unit', 'Container', 'Pebble', 'Services'], ...rows])}`;
}

/** The model as `juju status` shows it: applications, units (leader starred), relations. */
export function formatStatus(status: ModelStatus): string {
  // Juju's App columns that apply here: Version (the workload version), Status and Message (the application's own, else its most severe unit's).
  const apps = table([
    ['App', 'Version', 'Charm', 'Units', 'Status', 'Message'],
    ...status.applications.map((app) => [app.name, app.version, app.charm, String(app.units.length), app.status.status, app.status.message]),
  ]);
  const units = table([
    ['Unit', 'Workload', 'Agent', 'Address', 'Ports', 'Message'],
    ...status.applications.flatMap((app) =>
      app.units.map((unit) => [
        `${unit.name}${unit.leader ? '*' : ''}`,
        unit.agent.status === 'error' ? 'error' : unit.workload.status,
        unit.agent.status,
        unit.address,
        unit.ports.join(','),
        unit.agent.status === 'error' ? unit.agent.message : unit.workload.message,
      ]),
    ),
  ]);
  const relations =
    status.relations.length === 0
      ? ''
      : `\n\n${table([
          ['Relation', 'Endpoints', 'Interface', 'Type'],
          ...status.relations.map((relation) => [String(relation.id), relation.endpoints.join(' '), relation.interface, relation.peer ? 'peer' : 'regular']),
        ])}`;
  const storage = status.applications.flatMap((app) => app.units.flatMap((unit) => unit.storage.map((item) => [unit.name, item.id, item.kind, item.location])));
  const storageTable = storage.length === 0 ? '' : `\n\n${table([['Unit', 'Storage', 'Type', 'Location'], ...storage])}`;
  return `Model ${status.name}\n\n${apps}\n\n${units}${relations}${storageTable}${containersTable(status)}\n`;
}
