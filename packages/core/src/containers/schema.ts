import * as v from 'valibot';

/** `host:container/protocol` (CL-30). */
export const PortBindingSchema = v.object({
  hostPort: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  containerPort: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  protocol: v.picklist(['tcp', 'udp']),
});
export type PortBinding = v.InferOutput<typeof PortBindingSchema>;

/**
 * When the runtime pulls a container's image (`lucky container image set --pull`):
 * `always` on every (re)creation, `missing` only when the engine lacks it, `never`.
 * On upgrade-charm, `always` and `missing` re-pull mutable tags (not digests).
 */
export const PULL_POLICIES = ['always', 'missing', 'never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
/** The default: Docker's own for `docker run`, plus a refresh on upgrade-charm (see the Docker plugin's README). */
export const DEFAULT_PULL_POLICY: PullPolicy = 'missing';

/** A definition's policy: its `pullPolicy`, else what `pull` said before policies existed (false = `--no-pull`). */
export function pullPolicyOf(definition: { readonly pull: boolean; readonly pullPolicy?: PullPolicy | undefined }): PullPolicy {
  return definition.pullPolicy ?? (definition.pull ? DEFAULT_PULL_POLICY : 'never');
}

/**
 * What a charm asked a container to be (CL-21…CL-36, DKR-01). Runtime-neutral:
 * the Docker plugin turns it into a container, a Pebble runtime would turn it into a layer.
 */
export const ContainerDefinitionSchema = v.object({
  image: v.string(),
  /** Pull when the image is missing (`docker run`'s policy); false for `--no-pull`. */
  pull: v.boolean(),
  /** `always`, `missing` or `never` (PULL_POLICIES); absent in definitions stored before it existed. */
  pullPolicy: v.optional(v.picklist(PULL_POLICIES)),
  env: v.record(v.string(), v.string()),
  /** One executable, no shell splitting (CL-25); null = the image's. */
  entrypoint: v.nullable(v.string()),
  /** null = the image's (CL-26). */
  command: v.nullable(v.array(v.string())),
  /** Container path → source: an absolute host path (bind) or a Lucky named volume. */
  volumes: v.record(v.string(), v.string()),
  ports: v.array(PortBindingSchema),
  /** Docker network mode / network name; null = the default bridge. */
  network: v.nullable(v.string()),
});
export type ContainerDefinition = v.InferOutput<typeof ContainerDefinitionSchema>;

/** Key of the default container in the definitions map (named ones use their name). */
export const DEFAULT_CONTAINER = '';

/** The display name of a container key. */
export function containerLabel(name: string): string {
  return name === DEFAULT_CONTAINER ? 'default' : name;
}
