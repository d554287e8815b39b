import * as v from 'valibot';

// Names as Juju accepts them (charm, relation, action names).
const CHARM_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$/;
const ENDPOINT_NAME = /^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/;
const STORAGE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const ACTION_NAME = /^[a-z](?:[a-z-]*[a-z])?$/;
/** Sizes as Juju reads them: a number of MiB, or a number with a unit suffix. */
const SIZE = /^\d+(\.\d+)?[MGTPE]?(i?B)?$/;

/** A mapping (valibot's record alone would take a list too). */
function mapping<K extends v.GenericSchema<string, string>, V extends v.GenericSchema>(key: K, value: V, message: string) {
  return v.pipe(
    v.custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), message),
    v.record(key, value, message),
  );
}
const text = (what: string) => v.string(`${what} must be a string`);
const flag = (what: string) => v.boolean(`${what} must be true or false`);
const strings = (what: string) => v.array(v.string(`each item must be a string`), `${what} must be a list of strings`);
/** A relation endpoint; Juju's shorthand `website: http` means `{ interface: http }`. */
const Endpoint = v.pipe(
  v.unknown(),
  v.transform((value) => (typeof value === 'string' ? { interface: value } : value)),
  v.looseObject(
    {
      interface: v.pipe(
        v.string('the endpoint needs an "interface" (a string naming the relation\'s protocol)'),
        v.nonEmpty('the endpoint\'s "interface" must not be empty'),
      ),
      limit: v.optional(
        v.pipe(v.number('"limit" must be a whole number'), v.integer('"limit" must be a whole number'), v.minValue(0, '"limit" must be at least 0')),
      ),
      optional: v.optional(flag('"optional"')),
      scope: v.optional(v.picklist(['global', 'container'], '"scope" must be "global" or "container"')),
    },
    'a relation endpoint must be a mapping with an "interface", or the interface name alone',
  ),
);
const Endpoints = v.optional(
  v.nullable(
    mapping(
      v.pipe(
        v.string(),
        v.check(
          (name) => ENDPOINT_NAME.test(name),
          (issue) => `"${String(issue.input)}" is not a valid relation name: use lowercase letters, digits, "-" and "_", starting with a letter`,
        ),
      ),
      Endpoint,
      'must be a mapping of endpoint names to endpoints',
    ),
  ),
);

const Storage = v.looseObject(
  {
    type: v.picklist(['filesystem', 'block'], 'a storage needs "type: filesystem" or "type: block"'),
    description: v.optional(text('"description"')),
    location: v.optional(text('"location"')),
    shared: v.optional(flag('"shared"')),
    'read-only': v.optional(flag('"read-only"')),
    'minimum-size': v.optional(
      v.pipe(
        v.union([v.string(), v.number()], '"minimum-size" must be a size such as "1G"'),
        v.check((size) => SIZE.test(String(size)), '"minimum-size" must be a size such as "1G" or "512M"'),
      ),
    ),
    multiple: v.optional(
      v.looseObject(
        {
          range: v.pipe(
            v.union([v.string(), v.number()], '"range" must be like "1", "1-3" or "2+"'),
            v.check((range) => /^\d+(-\d*|\+)?$/.test(String(range)), '"range" must be like "1", "1-3" or "2+"'),
          ),
        },
        '"multiple" must be a mapping with a "range"',
      ),
    ),
    properties: v.optional(v.array(v.picklist(['transient'], 'the only storage property is "transient"'), '"properties" must be a list')),
  },
  'a storage entry must be a mapping with a "type"',
);

const Resource = v.looseObject(
  {
    type: v.optional(v.picklist(['file', 'oci-image'], 'a resource "type" must be "file" or "oci-image"'), 'file'),
    filename: v.optional(text('"filename"')),
    description: v.optional(text('"description"')),
  },
  'a resource must be a mapping with a "type"',
);

const Container = v.looseObject(
  {
    resource: v.optional(text('"resource"')),
    bases: v.optional(
      v.array(
        v.looseObject(
          { name: text('"name"'), channel: text('"channel"'), architectures: strings('"architectures"') },
          'a base must be a mapping with name, channel and architectures',
        ),
        '"bases" must be a list',
      ),
    ),
    mounts: v.optional(
      v.array(
        v.looseObject({ storage: text('"storage"'), location: v.optional(text('"location"')) }, 'a mount must be a mapping with a "storage"'),
        '"mounts" must be a list',
      ),
    ),
  },
  'a container must be a mapping (with "resource" or "bases", and optional "mounts")',
);

