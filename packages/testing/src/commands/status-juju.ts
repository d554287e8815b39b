/**
 * `lucky sim status` as `juju status --format json|yaml` writes it (Juju's formattedStatus:
 * model, machines, applications → units → subordinates), built from `LocalModel.status()`
 * and the model file. What Juju has no key for (data dir, daemon socket, storage, Kubernetes
 * containers) sits under `lucky` keys, which Juju clients ignore.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JUJU_VERSION } from '../hook-env.js';
import type { ModelState } from '../model/schema.js';
import { endpointInfo as declaredOrImplicit, isContainerScoped } from '../model/scope.js';
import type { ModelStatus, UnitView } from '../runner/types.js';

export interface StatusInfo {
  current: string;
  message?: string;
  since?: string;
  version?: string;
}

export interface JujuUnit {
  'workload-status': StatusInfo;
  'juju-status': StatusInfo;
  leader?: true;
  machine?: string;
  'open-ports'?: string[];
  'public-address'?: string;
  address?: string;
  subordinates?: Record<string, JujuUnit>;
  lucky: Record<string, unknown>;
}

export interface JujuApplication {
  charm: string;
  base?: { name: string; channel: string };
  'charm-origin': 'local';
  'charm-name': string;
  'charm-rev': number;
  scale: number;
  exposed: boolean;
  'application-status': StatusInfo;
  relations?: Record<string, Array<{ 'related-application': string; interface: string; scope: string }>>;
  'subordinate-to'?: string[];
  units?: Record<string, JujuUnit>;
  version?: string;
  lucky: { 'charm-dir': string };
}

export interface JujuMachine {
  'juju-status': StatusInfo;
  hostname: string;
  'dns-name': string;
  'ip-addresses': string[];
  'instance-id': string;
  'machine-status': StatusInfo;
  base: { name: string; channel: string };
}

export interface JujuRelation {
  provider: string;
  requirer: string;
  interface: string;
  type: 'regular' | 'peer' | 'subordinate';
}

export interface JujuStatus {
  model: { name: string; type: 'iaas' | 'caas'; controller: string; cloud: string; region: string; version: string; 'model-status': StatusInfo; sla: string };
  machines: Record<string, JujuMachine>;
  applications: Record<string, JujuApplication>;
  controller: { timestamp: string };
  /** Juju keeps the relation rows out of json/yaml (`json:"-"`); the table prints them. */
  relationRows: JujuRelation[];
}

/** The simulator's controller and cloud, as `credential-get` reports it (model/cloud.ts). */
export const SIM_CONTROLLER = 'lucky-sim';
const CLOUD = 'localhost';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** Juju's status time format (`juju status --utc`): `02 Dec 2026 14:45:00Z`. */
export function jujuTime(iso: string | undefined): string | undefined {
  if (iso === undefined || iso === '') return undefined;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return undefined;
  return `${two(t.getUTCDate())} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}Z`;
}

/** The host the hooks run on is every unit's machine: its base from /etc/os-release, as Juju's `ubuntu@22.04`. */
function hostBase(): { name: string; channel: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const field = (key: string): string => new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1] ?? '';
    return { name: field('ID') || 'linux', channel: field('VERSION_ID') };
  } catch {
    return { name: 'linux', channel: '' };
  }
}

/** A local charm's revision: its `revision` file, as Juju reads it on deploy; 0 without one. */
function charmRevision(charmDir: string): number {
  try {
    const revision = Number.parseInt(readFileSync(join(charmDir, 'revision'), 'utf8').trim(), 10);
    return Number.isSafeInteger(revision) && revision >= 0 ? revision : 0;
  } catch {
    return 0;
  }
}

/** The applications `app` relates to over container-scoped relations. */
function containerRelated(model: ModelState, app: string): string[] {
  return Object.values(model.relations)
    .filter((relation) => relation.endpoints.some((endpoint) => endpoint.application === app) && isContainerScoped(model, relation))
    .flatMap((relation) => relation.endpoints.filter((endpoint) => endpoint.application !== app).map((endpoint) => endpoint.application));
}

/** A subordinate unit's principal, once the model records it (`principal` on the unit); undefined otherwise. */
function principalOf(model: ModelState, unit: string): string | undefined {
  const principal = model.units[unit]?.principal;
  return principal === undefined || principal === '' ? undefined : principal;
}

