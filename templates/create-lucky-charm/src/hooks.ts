/** The parts of `metadata.yaml` that decide which hooks a charm can receive. */
export interface CharmMetadataInput {
  readonly name: string;
  readonly provides?: Readonly<Record<string, unknown>>;
  readonly requires?: Readonly<Record<string, unknown>>;
  readonly peers?: Readonly<Record<string, unknown>>;
  readonly storage?: Readonly<Record<string, unknown>>;
  readonly containers?: Readonly<Record<string, unknown>>;
}

/** Hooks every charm can receive, whatever its metadata (juju.md §1.3). */
export const STANDARD_HOOKS: readonly string[] = [
  'install',
  'start',
  'stop',
  'remove',
  'config-changed',
  'upgrade-charm',
  'update-status',
  'leader-elected',
  'leader-settings-changed',
  'leader-deposed',
  'collect-metrics',
  'pre-series-upgrade',
  'post-series-upgrade',
  'secret-changed',
  'secret-rotate',
  'secret-expired',
  'secret-remove',
];

const RELATION_SUFFIXES = ['-relation-created', '-relation-joined', '-relation-changed', '-relation-departed', '-relation-broken'];
const STORAGE_SUFFIXES = ['-storage-attached', '-storage-detaching'];
// custom-notice is Juju 3.4+, the check hooks 3.6+; a stub for a hook an older Juju never fires is harmless.
const CONTAINER_SUFFIXES = ['-pebble-ready', '-pebble-custom-notice', '-pebble-check-failed', '-pebble-check-recovered'];

/**
 * Names become file names and shell words in the stubs, so anything beyond
 * letters, digits, `-`, `_` and inner dots is refused rather than escaped.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkName(name: string, what: string): string {
  if (!SAFE_NAME.test(name)) {
    throw new Error(`Invalid ${what} name ${JSON.stringify(name)}: use letters, digits, "-" and "_" (it becomes a hook file name).`);
  }
  return name;
}

function keysOf(section: Readonly<Record<string, unknown>> | undefined, what: string): string[] {
  return Object.keys(section ?? {}).map((key) => checkName(key, what));
}

/** Every hook a charm with this metadata can receive, sorted; and its actions. */
export function charmHooks(metadata: CharmMetadataInput, actions: readonly string[] = []): { hooks: string[]; actions: string[] } {
  const hooks = new Set(STANDARD_HOOKS);
  const endpoints = [
    ...keysOf(metadata.provides, 'provides endpoint'),
    ...keysOf(metadata.requires, 'requires endpoint'),
    ...keysOf(metadata.peers, 'peers endpoint'),
  ];
  for (const endpoint of endpoints) for (const suffix of RELATION_SUFFIXES) hooks.add(endpoint + suffix);
  for (const storage of keysOf(metadata.storage, 'storage')) for (const suffix of STORAGE_SUFFIXES) hooks.add(storage + suffix);
  for (const container of keysOf(metadata.containers, 'container')) for (const suffix of CONTAINER_SUFFIXES) hooks.add(container + suffix);
  const actionNames = new Set(actions.map((action) => checkName(action, 'action')));
  return { hooks: [...hooks].sort(), actions: [...actionNames].sort() };
}
