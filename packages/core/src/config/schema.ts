import * as v from 'valibot';

const Args = v.pipe(v.array(v.string('each argument must be a string (quote numbers)')), v.description('Arguments passed to the script'));
const ShellCommand = v.pipe(
  v.array(v.string('each shell-command item must be a string')),
  v.minLength(1, 'shell-command needs at least the shell executable, e.g. ["/bin/bash", "-c"]'),
  v.description('Interpreter and its arguments; the script text is appended as the last argument'),
);
const Async = v.pipe(v.boolean('async must be true or false'), v.description('Run alongside the next entries; the hook still waits for it'));
const ScriptFile = v.pipe(v.string('the script name must be a string'), v.nonEmpty('the script name is empty'));
const ScriptText = v.pipe(v.string('the inline script must be a string'), v.nonEmpty('the inline script is empty'));
const ContainerName = v.pipe(v.string('container-name must be a string'), v.nonEmpty('container-name is empty'));
const IgnoreMissing = v.boolean('ignore-missing-container must be true or false');

/** The four script shapes of Lucky's `lucky.yaml` (YAML-03), each strict about its keys. */
export const HostScriptSchema = v.strictObject({
  'host-script': ScriptFile,
  args: v.optional(Args, []),
  async: v.optional(Async, false),
});
export const InlineHostScriptSchema = v.strictObject({
  'inline-host-script': ScriptText,
  'shell-command': v.optional(ShellCommand, ['/bin/bash', '-c']),
  async: v.optional(Async, false),
});
export const ContainerScriptSchema = v.strictObject({
  'container-script': ScriptFile,
  'container-name': v.optional(ContainerName),
  args: v.optional(Args, []),
  'ignore-missing-container': v.optional(IgnoreMissing, false),
  async: v.optional(Async, false),
});
export const InlineContainerScriptSchema = v.strictObject({
  'inline-container-script': ScriptText,
  'container-name': v.optional(ContainerName),
  'shell-command': v.optional(ShellCommand, ['/bin/bash', '-c']),
  'ignore-missing-container': v.optional(IgnoreMissing, false),
  async: v.optional(Async, false),
});

/** The key that decides an entry's shape, and its schema. */
export const SCRIPT_KINDS = {
  'host-script': HostScriptSchema,
  'inline-host-script': InlineHostScriptSchema,
  'container-script': ContainerScriptSchema,
  'inline-container-script': InlineContainerScriptSchema,
} as const;
export type ScriptKind = keyof typeof SCRIPT_KINDS;

export type HostScriptEntry = v.InferOutput<typeof HostScriptSchema>;
export type InlineHostScriptEntry = v.InferOutput<typeof InlineHostScriptSchema>;
export type ContainerScriptEntry = v.InferOutput<typeof ContainerScriptSchema>;
export type InlineContainerScriptEntry = v.InferOutput<typeof InlineContainerScriptSchema>;

/** A validated script entry tagged with its kind. */
export type ScriptEntry =
  | { readonly kind: 'host-script'; readonly spec: HostScriptEntry }
  | { readonly kind: 'inline-host-script'; readonly spec: InlineHostScriptEntry }
  | { readonly kind: 'container-script'; readonly spec: ContainerScriptEntry }
  | { readonly kind: 'inline-container-script'; readonly spec: InlineContainerScriptEntry };

/** A mapping of names to entry lists; valibot's record alone would accept a list. */
const ENTRY_MAP_WORDS = {
  hooks: ['hook names', 'a hook'],
  'cron-jobs': ['cron schedules', 'a cron job'],
  actions: ['action names', 'an action'],
} as const;

function entryMap(what: keyof typeof ENTRY_MAP_WORDS) {
  const [keys, one] = ENTRY_MAP_WORDS[what];
  const message = `${what} must map ${keys} to lists of script entries`;
  return v.pipe(
    v.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), message),
    v.record(v.string(), v.nullable(v.array(v.unknown(), `${one} must list script entries`)), message),
  );
}

/** A plugin named in `lucky.yaml`: a package name, or `[name, {options}]`. */
function PluginEntrySchema(message: string) {
  return v.union([v.pipe(v.string(), v.nonEmpty()), v.tuple([v.pipe(v.string(), v.nonEmpty()), v.record(v.string(), v.unknown())])], message);
}

/** Top level of `lucky.yaml` before entries are checked shape by shape. */
export const LuckyFileSchema = v.strictObject({
  'use-docker': v.optional(v.pipe(v.boolean('use-docker must be true or false'), v.description('Install Docker and apply containers')), true),
  hooks: v.optional(v.nullable(entryMap('hooks')), {}),
  'cron-jobs': v.optional(v.nullable(entryMap('cron-jobs')), {}),
  /** Juju actions (actions.yaml) → their scripts, run for `actions/<name>`. */
  actions: v.optional(v.nullable(entryMap('actions')), {}),
  'hook-timeout': v.optional(
    v.pipe(
      v.number('hook-timeout must be a number of seconds'),
      v.integer('hook-timeout must be a whole number of seconds'),
      v.minValue(1, 'hook-timeout must be at least 1 second'),
    ),
  ),
  runtime: v.optional(PluginEntrySchema('a runtime is "docker", a plugin package name, or [name, {options}]')),
  plugins: v.optional(v.array(PluginEntrySchema('a plugin is a package name, or [name, {options}]'), 'plugins must be a list'), []),
});

/** The validated `lucky.yaml`. */
export interface LuckyConfig {
  readonly file: string;
  /**
   * The unit's one container runtime: `runtime:` (`docker` or a plugin package), else
   * `docker` unless `use-docker: false` (Lucky's key), in which case containers are not managed.
   */
  readonly runtime: PluginEntry | undefined;
  readonly hooks: Readonly<Record<string, readonly ScriptEntry[]>>;
  /** `actions:`: action name → its scripts, run when Juju runs `actions/<name>`. */
  readonly actions: Readonly<Record<string, readonly ScriptEntry[]>>;
  readonly cronJobs: ReadonlyArray<{ readonly schedule: string; readonly entries: readonly ScriptEntry[] }>;
  readonly plugins: readonly PluginEntry[];
  /** `hook-timeout`: seconds a hook may run before it is ended; undefined for the default. */
  readonly hookTimeout: number | undefined;
  /** What the original Lucky accepted and Lucky accepts with a warning (a repeated key…), `file:line:col: key.path: …` each. */
  readonly warnings?: readonly string[];
}

/** A plugin to load: its package name (or a built-in runtime's name) and its options. */
export interface PluginEntry {
  readonly specifier: string;
  readonly options: Readonly<Record<string, unknown>> | undefined;
}