function endpointInfo(model: ModelState, app: string, endpoint: string): { role: string; interface: string; scope: string } {
  // Declared, or the implicit juju-info every charm provides.
  const info: unknown = declaredOrImplicit(model, app, endpoint);
  if (typeof info !== 'object' || info === null) return { role: '', interface: '', scope: 'global' };
  const record = info as { role?: unknown; interface?: unknown; scope?: unknown };
  return {
    role: typeof record.role === 'string' ? record.role : '',
    interface: typeof record.interface === 'string' ? record.interface : '',
    scope: record.scope === 'container' ? 'container' : 'global',
  };
}

/** Juju writes a unit's ports as `80/tcp`, ranges as `8000-8080/tcp`, and `icmp` alone. */
function unitStatus(model: ModelState, view: UnitView, kubernetes: boolean, subordinates: Record<string, JujuUnit> | undefined): JujuUnit {
  const state = model.units[view.name];
  const error = view.agent.status === 'error';
  const unit: JujuUnit = {
    'workload-status': compact({
      current: error ? 'error' : view.workload.status,
      message: error ? view.agent.message : view.workload.message,
      since: jujuTime(state?.statusSince),
    }),
    // Juju reports a failed hook on the workload (`error`, `hook failed: "x"`) while the agent is idle, waiting to be resolved.
    'juju-status': { current: 'idle', version: JUJU_VERSION },
    lucky: compact({
      'data-dir': view.dataDir,
      'socket-path': view.socketPath,
      storage: view.storage.length > 0 ? view.storage : undefined,
      containers: view.containers,
    }),
  };
  if (view.leader) unit.leader = true;
  // Juju gives only principal units a machine; a subordinate shows under its principal.
  if (!kubernetes && state?.machineId && principalOf(model, view.name) === undefined) unit.machine = state.machineId;
  if (view.ports.length > 0) unit['open-ports'] = [...view.ports];
  if (kubernetes) unit.address = view.address;
  else if (state?.publicAddress) unit['public-address'] = state.publicAddress;
  if (subordinates && Object.keys(subordinates).length > 0) unit.subordinates = subordinates;
  return unit;
}

