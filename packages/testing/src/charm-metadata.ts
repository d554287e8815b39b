import { SimulatorError } from './errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { readConfigOptions } from '@lucky/core';
import type { ConfigOption, ConfigValue, EndpointInfo, StorageDefinition } from './model/schema.js';
import { parseSize } from './model/storage.js';

/** What the simulator needs from a charm directory. */
export interface CharmInfo {
  /** null when the charm has no metadata.yaml/charmcraft.yaml. */
  readonly endpoints: Record<string, EndpointInfo> | null;
  readonly extraBindings: string[];
  /** null when the charm declares no config (no config.yaml, no `config:` in charmcraft.yaml). */
  readonly configOptions: Record<string, ConfigOption> | null;
  /** The metadata's `storage:` ({} when none). */
  readonly storage: Record<string, StorageDefinition>;
  /** What Juju accepts with a coercion (a default written as a string, an option without a type), `file:line:col: key.path: …` each. */
  readonly warnings: string[];
  /** `subordinate: true` in the metadata. */
  readonly subordinate: boolean;
}

const EndpointSchema = v.union([v.string(), v.looseObject({ interface: v.string(), scope: v.optional(v.picklist(['global', 'container'])) })]);
const EndpointsSchema = v.optional(v.nullable(v.record(v.string(), EndpointSchema)));
const StorageSchema = v.looseObject({
  type: v.picklist(['filesystem', 'block']),
  location: v.optional(v.string()),
  multiple: v.optional(v.looseObject({ range: v.union([v.number(), v.string()]) })),
  'minimum-size': v.optional(v.string()),
  shared: v.optional(v.boolean()),
  'read-only': v.optional(v.boolean()),
  description: v.optional(v.string()),
});
const MetadataSchema = v.looseObject({
  name: v.optional(v.string()),
  provides: EndpointsSchema,
  requires: EndpointsSchema,
  peers: EndpointsSchema,
  'extra-bindings': v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  storage: v.optional(v.nullable(v.record(v.string(), StorageSchema))),
  subordinate: v.optional(v.boolean()),
});
const OptionSchema = v.looseObject({
  // Juju takes an option without a type as a string option.
  type: v.optional(v.nullable(v.picklist(['string', 'int', 'float', 'boolean', 'secret']))),
  default: v.optional(v.unknown()),
  description: v.optional(v.string()),
});
const ConfigSchema = v.looseObject({ options: v.optional(v.nullable(v.record(v.string(), OptionSchema))) });
const CharmcraftSchema = v.looseObject({ config: v.optional(v.nullable(ConfigSchema)) });

interface YamlFile {
  readonly data: unknown;
  readonly doc: Document;
  readonly counter: LineCounter;
}

/** A charm file as Juju reads it: a repeated key is no error, the last one counts (go-yaml v2's Unmarshal). */
async function readYaml(path: string): Promise<YamlFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  if (doc.errors[0]) throw doc.errors[0];
  return { data: doc.toJS() ?? {}, doc, counter };
}

function check<S extends v.GenericSchema>(schema: S, data: unknown, path: string): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  throw new SimulatorError(`${path} is not valid charm metadata:\n  ${issues.join('\n  ')}`);
}