/**
 * The parts of `metadata.yaml` (or of `charmcraft.yaml`) Juju reads; other keys are
 * left alone, as Juju ignores what it does not know.
 */
export const MetadataSchema = v.looseObject(
  {
    name: v.pipe(
      v.string('the charm needs a "name" (a string)'),
      v.check(
        (name) => CHARM_NAME.test(name),
        (issue) => `"${String(issue.input)}" is not a valid charm name: use lowercase letters, digits and hyphens, starting with a letter`,
      ),
    ),
    'display-name': v.optional(text('"display-name"')),
    summary: v.optional(text('"summary"')),
    description: v.optional(text('"description"')),
    maintainer: v.optional(text('"maintainer"')),
    maintainers: v.optional(strings('"maintainers"')),
    subordinate: v.optional(flag('"subordinate"')),
    series: v.optional(strings('"series"')),
    tags: v.optional(strings('"tags"')),
    'min-juju-version': v.optional(text('"min-juju-version"')),
    provides: Endpoints,
    requires: Endpoints,
    peers: Endpoints,
    'extra-bindings': v.optional(v.nullable(mapping(v.string(), v.nullable(v.unknown()), '"extra-bindings" must be a mapping'))),
    storage: v.optional(
      v.nullable(
        mapping(
          v.pipe(
            v.string(),
            v.check(
              (name) => STORAGE_NAME.test(name),
              (issue) => `"${String(issue.input)}" is not a valid storage name`,
            ),
          ),
          Storage,
          '"storage" must be a mapping of storage names to storage',
        ),
      ),
    ),
    resources: v.optional(v.nullable(mapping(v.string(), Resource, '"resources" must be a mapping of resource names to resources'))),
    containers: v.optional(
      v.nullable(
        mapping(
          v.pipe(
            v.string(),
            v.check(
              (name) => STORAGE_NAME.test(name),
              (issue) => `"${String(issue.input)}" is not a valid container name`,
            ),
          ),
          Container,
          '"containers" must be a mapping of container names to containers',
        ),
      ),
    ),
  },
  'the metadata must be a mapping with at least a "name"',
);

export type Metadata = v.InferOutput<typeof MetadataSchema>;

/** `actions.yaml`: action name → its description and parameters (or nothing). */
export const ActionsSchema = v.nullable(
  mapping(
    v.pipe(
      v.string(),
      v.check(
        (name) => ACTION_NAME.test(name),
        (issue) => `"${String(issue.input)}" is not a valid action name: use lowercase letters and hyphens, starting and ending with a letter`,
      ),
    ),
    v.nullable(
      v.looseObject(
        {
          description: v.optional(text('"description"')),
          params: v.optional(v.nullable(mapping(v.string(), v.unknown(), '"params" must be a mapping of parameter names to JSON schemas'))),
          required: v.optional(strings('"required"')),
          additionalProperties: v.optional(flag('"additionalProperties"')),
          'execution-group': v.optional(text('"execution-group"')),
          parallel: v.optional(flag('"parallel"')),
        },
        'an action must be a mapping (description, params…) or empty',
      ),
    ),
    'the actions must be a mapping of action names to actions',
  ),
);

export type Actions = v.InferOutput<typeof ActionsSchema>;

/** `config.yaml`: `options:` name → type, default and description. */
export const ConfigSchema = v.nullable(
  v.looseObject(
    {
      options: v.optional(
        v.nullable(
          mapping(
            v.string(),
            v.looseObject(
              {
                // Juju takes an option without a type as a string option (readConfigOptions warns).
                type: v.optional(
                  v.nullable(v.picklist(['string', 'int', 'float', 'boolean', 'secret'], 'an option\'s "type" must be string, int, float, boolean or secret')),
                ),
                description: v.optional(text('"description"')),
                default: v.optional(v.unknown()),
              },
              'an option must be a mapping with a "type"',
            ),
            '"options" must be a mapping of option names to options',
          ),
        ),
      ),
    },
    'the config must be a mapping with "options"',
  ),
);
