/** A charm's actions as Juju reads them: actions.yaml (else charmcraft.yaml's `actions:`), each turned into one JSON schema. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SimulatorError } from '../errors.js';

/** One action: its description and the JSON schema of its params (Juju's ActionSpec). */
export interface ActionSpec {
  readonly description: string;
  /** `{type: object, title, description, properties, required?, additionalProperties?, …}`. */
  readonly schema: Readonly<Record<string, unknown>>;
}

const KEYS_NOT_IN_SCHEMA = new Set(['description', 'parallel', 'execution-group', 'params']);

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readYaml(path: string): Promise<unknown> {
  try {
    return parse(await readFile(path, 'utf8'), { uniqueKeys: false }) as unknown; // Juju's go-yaml v2 keeps a repeated key's last value
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SimulatorError(`${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The charm's actions by name ({} when it has none). Like Juju, an action's
 * `params` become the schema's `properties`, and its other keys (`required`,
 * `additionalProperties`…) are schema keywords.
 */
export async function readActionSpecs(charmDir: string): Promise<Record<string, ActionSpec>> {
  let data = await readYaml(join(charmDir, 'actions.yaml'));
  let source = join(charmDir, 'actions.yaml');
  if (data === undefined) {
    const charmcraft = await readYaml(join(charmDir, 'charmcraft.yaml'));
    data = isMapping(charmcraft) ? charmcraft.actions : undefined;
    source = join(charmDir, 'charmcraft.yaml');
  }
  if (data === undefined || data === null) return {};
  if (!isMapping(data)) throw new SimulatorError(`${source}: the actions must be a mapping of action names to actions.`);
  const specs: Record<string, ActionSpec> = {};
  for (const [name, raw] of Object.entries(data)) {
    const action = raw ?? {};
    if (!isMapping(action)) throw new SimulatorError(`${source}: action "${name}" must be a mapping (description, params…) or empty.`);
    const description = typeof action.description === 'string' ? action.description : 'No description';
    const schema: Record<string, unknown> = { description, type: 'object', title: name, properties: {} };
    for (const [key, value] of Object.entries(action)) {
      if (key === 'params') schema.properties = value ?? {};
      else if (!KEYS_NOT_IN_SCHEMA.has(key)) schema[key] = value;
    }
    specs[name] = { description, schema };
  }
  return specs;
}
