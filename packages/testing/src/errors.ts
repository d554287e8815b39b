/**
 * An operation the model refused (unknown unit, bad config value, not a charm …).
 * Its message is one line for the user; the CLI shows it as `Error: <message>`.
 */
export class SimulatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SimulatorError';
  }
}
