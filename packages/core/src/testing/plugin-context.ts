import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LuckyConfig } from '../config/schema.js';
import type { ContainerRuntime } from '../containers/runtime.js';
import type { ContainerDefinition } from '../containers/schema.js';
import { createLogger, recordMessage } from '../log.js';
import type { DaemonContext, HookContext } from '../plugin.js';
import { StateStore } from '../state/store.js';

/** A `DaemonContext` for testing a plugin without a daemon, with what the test wants to look at. */
export interface PluginTestContext extends DaemonContext {
  /** Text of every log record, in order. */
  readonly logs: string[];
  /** What went to the running hook's stdout/stderr. */
  readonly hookOutput: string[];
  /** Status slots set through `setStatus`, in order. */
  readonly statuses: Array<{ name: string; status: { state: string; message: string } | null }>;
  /** Paths given to `listenContainerChannel`, in order (without a daemon, nothing is bound there). */
  readonly containerChannels: string[];
  /** Sets the container definitions in the state, as `lucky container …` commands would. */
  define(definitions: Record<string, ContainerDefinition>): Promise<void>;
}

export interface PluginTestContextOptions {
  readonly unit: string;
  /** A directory the test owns (and removes): the data dir and, by default, the charm dir go under it. */
  readonly dir: string;
  readonly charmDir?: string | undefined;
  /** Default `<dir>/run/daemon.sock`; give a real daemon's socket where containers must reach one. */
  readonly socketPath?: string | undefined;
  readonly runtime?: ContainerRuntime | undefined;
  /** The environment of the hook `currentHook()` returns. */
  readonly hookEnv?: Readonly<Record<string, string>> | undefined;
  readonly config?: Partial<LuckyConfig> | undefined;
  /** The `lucky` entry a runtime mounts into containers. */
  readonly cliPath?: string | undefined;
}

/**
 * A real state store and logger around a temp directory, as the daemon would give
 * a plugin, with a hook that is always running. For unit tests of plugins and
 * runtimes; end-to-end tests run a real daemon instead.
 */
export function createPluginTestContext(options: PluginTestContextOptions): PluginTestContext {
  const dataDir = join(options.dir, 'data');
  const charmDir = options.charmDir ?? join(options.dir, 'charm');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(charmDir, { recursive: true });
  const logs: string[] = [];
  const hookOutput: string[] = [];
  const statuses: PluginTestContext['statuses'] = [];
  const containerChannels: string[] = [];
  const log = createLogger({ name: 'test-daemon', level: 0, sink: (record) => void logs.push(recordMessage(record)) });
  const state = StateStore.open(join(dataDir, 'state.json'), log);
  const config: LuckyConfig = {
    file: join(charmDir, 'lucky.yaml'),
    runtime: undefined,
    hooks: {},
    actions: {},
    cronJobs: [],
    plugins: [],
    hookTimeout: undefined,
    ...options.config,
  };
  const hook: HookContext = {
    hook: 'test',
    env: options.hookEnv ?? {},
    contextId: undefined,
    signal: new AbortController().signal,
    output: (_stream, data) => void hookOutput.push(data),
    trackProcessGroup: () => undefined,
  };
  return {
    unit: options.unit,
    charmDir,
    dataDir,
    socketPath: options.socketPath ?? join(options.dir, 'run', 'daemon.sock'),
    containerSocketPath: join(dirname(options.socketPath ?? join(options.dir, 'run', 'daemon.sock')), 'container', 'daemon.sock'),
    binDir: join(dataDir, 'bin'),
    nodePath: process.execPath,
    cliPath: options.cliPath ?? '',
    version: '0.0.0-test',
    config,
    state,
    log,
    logs,
    hookOutput,
    statuses,
    currentHook: () => hook,
    runtime: () => options.runtime,
    containerChannels,
    listenContainerChannel: async (path) => void (containerChannels.includes(path) || containerChannels.push(path)),
    setStatus: async (name, status) => void statuses.push({ name, status: status && { ...status } }),
    async define(definitions) {
      await state.mutate((data) => void (data.containers = structuredClone(definitions)));
    },
  };
}
