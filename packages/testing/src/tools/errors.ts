/**
 * A hook tool failure, printed as `ERROR <message>`. jujuc exits 2 when the command
 * line is wrong (flag parsing and `Init`) and 1 when running the command failed.
 */
export class ToolError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'ToolError';
    this.exitCode = exitCode;
  }
}

/** A command-line error (exit 2). */
export function usageError(message: string): never {
  throw new ToolError(message, 2);
}

/** A runtime error (exit 1). */
export function runtimeError(message: string): never {
  throw new ToolError(message, 1);
}

/** `-h`/`--help` was given: print usage and exit 0, as jujuc does. */
export class HelpRequested extends Error {}

/** Go's %q for a string (strconv.Quote). */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    switch (char) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\v':
        out += '\\v';
        break;
      default:
        if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
        else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
        else out += char;
    }
  }
  return `${out}"`;
}

/** `cmd.CheckEmpty`: leftover positional arguments are an error. */
export function checkEmpty(args: readonly string[]): void {
  if (args.length > 0) usageError(`unrecognized args: [${args.map(goQuote).join(' ')}]`);
}
