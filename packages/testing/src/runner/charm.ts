import { SimulatorError } from '../errors.js';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { parse } from 'yaml';
import { readCharmInfo, type CharmInfo } from '../charm-metadata.js';
import { checkCharmEntry } from './charm-entry.js';
import type { ConfigOption, EndpointInfo, StorageDefinition } from '../model/schema.js';

export interface Charm {
  readonly dir: string;
  /** `name` from metadata.yaml (or charmcraft.yaml). */
  readonly name: string;
  readonly endpoints: Record<string, EndpointInfo>;
  readonly extraBindings: string[];
  readonly configOptions: Record<string, ConfigOption>;
  readonly storage: Record<string, StorageDefinition>;
  /** `subordinate: true`: deployed without units, one unit per principal unit it relates to over a container-scoped relation. */
  readonly subordinate: boolean;
}

const NameSchema = v.looseObject({ name: v.optional(v.string()) });

async function readName(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A repeated key is no error for Juju (go-yaml v2): the last one counts.
  const result = v.safeParse(NameSchema, parse(text, { uniqueKeys: false }) ?? {});
  return result.success ? result.output.name : undefined;
}

/**
 * Reads a charm directory, refusing what Juju would not deploy: a missing directory,
 * or one without metadata.yaml or charmcraft.yaml.
 */
export async function readCharm(charmDir: string): Promise<Charm> {
  const dir = resolve(charmDir);
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new SimulatorError(`Charm directory ${dir} does not exist.`);
  let info: CharmInfo;
  try {
    info = await readCharmInfo(dir);
  } catch (error) {
    // The metadata reader lists every problem on its own lines; keep the message one line.
    throw new SimulatorError((error as Error).message.replace(/\n\s*/g, ' '), { cause: error });
  }
  if (info.endpoints === null) throw new SimulatorError(`${dir} is not a charm: it has neither metadata.yaml nor charmcraft.yaml.`);
  const name = (await readName(join(dir, 'metadata.yaml'))) ?? (await readName(join(dir, 'charmcraft.yaml')));
  if (name === undefined || name === '') throw new SimulatorError(`${dir} is not a charm: its metadata has no "name".`);
  // Juju's charm metadata check (Meta.Check): a subordinate must be able to relate to a principal.
  if (info.subordinate && !Object.values(info.endpoints).some((endpoint) => endpoint.role === 'requires' && endpoint.scope === 'container')) {
    throw new SimulatorError(
      `subordinate charm ${JSON.stringify(name)} lacks "requires" relation with container scope (${dir}); declare one, e.g. requires: {juju-info: {interface: juju-info, scope: container}}.`,
    );
  }
  await checkCharmEntry(dir, name);
  return {
    dir,
    name,
    endpoints: info.endpoints,
    extraBindings: info.extraBindings,
    configOptions: info.configOptions ?? {},
    storage: info.storage,
    subordinate: info.subordinate,
  };
}
