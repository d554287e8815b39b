// @lucky/core's public API: the plugin API, the lucky.yaml loader, the daemon entry
// and the client. Everything else is internal; `@lucky/core/testing` helps plugin
// authors test a plugin without a daemon, `@lucky/core/system` holds small helpers.
export * from './client.js';

// The plugin API.
export {
  definePlugin,
  defineMethod,
  type Plugin,
  type PluginFactory,
  type PluginMethod,
  type PluginMethods,
  type MethodTypes,
  type CoreHooks,
  type DaemonContext,
  type HookContext,
  type ActionInfo,
  type MethodContext,
  type ScriptRun,
  type ScriptRunner,
  type CommandKit,
  type CommandClass,
} from './plugin.js';
export type { RpcCall, RpcConnection } from './rpc/server.js';
export type { ContainerRuntime, OutputSink } from './containers/runtime.js';
export { DEFAULT_CONTAINER, containerLabel, type ContainerDefinition, type PortBinding } from './containers/schema.js';
export { DEFAULT_PULL_POLICY, PULL_POLICIES, pullPolicyOf, type PullPolicy } from './containers/schema.js';
export { formatPortBinding } from './containers/parse.js';
export { KeySchema } from './methods/kv.js';
export type { StateStore } from './state/store.js';
export type { UnitState, StatusSlot } from './state/schema.js';
export { recordMessage, type Logger, type LogRecord } from './log.js';

// The lucky.yaml loader (and the YAML positions its errors use, for other charm files).
export { loadLuckyConfig, parseLuckyConfig, findLuckyFile, DOCKER_RUNTIME } from './config/load.js';
export { positionOf, formatKeyPath, type KeyPath } from './config/positions.js';
// Compatibility with what the original Lucky and Juju accept: repeated YAML keys, Juju's reading of config.yaml.
export { duplicateKeys, duplicateKeyWarnings, type DuplicateKey } from './config/duplicate-keys.js';
export {
  CONFIG_OPTION_TYPES,
  checkOptionValue,
  parseOptionString,
  readConfigOptions,
  type CheckedConfigOption,
  type ConfigOptionType,
  type ConfigOptionValue,
  type ConfigOptionsReport,
  type OptionValueCheck,
} from './config/juju-config.js';
export { goYamlV2Value, goYamlV2Plain, type GoValue } from './config/go-values.js';
export type { LuckyConfig, PluginEntry, ScriptEntry, ScriptKind } from './config/schema.js';
export { loadPlugin, type PluginModule } from './plugin-loader.js';

// The daemon entry.
export { startDaemon, DaemonAlreadyRunning, type DaemonOptions, type RunningDaemon } from './daemon/daemon.js';
export { THIN_PROTOCOL, thinEndpointFile, type ThinCall, type ThinCommandRunner } from './daemon/thin-server.js';
// Cron jobs: the scheduler, its fire-time computation, and the command juju-exec runs (the simulator's model clock uses them too).
export {
  CRON_SCHEDULER_ENV,
  CronScheduler,
  cronDispatchCommand,
  cronJobs,
  cronRecords,
  fireTimes,
  nextFire,
  type CronExec,
  type CronExecRequest,
  type CronExecResult,
  type CronJob,
  type CronRecord,
  type SchedulerClock,
} from './daemon/cron/index.js';
export { charmFingerprint } from './daemon/fingerprint.js';
export { parseLogLevel } from './log.js';
export { THIN_CLIENT_FILE, thinClientPath, writeLuckyShim } from './daemon/shim.js';
