/**
 * The parts of a sidecar charm's metadata the Pebble runtime works from:
 * `containers:` (each workload container, its OCI image resource and its storage
 * mounts) and the `location:` of each store. Read from metadata.yaml, else
 * charmcraft.yaml (a charm not yet built), as Juju reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { parse } from 'yaml';
import { ErrorCode, LuckyError, containerLabel } from '@lucky/core';

/** One storage mount of a workload container (metadata `containers.<c>.mounts`). */
export interface StorageMount {
  readonly storage: string;
  /** The mount point inside the container: the mount's `location`, else the store's. */
  readonly location: string;
}

export interface WorkloadContainer {
  readonly name: string;
  /** The `oci-image` resource the pod runs in this container; undefined when the metadata names `bases` instead. */
  readonly resource: string | undefined;
  readonly mounts: readonly StorageMount[];
}

export interface SidecarMetadata {
  /** The file the containers were read from, for messages. */
  readonly file: string;
  readonly containers: ReadonlyMap<string, WorkloadContainer>;
}

const MetadataSchema = v.looseObject({
  containers: v.optional(
    v.nullable(
      v.record(
        v.string(),
        v.nullable(
          v.looseObject({
            resource: v.optional(v.string()),
            mounts: v.optional(v.nullable(v.array(v.looseObject({ storage: v.string(), location: v.optional(v.string()) })))),
          }),
        ),
      ),
    ),
  ),
  storage: v.optional(v.nullable(v.record(v.string(), v.nullable(v.looseObject({ location: v.optional(v.string()) }))))),
});

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, 'utf8'), { uniqueKeys: false }) ?? {}; // Juju's go-yaml v2 keeps a repeated key's last value
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LuckyError(ErrorCode.ConfigInvalid, `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads the charm's workload containers. Read on each use (a small file), so an
 * upgraded charm's metadata counts at once. Refuses a charm without `containers:`:
 * the Pebble runtime is for Kubernetes sidecar charms only.
 */
export function readSidecarMetadata(charmDir: string): SidecarMetadata {
  let file = join(charmDir, 'metadata.yaml');
  let raw = readYaml(file);
  if (raw === undefined) {
    const charmcraft = join(charmDir, 'charmcraft.yaml');
    raw = readYaml(charmcraft);
    if (raw !== undefined) file = charmcraft;
  }
  const parsed = raw === undefined ? undefined : v.safeParse(MetadataSchema, raw);
  if (parsed && !parsed.success) {
    const issue = parsed.issues[0];
    throw new LuckyError(ErrorCode.ConfigInvalid, `${file}: invalid containers or storage at ${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  }
  const metadata = parsed?.output;
  const entries = Object.entries(metadata?.containers ?? {});
  if (entries.length === 0) {
    throw new LuckyError(
      ErrorCode.ConfigInvalid,
      `"runtime: pebble" is for Kubernetes sidecar charms, but ${raw === undefined ? `${join(charmDir, 'metadata.yaml')} does not exist` : `${file} declares no containers:`}; declare the workload containers there (containers: {<name>: {resource: <oci-image resource>}}), or use "runtime: docker" for a machine charm.`,
    );
  }
  const storeLocation = (store: string): string | undefined => metadata?.storage?.[store]?.location;
  const containers = new Map<string, WorkloadContainer>();
  for (const [name, spec] of entries) {
    const mounts = (spec?.mounts ?? []).map((mount) => {
      const location = mount.location ?? storeLocation(mount.storage);
      if (!location) {
        throw new LuckyError(
          ErrorCode.ConfigInvalid,
          `${file}: the mount of storage "${mount.storage}" in container "${name}" has no location, and neither has the store; give it one.`,
        );
      }
      return { storage: mount.storage, location };
    });
    containers.set(name, { name, resource: spec?.resource, mounts });
  }
  return { file, containers };
}

/**
 * The workload container a Lucky container key means: a named key must be a
 * container of the metadata; the default container ('') is the only one there is.
 */
export function workloadContainer(metadata: SidecarMetadata, key: string): WorkloadContainer {
  const names = [...metadata.containers.keys()];
  if (key === '') {
    if (names.length === 1) return metadata.containers.get(names[0]!)!;
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `The default container is ambiguous: ${metadata.file} declares the containers ${names.join(', ')}; name one with -c/--container (container-name: in lucky.yaml).`,
    );
  }
  const container = metadata.containers.get(key);
  if (!container) {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `There is no container "${containerLabel(key)}" in ${metadata.file} (it declares ${names.join(', ')}); under Kubernetes the pod's containers are fixed by the charm's metadata.`,
    );
  }
  return container;
}
