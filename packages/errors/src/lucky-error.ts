import type { ErrorCode } from './codes.js';

/**
 * Marks Lucky errors across module copies: a charm's runtime bundle, a plugin in
 * the charm's node_modules and the simulator may each load their own copy of this
 * module, and `instanceof` must hold for all of them.
 */
const BRAND = Symbol.for('@lucky/errors:LuckyError');

/**
 * The one error type of Lucky: an expected failure whose message is for the user
 * (what failed, where, and what to do). `clipanion.type = 'none'` makes clipanion
 * print it without a stack.
 */
export class LuckyError extends Error {
  /** By brand for LuckyError itself; subclasses (one copy each) keep the prototype check. */
  static override [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    if (this !== LuckyError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly clipanion = { type: 'none' } as const;
  readonly code: ErrorCode;
  /** Extra machine-readable detail (issues of a config file, a tool's exit code...). */
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; data?: Readonly<Record<string, unknown>> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'LuckyError';
    this.code = code;
    this.data = options?.data;
  }
}

/** True for a `LuckyError` from any copy of this module. */
export function isLuckyError(error: unknown): error is LuckyError {
  return error instanceof LuckyError;
}

/**
 * An operating-system error (ENOSPC, EACCES, EPIPE …): the user's environment
 * failed, not Lucky, so it is reported as what it is rather than as a bug.
 */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & Error {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!);
}
