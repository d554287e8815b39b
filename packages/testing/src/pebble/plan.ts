/**
 * Pebble's layers and plan: layers parsed from YAML, stacked by order, combined
 * into an existing layer of the same label, and merged into the plan item by item
 * under each item's `override` (merge or replace), then the plan is validated.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseDuration } from '@lucky/plugin-pebble/client';
import { badRequest } from './responses.js';

type Item = Record<string, unknown>;

export interface PlanLayer {
  readonly label: string;
  order: number;
  summary?: string;
  description?: string;
  services: Record<string, Item>;
  checks: Record<string, Item>;
  'log-targets': Record<string, Item>;
}

export interface Plan {
  services: Record<string, Item>;
  checks: Record<string, Item>;
  'log-targets': Record<string, Item>;
}

const SECTIONS = ['services', 'checks', 'log-targets'] as const;
type Section = (typeof SECTIONS)[number];
const SINGULAR: Record<Section, string> = { services: 'service', checks: 'check', 'log-targets': 'log target' };
const TOP_LEVEL = new Set(['summary', 'description', ...SECTIONS]);

/** List fields that a merge appends to; map fields that a merge merges by key; everything else is replaced. */
const LIST_FIELDS = new Set(['after', 'before', 'requires', 'services']);
const MAP_FIELDS = new Set(['environment', 'on-check-failure', 'headers', 'labels']);
const NESTED = new Set(['http', 'tcp', 'exec']);

function isObject(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeItem(base: Item, over: Item): Item {
  const out: Item = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    if (LIST_FIELDS.has(key) && Array.isArray(value) && Array.isArray(current)) out[key] = [...current, ...value.filter((v) => !current.includes(v))];
    else if ((MAP_FIELDS.has(key) || NESTED.has(key)) && isObject(value) && isObject(current))
      out[key] = NESTED.has(key) ? mergeItem(current, value) : { ...current, ...value };
    else out[key] = value;
  }
  return out;
}

