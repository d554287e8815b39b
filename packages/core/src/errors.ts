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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Reverse map, for logs and `data.name` on the wire. */
export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) if (value === code) return name;
  return 'Unknown';
}

/**
 * The one error type of Lucky: an expected failure whose message is for the user
 * (what failed, where, and what to do). `clipanion.type = 'none'` makes clipanion
 * print it without a stack.
 */
export class LuckyError extends Error {
  readonly clipanion = { type: 'none' } as const;
  readonly code: ErrorCode;
  /** Extra machine-readable detail (issues of a config file, a tool's exit code...). */
  readonly data: Readonly<Record<string, unknown>> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; data?: Readonly<Record<string, unknown>> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LuckyError';
    this.code = code;
    this.data = options?.data;
  }
}

/** True for a `LuckyError`, also across module copies (bundles load their own). */
export function isLuckyError(error: unknown): error is LuckyError {
  return (
    error instanceof LuckyError ||
    (error instanceof Error && error.name === 'LuckyError' && typeof (error as { code?: unknown }).code === 'number')
  );
}
