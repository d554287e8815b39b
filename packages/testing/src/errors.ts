import { ErrorCode, LuckyError } from '@lucky/errors';

/**
 * An operation the model refused (unknown unit, bad config value, not a charm …):
 * a `LuckyError` with code `SimulatorRefused`, whose message is one line for the
 * user; the CLI shows it as `Error: <message>`.
 */
export class SimulatorError extends LuckyError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.SimulatorRefused, message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