/** Parses one layer's YAML as Pebble does (400 for anything it would refuse). */
export function parseLayer(label: string, text: string): PlanLayer {
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    throw badRequest(`cannot parse layer ${JSON.stringify(label)}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(data)) throw badRequest(`cannot parse layer ${JSON.stringify(label)}: layer must be a YAML mapping`);
  for (const key of Object.keys(data)) {
    if (!TOP_LEVEL.has(key)) throw badRequest(`cannot parse layer ${JSON.stringify(label)}: field ${key} not found in type plan.Layer`);
  }
  const layer: PlanLayer = { label, order: 0, services: {}, checks: {}, 'log-targets': {} };
  if (typeof data.summary === 'string') layer.summary = data.summary;
  if (typeof data.description === 'string') layer.description = data.description;
  for (const section of SECTIONS) {
    const items = data[section] ?? {};
    if (!isObject(items)) throw badRequest(`cannot parse layer ${JSON.stringify(label)}: "${section}" must be a mapping`);
    for (const [name, item] of Object.entries(items)) {
      if (!isObject(item)) throw badRequest(`layer ${JSON.stringify(label)} must define ${SINGULAR[section]} ${JSON.stringify(name)} as a mapping`);
      if (name === '' || /\s/.test(name) || name.startsWith('-')) throw badRequest(`cannot use ${SINGULAR[section]} name ${JSON.stringify(name)}`);
      const override = item.override;
      if (override === undefined || override === '')
        throw badRequest(`layer ${JSON.stringify(label)} must define "override" for ${SINGULAR[section]} ${JSON.stringify(name)}`);
      if (override !== 'merge' && override !== 'replace')
        throw badRequest(`layer ${JSON.stringify(label)} has invalid "override" value for ${SINGULAR[section]} ${JSON.stringify(name)}`);
      if (item.startup !== undefined && item.startup !== 'enabled' && item.startup !== 'disabled') {
        throw badRequest(`invalid "startup" value ${JSON.stringify(item.startup)} for ${SINGULAR[section]} ${JSON.stringify(name)}`);
      }
      layer[section][name] = item;
    }
  }
  return layer;
}

/** The plan the stacked layers make (layers in order; each item merged or replaced). */
export function combine(layers: readonly PlanLayer[]): Plan {
  const plan: Plan = { services: {}, checks: {}, 'log-targets': {} };
  for (const layer of [...layers].sort((a, b) => a.order - b.order)) {
    for (const section of SECTIONS) {
      for (const [name, item] of Object.entries(layer[section])) {
        const existing = plan[section][name];
        plan[section][name] = item.override === 'merge' && existing ? mergeItem(existing, item) : { ...item };
      }
    }
  }
  return plan;
}

/** Merges `layer` into `into` (an existing layer with the same label, combine=true). */
export function combineInto(into: PlanLayer, layer: PlanLayer): void {
  if (layer.summary !== undefined) into.summary = layer.summary;
  if (layer.description !== undefined) into.description = layer.description;
  for (const section of SECTIONS) {
    for (const [name, item] of Object.entries(layer[section])) {
      const existing = into[section][name];
      into[section][name] = item.override === 'merge' && existing ? mergeItem(existing, item) : { ...item };
    }
  }
}

function checkDuration(value: unknown, field: string, what: string): void {
  if (value === undefined) return;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms < 0) throw badRequest(`${what} has invalid ${field} duration: ${JSON.stringify(value)}`);
}

/** Pebble's plan validation, on the combined plan (400 on the first problem). */
export function validatePlan(plan: Plan): void {
  for (const [name, service] of Object.entries(plan.services)) {
    const what = `service ${JSON.stringify(name)}`;
    if (typeof service.command !== 'string' || service.command.trim() === '') throw badRequest(`plan must define "command" for ${what}`);
    try {
      splitCommand(service.command);
    } catch (error) {
      throw badRequest(`plan service ${JSON.stringify(name)} command invalid: ${(error as Error).message}`);
    }
    for (const field of ['backoff-delay', 'backoff-limit', 'kill-delay']) checkDuration(service[field], field, `plan ${what}`);
    for (const field of ['after', 'before', 'requires']) {
      const list = service[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw badRequest(`plan ${what} "${field}" must be a list`);
      for (const other of list)
        if (!(String(other) in plan.services))
          throw badRequest(
            `plan must define service ${JSON.stringify(other)} ${field === 'requires' ? 'required' : `ordered ${field}`} by ${JSON.stringify(name)}`,
          );
    }
    for (const action of ['on-success', 'on-failure']) {
      const value = service[action];
      if (value !== undefined && !['restart', 'shutdown', 'failure-shutdown', 'success-shutdown', 'ignore'].includes(String(value))) {
        throw badRequest(`plan ${what} has invalid "${action}" action: ${JSON.stringify(value)}`);
      }
    }
  }
  for (const [name, check] of Object.entries(plan.checks)) {
    const what = `check ${JSON.stringify(name)}`;
    const kinds = ['http', 'tcp', 'exec'].filter((kind) => check[kind] !== undefined);
    if (kinds.length !== 1) throw badRequest(`plan must specify one of "http", "tcp" or "exec" for ${what}`);
    if (check.level !== undefined && check.level !== 'alive' && check.level !== 'ready' && check.level !== 'unset')
      throw badRequest(`plan ${what} has invalid level ${JSON.stringify(check.level)}`);
    checkDuration(check.period, 'period', `plan ${what}`);
    checkDuration(check.timeout, 'timeout', `plan ${what}`);
    if (check.threshold !== undefined && (typeof check.threshold !== 'number' || check.threshold < 1))
      throw badRequest(`plan ${what} threshold must be greater than zero`);
    const http = check.http as Item | undefined;
    if (http !== undefined && (typeof http.url !== 'string' || http.url === '')) throw badRequest(`plan must set "url" for http ${what}`);
    const tcp = check.tcp as Item | undefined;
    if (tcp !== undefined && (typeof tcp.port !== 'number' || tcp.port <= 0)) throw badRequest(`plan must set "port" for tcp ${what}`);
    const exec = check.exec as Item | undefined;
    if (exec !== undefined && (typeof exec.command !== 'string' || exec.command === '')) throw badRequest(`plan must set "command" for exec ${what}`);
  }
  // Start order must have no cycles.
  startOrder(plan, Object.keys(plan.services));
}

/**
 * Service names in start order: `requires` pulls services in, `after`/`before`
 * order them; ties by name. Throws a 400 on an unknown service or a cycle.
 */
export function startOrder(plan: Plan, names: readonly string[]): string[] {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const service = plan.services[name];
    if (!service) throw badRequest(`service ${JSON.stringify(name)} does not exist`);
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const required of (service.requires as string[] | undefined) ?? []) visit(required);
  };
  for (const name of names) visit(name);
  const edges = new Map<string, Set<string>>([...wanted].map((name) => [name, new Set<string>()]));
  for (const name of wanted) {
    const service = plan.services[name]!;
    for (const before of (service.after as string[] | undefined) ?? []) if (wanted.has(before)) edges.get(name)!.add(before);
    for (const after of (service.before as string[] | undefined) ?? []) if (wanted.has(after)) edges.get(after)!.add(name);
  }
  const order: string[] = [];
  const remaining = new Set(wanted);
  while (remaining.size > 0) {
    const ready = [...remaining].filter((name) => [...edges.get(name)!].every((dep) => !remaining.has(dep))).sort();
    if (ready.length === 0) throw badRequest(`services in before/after loop: ${[...remaining].sort().join(', ')}`);
    for (const name of ready) {
      order.push(name);
      remaining.delete(name);
    }
  }
  return order;
}

/** Pebble's plan as YAML (what `GET /v1/plan?format=yaml` returns); empty sections are left out. */
export function planYaml(plan: Plan): string {
  const out: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const names = Object.keys(plan[section]).sort();
    if (names.length > 0) out[section] = Object.fromEntries(names.map((name) => [name, plan[section][name]]));
  }
  return Object.keys(out).length === 0 ? '{}\n' : stringifyYaml(out);
}

/**
 * Splits a service command the way Pebble does (shell-like quoting, no shell),
 * dropping the `[ … ]` group of default arguments' brackets.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (command[i + 1] === '"' || command[i + 1] === '\\')) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error('unterminated quote');
  if (inWord) words.push(word);
  const open = words.indexOf('[');
  if (open >= 0) {
    if (words[words.length - 1] !== ']' || words.indexOf('[', open + 1) >= 0) throw new Error('default arguments must be in a single "[ … ]" group at the end');
    words.splice(open, 1);
    words.pop();
  }
  if (words.length === 0) throw new Error('empty command');
  return words;
}
