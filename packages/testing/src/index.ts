export { createSimulatedModel, openSimulatedModel } from './simulated-model.js';
export type { ApplicationOptions, RelationData, SimulatedModel } from './simulated-model.js';
export type { HookContextHandle, HookContextOptions, HookResult, RelationHookOptions, RunHookOptions } from './hook-runner.js';
export type { ConfigOptionInput } from './charm-metadata.js';
export { JUJU_VERSION } from './hook-env.js';
export { TOOL_NAMES } from './tools/names.js';
export type { ToolName } from './tools/names.js';
export { MODEL_FORMAT } from './model/schema.js';
export type {
  ApplicationState,
  ConfigOption,
  ConfigOptionType,
  ConfigValue,
  EndpointInfo,
  HookContextState,
  HookRun,
  LogEntry,
  ModelState,
  PendingChanges,
  RelationEndpoint,
  RelationState,
  SettingsEdit,
  StatusEntry,
  StorageAddition,
  StorageDefinition,
  StorageInstanceState,
  StorageKind,
  UnitState,
} from './model/schema.js';
export { LocalModel, DEFAULT_MAX_HOOKS_PER_OPERATION } from './runner/local-model.js';
export type { DeployOptions, HookOutcome, LocalModelListener, LocalModelOptions, ModelStatus, ResolvedOptions, UnitView } from './runner/local-model.js';
export type { ActionResult, ActionRun, ActionLogEntry } from './runner/local-model.js';
export { clockEventSources, dueClockEvents, registerClockEventSource, type ClockEvent, type ClockEventSource } from './runner/clock-events.js';
export { modelNow, parseDuration } from './runner/clock.js';
export { UPDATE_STATUS_INTERVAL_MS, type ClockStep } from './runner/clock-advance.js';
export { SimulatorError } from './errors.js';
export { ensureModelServer, modelServerInfo, readEndpoint, runningModelServer, stopModelServer, type ServerEndpoint, type ServerInfo } from './server/start.js';
