/**
 * The Kubernetes parts of a charm's metadata: `containers:` (the workload containers of
 * a sidecar charm) and `resources:` (whose `oci-image` entries give their images), read
 * and checked as Juju's charm metadata does.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { parse } from 'yaml';
import { SimulatorError } from '../errors.js';

export interface ContainerMount {
  /** The store (metadata `storage:`) mounted into the container. */
  readonly storage: string;
  /** Where it is mounted inside the container; '' when the metadata gives none (the store's own location then). */
  readonly location: string;
}

export interface ContainerSpec {
  /** The `oci-image` resource the container runs. */
  readonly resource: string;
  readonly mounts: readonly ContainerMount[];
}

export interface KubernetesMetadata {
  /** `containers:`; empty for a machine charm. */
  readonly containers: Readonly<Record<string, ContainerSpec>>;
  /** `resources:` name → type. */
  readonly resources: Readonly<Record<string, 'file' | 'oci-image'>>;
}

const MountSchema = v.looseObject({ storage: v.string(), location: v.optional(v.string()) });
const ContainerSchema = v.looseObject({
  resource: v.optional(v.string()),
  bases: v.optional(v.unknown()),
  mounts: v.optional(v.nullable(v.array(MountSchema))),
});
const ResourceSchema = v.looseObject({ type: v.optional(v.picklist(['file', 'oci-image']), 'file') });
const MetadataSchema = v.looseObject({
  name: v.optional(v.string()),
  containers: v.optional(v.nullable(v.record(v.string(), ContainerSchema))),
  resources: v.optional(v.nullable(v.record(v.string(), ResourceSchema))),
  storage: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
});

async function readYaml(path: string): Promise<unknown> {
  try {
    return parse(await readFile(path, 'utf8'), { uniqueKeys: false }) ?? {}; // Juju's go-yaml v2 keeps a repeated key's last value
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads `containers:` and `resources:` from metadata.yaml (or charmcraft.yaml); a charm without them gets empty maps. */
export async function readKubernetesMetadata(charmDir: string): Promise<KubernetesMetadata> {
  let path = join(charmDir, 'metadata.yaml');
  let raw = await readYaml(path);
  if (raw === undefined) {
    path = join(charmDir, 'charmcraft.yaml');
    raw = await readYaml(path);
  }
  if (raw === undefined) return { containers: {}, resources: {} };
  const result = v.safeParse(MetadataSchema, raw);
  if (!result.success) {
    const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    throw new SimulatorError(`${path}: invalid containers or resources: ${issues.join('; ')}`);
  }
  const metadata = result.output;
  const resources: Record<string, 'file' | 'oci-image'> = {};
  for (const [name, resource] of Object.entries(metadata.resources ?? {})) resources[name] = resource.type;
  const containers: Record<string, ContainerSpec> = {};
  for (const [name, container] of Object.entries(metadata.containers ?? {})) {
    const problem = (text: string) => new SimulatorError(`${path}: container ${JSON.stringify(name)}: ${text}`);
    // Juju's metadata check: a container names its image either way, not both.
    if (container.resource !== undefined && container.bases !== undefined) throw problem('both "resource" and "bases" are specified; use one');
    if (container.resource === undefined) {
      throw problem('the simulator runs containers from an oci-image resource only; add "resource: <name>" and declare it under "resources:"');
    }
    const type = Object.hasOwn(resources, container.resource) ? resources[container.resource] : undefined;
    if (type === undefined) throw problem(`referenced resource ${JSON.stringify(container.resource)} not found`);
    if (type !== 'oci-image') throw problem(`referenced resource ${JSON.stringify(container.resource)} is not a oci-image`);
    const mounts = (container.mounts ?? []).map((mount) => {
      if (!Object.hasOwn(metadata.storage ?? {}, mount.storage)) throw problem(`mount of undeclared storage ${JSON.stringify(mount.storage)}`);
      return { storage: mount.storage, location: mount.location ?? '' };
    });
    containers[name] = { resource: container.resource, mounts };
  }
  return { containers, resources };
}
