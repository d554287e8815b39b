/**
 * Stable error codes. Never renumber or reuse a value; append new ones at the end.
 * They travel over the RPC wire as JSON-RPC error codes, so scripts see the same
 * error whether it was raised in the client or in the daemon.
 */
export const ErrorCode = {
  Unknown: 1,
  ConfigInvalid: 2,
  PluginFailed: 3,
  DaemonUnavailable: 4,
  DaemonProtocol: 5,
  HookToolFailed: 6,
  ScriptFailed: 7,
  ContainerFailed: 8,
  ScaffoldFailed: 9,
  NotInHookContext: 10,
  InvalidArgument: 11,
  StateCorrupt: 12,
  DaemonStartFailed: 13,
  /** `lucky charm build` could not produce the charm. */
  BuildFailed: 14,
  /** The local model simulator refused an operation (unknown unit, bad config value …). */
  SimulatorRefused: 15,
  /** The unit state could not be saved (disk full, permissions …); nothing of the change was kept. */
  StateWriteFailed: 16,
  /** The unit state was written by a newer Lucky; refused rather than discarded. */
  StateVersionUnsupported: 17,
  /** A hook ran longer than its timeout and was ended. */
  HookTimedOut: 18,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Reverse map, for logs and `data.name` on the wire. */
export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) if (value === code) return name;
  return 'Unknown';
}
