import { SimulatorError } from './errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { parse } from 'yaml';
import type { ConfigOption, ConfigValue, EndpointInfo } from './model/schema.js';

/** What the simulator needs from a charm directory. */
export interface CharmInfo {
  /** null when the charm has no metadata.yaml/charmcraft.yaml. */
  readonly endpoints: Record<string, EndpointInfo> | null;
  readonly extraBindings: string[];
  /** null when the charm declares no config (no config.yaml, no `config:` in charmcraft.yaml). */
  readonly configOptions: Record<string, ConfigOption> | null;
}

const EndpointSchema = v.union([v.string(), v.looseObject({ interface: v.string() })]);
const EndpointsSchema = v.optional(v.nullable(v.record(v.string(), EndpointSchema)));
const MetadataSchema = v.looseObject({
  provides: EndpointsSchema,
  requires: EndpointsSchema,
  peers: EndpointsSchema,
  'extra-bindings': v.optional(v.nullable(v.record(v.string(), v.unknown()))),
});
const OptionSchema = v.looseObject({
  type: v.picklist(['string', 'int', 'float', 'boolean', 'secret']),
  default: v.optional(v.unknown()),
  description: v.optional(v.string()),
});
const ConfigSchema = v.looseObject({ options: v.optional(v.nullable(v.record(v.string(), OptionSchema))) });
const CharmcraftSchema = v.looseObject({ config: v.optional(v.nullable(ConfigSchema)) });

async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parse(text) ?? {};
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
  const [metadataRaw, charmcraftRaw, configRaw] = await Promise.all([readYaml(metadataPath), readYaml(charmcraftPath), readYaml(configPath)]);

  let endpoints: Record<string, EndpointInfo> | null = null;
  let extraBindings: string[] = [];
  const metadataSource = metadataRaw !== undefined ? { data: metadataRaw, path: metadataPath } : charmcraftRaw !== undefined ? { data: charmcraftRaw, path: charmcraftPath } : null;
  if (metadataSource) {
    const metadata = check(MetadataSchema, metadataSource.data, metadataSource.path);
    endpoints = {};
    for (const role of ['provides', 'requires', 'peers'] as const) {
      for (const [name, endpoint] of Object.entries(metadata[role] ?? {})) {
        endpoints[name] = { role, interface: typeof endpoint === 'string' ? endpoint : endpoint.interface };
      }
    }
    extraBindings = Object.keys(metadata['extra-bindings'] ?? {});
  }

  let options: Record<string, v.InferOutput<typeof OptionSchema>> | null = null;
  if (configRaw !== undefined) options = check(ConfigSchema, configRaw, configPath).options ?? {};
  else if (charmcraftRaw !== undefined) {
    const config = check(CharmcraftSchema, charmcraftRaw, charmcraftPath).config;
    if (config) options = config.options ?? {};
  }
  let configOptions: Record<string, ConfigOption> | null = null;
  if (options) {
    configOptions = {};
    for (const [name, option] of Object.entries(options)) {
      configOptions[name] = toConfigOption(name, option, configRaw !== undefined ? configPath : charmcraftPath);
    }
  }
  return { endpoints, extraBindings, configOptions };
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
    option.type === 'int' ? Number.isSafeInteger(value)
    : option.type === 'float' ? typeof value === 'number' && Number.isFinite(value)
    : option.type === 'boolean' ? typeof value === 'boolean'
    : typeof value === 'string';
  if (!ok) throw new SimulatorError(`${context} option ${JSON.stringify(name)}: expected ${option.type}, got ${JSON.stringify(value)}`);
  return value as ConfigValue;
}
