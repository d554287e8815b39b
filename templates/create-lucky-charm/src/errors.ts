/** A refusal the user can act on (exit 1, printed as one `Error:` line without a stack). */
export class CreateError extends Error {
  override name = 'CreateError';
}