/** Drops keys whose value is undefined or '' (Juju's omitempty). */
function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export function jujuStatus(view: ModelStatus, model: ModelState): JujuStatus {
  const base = hostBase();
  const kubernetesApps = new Set(Object.keys(model.applications).filter((app) => model.applications[app]?.containers !== undefined));
  const apps = Object.keys(model.applications);
  // Juju models are one or the other; a model of only Kubernetes charms is shown as a Kubernetes (caas) model.
  const type = apps.length > 0 && apps.every((app) => kubernetesApps.has(app)) ? 'caas' : 'iaas';
  const units = new Map(view.applications.flatMap((app) => app.units.map((unit) => [unit.name, unit] as const)));
  const subordinatesOf = new Map<string, string[]>();
  for (const name of units.keys()) {
    const principal = principalOf(model, name);
    if (principal !== undefined && units.has(principal)) subordinatesOf.set(principal, [...(subordinatesOf.get(principal) ?? []), name]);
  }
  const render = (name: string): JujuUnit => {
    const unit = units.get(name)!;
    const subs = subordinatesOf.get(name);
    return unitStatus(model, unit, kubernetesApps.has(unit.application), subs && Object.fromEntries(subs.map((sub) => [sub, render(sub)])));
  };

  const relationsOf = new Map<string, Record<string, Array<{ 'related-application': string; interface: string; scope: string }>>>();
  const relationRows: JujuRelation[] = [];
  for (const relation of Object.values(model.relations).sort((x, y) => x.id - y.id)) {
    const [first, second = first] = relation.endpoints;
    if (!first || !second) continue;
    const a = endpointInfo(model, first.application, first.name);
    const b = endpointInfo(model, second.application, second.name);
    const scope = a.scope === 'container' || b.scope === 'container' ? 'container' : 'global';
    const sides =
      relation.endpoints.length === 1
        ? ([[first, first, a]] as const)
        : ([
            [first, second, a],
            [second, first, b],
          ] as const);
    for (const [self, other, info] of sides) {
      const byEndpoint = relationsOf.get(self.application) ?? {};
      const list = (byEndpoint[self.name] ??= []);
      if (!list.some((entry) => entry['related-application'] === other.application))
        list.push({ 'related-application': other.application, interface: info.interface, scope });
      relationsOf.set(self.application, byEndpoint);
    }
    const peer = relation.endpoints.length === 1;
    const provider = peer || a.role !== 'requires' ? first : second;
    const requirer = provider === first ? second : first;
    relationRows.push({
      provider: `${provider.application}:${provider.name}`,
      requirer: `${requirer.application}:${requirer.name}`,
      interface: a.interface || b.interface,
      type: peer ? 'peer' : scope === 'container' ? 'subordinate' : 'regular',
    });
  }
  relationRows.sort((x, y) => x.provider.localeCompare(y.provider) || x.requirer.localeCompare(y.requirer));

  const applications: Record<string, JujuApplication> = {};
  for (const app of view.applications) {
    const state = model.applications[app.name];
    const revision = charmRevision(app.charmDir);
    // Juju's processApplicationRelations: a subordinate is subordinate to the applications of its container-scoped relations, with or without units.
    const isSubordinate = state?.subordinate === true || (app.units.length > 0 && app.units.every((unit) => principalOf(model, unit.name) !== undefined));
    const principals = [
      ...new Set([
        ...app.units.flatMap((unit) => units.get(principalOf(model, unit.name) ?? '')?.application ?? []),
        ...(state?.subordinate === true ? containerRelated(model, app.name) : []),
      ]),
    ].sort();
    const entry: JujuApplication = {
      charm: `local:${app.charm}-${revision}`,
      ...(kubernetesApps.has(app.name) ? {} : { base }),
      'charm-origin': 'local',
      'charm-name': app.charm,
      'charm-rev': revision,
      scale: app.units.length,
      exposed: false,
      'application-status': compact({ current: app.status.status, message: app.status.message, since: jujuTime(state?.statusSince) }),
      lucky: { 'charm-dir': app.charmDir },
    };
    const relations = relationsOf.get(app.name);
    if (relations) entry.relations = relations;
    if (isSubordinate || principals.length > 0) entry['subordinate-to'] = principals;
    // Subordinate units are listed under their principal unit only, as Juju does.
    const own = app.units.filter((unit) => principalOf(model, unit.name) === undefined || !units.has(principalOf(model, unit.name)!));
    if (own.length > 0) entry.units = Object.fromEntries(own.map((unit) => [unit.name, render(unit.name)]));
    if (app.version) entry.version = app.version;
    applications[app.name] = entry;
  }

  const machines: Record<string, JujuMachine> = {};
  const suffix = model.uuid.replace(/-/g, '').slice(-6);
  for (const [name, state] of Object.entries(model.units)) {
    if (!state.machineId || kubernetesApps.has(state.application) || principalOf(model, name) !== undefined || machines[state.machineId]) continue;
    const instance = `juju-${suffix}-${state.machineId}`;
    machines[state.machineId] = {
      'juju-status': { current: 'started', version: JUJU_VERSION },
      hostname: instance,
      'dns-name': state.publicAddress,
      'ip-addresses': [...new Set([state.publicAddress, state.privateAddress].filter(Boolean))],
      'instance-id': instance,
      'machine-status': { current: 'running', message: 'Running' },
      base,
    };
  }
  const sortedMachines = Object.fromEntries(Object.entries(machines).sort(([x], [y]) => Number(x) - Number(y)));

  // Juju's Timestamp is the controller's time when it answered; statuses' `since` are real time too.
  const now = new Date();
  return {
    model: {
      name: model.name,
      type,
      controller: SIM_CONTROLLER,
      cloud: CLOUD,
      region: CLOUD,
      version: JUJU_VERSION,
      'model-status': { current: 'available' },
      sla: 'unsupported',
    },
    machines: sortedMachines,
    applications,
    controller: { timestamp: `${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}Z` },
    relationRows,
  };
}

/** The JSON/YAML document: Juju's keys (the relation rows are the table's only). */
export function jujuDocument(status: JujuStatus): Omit<JujuStatus, 'relationRows'> {
  const { relationRows: _rows, ...document } = status;
  return document;
}
