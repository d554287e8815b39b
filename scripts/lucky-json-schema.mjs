// The JSON Schema of lucky.yaml, converted from @lucky/core's valibot schema with valibot's own
// converter. The entry maps (hooks, cron-jobs, actions) are checked in two steps in Lucky (a
// record of lists, then each entry by its kind, for precise messages), so their item schema is
// composed here from the four script kinds, each converted from its valibot schema.
import { toJsonSchema } from '@valibot/to-json-schema';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The compiled schema module; @lucky/core exports only its types, so it is read by path. */
const SCHEMA_MODULE = fileURLToPath(new URL('../packages/core/dist/config/schema.js', import.meta.url));
const schemaModule = await import(pathToFileURL(SCHEMA_MODULE).href);

/** The lucky.yaml keys valibot has no description for (the entry maps are custom checks). */
const DESCRIPTIONS = {
  'use-docker': 'Install Docker and apply containers (the original Lucky key; `runtime:` says more)',
  hooks: 'Juju hook name → the scripts Lucky runs for it, in order',
  'cron-jobs': 'Cron schedule (6 or 7 fields, seconds first, or a 5-field crontab line; UTC unless CRON_TZ=<zone>) → its scripts',
  actions: 'Action name (declared in actions.yaml) → the scripts Lucky runs for it',
  'hook-timeout': 'Seconds a hook may run before Lucky ends it',
  runtime: 'The unit\'s container runtime: "docker", "pebble", a plugin package name, or [name, {options}]',
  plugins: 'Plugins loaded after the built-in ones, in order: a package name, or [name, {options}]',
};

export function luckyJsonSchema() {
  const entry = {
    oneOf: Object.entries(schemaModule.SCRIPT_KINDS).map(([kind, schema]) => ({
      title: kind,
      ...withoutDialect(toJsonSchema(schema, { errorMode: 'throw' })),
    })),
  };
  const entryMap = {
    type: ['object', 'null'],
    additionalProperties: { type: ['array', 'null'], items: entry },
  };
  // The entry maps start with a v.custom check (an object, not a list) that has no JSON
  // Schema form; it is replaced by entryMap above, everything else is converted as it is.
  const file = toJsonSchema(schemaModule.LuckyFileSchema, {
    overrideSchema: ({ valibotSchema }) => (valibotSchema.type === 'custom' ? { type: 'object' } : undefined),
    errorMode: 'ignore',
  });
  for (const key of ['hooks', 'cron-jobs', 'actions']) file.properties[key] = entryMap;
  for (const [key, description] of Object.entries(DESCRIPTIONS)) file.properties[key] = { description, ...file.properties[key] };
  // valibot's optional() keys are not required; lucky.yaml has no required key.
  delete file.required;
  return {
    $schema: file.$schema,
    $id: 'lucky.schema.json',
    title: 'lucky.yaml',
    description: 'Which scripts Lucky runs on which Juju hook, action and cron schedule, and which runtime and plugins a charm uses.',
    ...withoutDialect(file),
  };
}

function withoutDialect(schema) {
  const rest = { ...schema };
  delete rest.$schema;
  return rest;
}
