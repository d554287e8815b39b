import * as v from 'valibot';

/** `host:container/protocol` (CL-30). */
export const PortBindingSchema = v.object({
  hostPort: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  containerPort: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  protocol: v.picklist(['tcp', 'udp']),
});
export type PortBinding = v.InferOutput<typeof PortBindingSchema>;

/**
 * What a charm asked a container to be (CL-21…CL-36, DKR-01). Runtime-neutral:
 * the Docker plugin turns it into a container, a Pebble runtime would turn it into a layer.
 */
export const ContainerDefinitionSchema = v.object({
  image: v.string(),
  /** Pull when the image is missing (`docker run`'s policy); false for `--no-pull`. */
  pull: v.boolean(),
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