/** Reads endpoints and config options from metadata.yaml/config.yaml, or charmcraft.yaml. */
export async function readCharmInfo(charmDir: string): Promise<CharmInfo> {
  const metadataPath = join(charmDir, 'metadata.yaml');
  const charmcraftPath = join(charmDir, 'charmcraft.yaml');
  const configPath = join(charmDir, 'config.yaml');
  const [metadataFile, charmcraftFile, configFile] = await Promise.all([readYaml(metadataPath), readYaml(charmcraftPath), readYaml(configPath)]);
  const [metadataRaw, charmcraftRaw] = [metadataFile?.data, charmcraftFile?.data];

  let endpoints: Record<string, EndpointInfo> | null = null;
  let extraBindings: string[] = [];
  const storage: Record<string, StorageDefinition> = {};
  let subordinate = false;
  const metadataSource =
    metadataRaw !== undefined ? { data: metadataRaw, path: metadataPath } : charmcraftRaw !== undefined ? { data: charmcraftRaw, path: charmcraftPath } : null;
  if (metadataSource) {
    const metadata = check(MetadataSchema, metadataSource.data, metadataSource.path);
    endpoints = {};
    for (const role of ['provides', 'requires', 'peers'] as const) {
      for (const [name, endpoint] of Object.entries(metadata[role] ?? {})) {
        endpoints[name] =
          typeof endpoint === 'string'
            ? { role, interface: endpoint }
            : { role, interface: endpoint.interface, ...(endpoint.scope === 'container' ? { scope: 'container' as const } : {}) };
      }
    }
    extraBindings = Object.keys(metadata['extra-bindings'] ?? {});
    subordinate = metadata.subordinate === true;
    for (const [name, store] of Object.entries(metadata.storage ?? {})) {
      const problem = (text: string) =>
        new SimulatorError(`${metadataSource.path}: charm ${JSON.stringify(metadata.name ?? '')} storage ${JSON.stringify(name)}: ${text}`);
      // Storage ids are `<name>/<n>`, so the name must be one Juju's names package accepts.
      if (!STORAGE_NAME.test(name)) throw problem('not a valid storage name');
      storage[name] = toStorageDefinition(store, problem);
    }
  }

  // Options and defaults as Juju's ReadConfig reads them (core's readConfigOptions): what it coerces is taken, what it refuses is refused.
  let configOptions: Record<string, ConfigOption> | null = null;
  const warnings: string[] = [];
  const configSource = configFile
    ? { file: configFile, path: configPath, at: [] }
    : charmcraftFile
      ? { file: charmcraftFile, path: charmcraftPath, at: ['config'] }
      : null;
  let declared = false;
  if (configFile) declared = Boolean(check(ConfigSchema, configFile.data, configPath));
  else if (charmcraftFile) declared = Boolean(check(CharmcraftSchema, charmcraftFile.data, charmcraftPath).config);
  if (configSource && declared) {
    const report = readConfigOptions(configSource.file.doc, configSource.file.counter, configSource.path, configSource.at);
    if (report.problems.length > 0) throw new SimulatorError(`${configSource.path} is not valid charm config:\n  ${report.problems.join('\n  ')}`);
    warnings.push(...report.warnings);
    configOptions = {};
    for (const [name, option] of Object.entries(report.options ?? {})) configOptions[name] = { ...option };
  }
  return { endpoints, extraBindings, configOptions, storage, warnings, subordinate };
}

const STORAGE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;
const STORAGE_RANGE = /^([0-9]+)([-+]|-[0-9]+)$/;

/** A `storage:` entry as Juju's charm metadata reads and checks it (storageSchema, Meta.Check). */
function toStorageDefinition(store: v.InferOutput<typeof StorageSchema>, problem: (text: string) => SimulatorError): StorageDefinition {
  if (store.shared === true) throw problem('shared storage support not implemented');
  if (store.location !== undefined && store.location !== '' && store.type !== 'filesystem')
    throw problem(`location may not be specified for "type: ${store.type}"`);
  let countMin = 1;
  let countMax = 1;
  const range = store.multiple?.range;
  if (typeof range === 'number' || (typeof range === 'string' && /^[-+]?[0-9]+$/.test(range))) {
    // "m": exactly m instances.
    const m = Number(range);
    if (!Number.isSafeInteger(m) || m <= 0) throw problem(`multiple.range: invalid count ${String(range)}`);
    countMin = countMax = m;
  } else if (typeof range === 'string') {
    const match = STORAGE_RANGE.exec(range);
    if (!match) throw problem(`multiple.range: value ${JSON.stringify(range)} does not match 'm', 'm-n', or 'm+'`);
    countMin = Number(match[1]);
    // "m+" and "m-" have no maximum.
    countMax = match[2]?.length === 1 ? -1 : Number(match[2]?.slice(1));
  }
  if (countMax === 0) throw problem(`invalid maximum count ${countMax}`);
  if (countMax !== -1 && countMin > countMax) throw problem(`invalid range: minimum ${countMin} is above maximum ${countMax}`);
  let minimumSize = 0;
  if (store['minimum-size'] !== undefined) {
    try {
      minimumSize = parseSize(store['minimum-size']);
    } catch (error) {
      throw problem(`minimum-size: ${(error as Error).message}`);
    }
  }
  return { type: store.type, location: store.location ?? '', countMin, countMax, minimumSize, readOnly: store['read-only'] ?? false };
}

export interface ConfigOptionInput {
  readonly type: ConfigOption['type'];
  readonly default?: unknown;
  readonly description?: string | undefined;
}

/** A config option with its default checked against its type. */
export function toConfigOption(name: string, input: ConfigOptionInput, source: string): ConfigOption {
  const option: ConfigOption = { type: input.type };
  if (input.description !== undefined) option.description = input.description;
  if (input.default !== undefined && input.default !== null) {
    option.default = checkConfigValue(name, option, input.default, `${source}: default of`);
  }
  return option;
}

/** Checks a value against its option type (Juju rejects mismatches at `juju config`). */
export function checkConfigValue(name: string, option: ConfigOption, value: unknown, context = 'config'): ConfigValue {
  const ok =
    option.type === 'int'
      ? Number.isSafeInteger(value)
      : option.type === 'float'
        ? typeof value === 'number' && Number.isFinite(value)
        : option.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'string';
  if (!ok) throw new SimulatorError(`${context} option ${JSON.stringify(name)}: expected ${option.type}, got ${JSON.stringify(value)}`);
  return value as ConfigValue;
}
