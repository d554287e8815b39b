export * from './client.js';
export { LineSplitter } from './rpc/framing.js';
export { RpcServer, isAlive, type RpcCall, type RpcConnection, type RpcHandler, type RpcMethodDefinition } from './rpc/server.js';
export type { RpcRequest, RpcResponse, RpcNotification, RpcErrorObject } from './rpc/protocol.js';
export { createLogger, parseLogLevel, recordMessage, type Logger, type LoggerOptions, type LogRecord } from './log.js';
export { loadLuckyConfig, parseLuckyConfig, findLuckyFile } from './config/load.js';
export { parseCron, type CronSchedule } from './config/cron.js';
export { positionOf, formatKeyPath, type KeyPath } from './config/positions.js';
export {
  SCRIPT_KINDS, LuckyFileSchema, HostScriptSchema, InlineHostScriptSchema, ContainerScriptSchema, InlineContainerScriptSchema,
  type LuckyConfig, type ScriptEntry, type ScriptKind, type HostScriptEntry, type InlineHostScriptEntry,
  type ContainerScriptEntry, type InlineContainerScriptEntry,
} from './config/schema.js';
export { StateStore } from './state/store.js';
export { StateSchema, emptyState, type UnitState, type StatusSlot } from './state/schema.js';
export {
  definePlugin, defineMethod,
  type Plugin, type PluginFactory, type PluginMethod, type CoreHooks, type DaemonContext, type HookContext,
  type MethodContext, type ScriptRun, type ScriptRunner,
} from './plugin.js';
export { triggerPluginHook } from './plugin-hooks.js';
export { loadPlugins } from './plugin-loader.js';
export { dispatchHook, finishHook, type HookOutcome } from './hook-dispatcher.js';
export { startDaemon, DaemonAlreadyRunning, type DaemonOptions, type RunningDaemon } from './daemon/daemon.js';
export { KeySchema } from './methods/kv.js';
export { checkSocketPathLength } from './paths.js';
export { writeLuckyShim } from './daemon/shim.js';
export * from './containers/index.js';
