// What the fast path's bundle (scripts/bundle-fast.mjs) gets for `clipanion`: the
// command classes of FAST_COMMANDS are the very classes the full CLI runs, but
// loading clipanion itself (and building its parser) costs more than a script's whole
// budget for `lucky kv get`. Here `Option.*` records its arguments, normalised as
// clipanion's own options do, so fast/parse.ts reads the definitions from the classes'
// own declarations. Anything the fast parser does not take goes to the full CLI.

/** An option or positional as a command class declares it, read by fast/parse.ts. */
export type OptionSpec =
  | {
      readonly kind: 'string';
      readonly names: readonly string[];
      readonly initial: string | undefined;
      readonly env: string | undefined;
      readonly required: boolean;
      /** How many words the option takes (`--range LOW HIGH`: 2). */
      readonly arity: number;
      /** Anything clipanion supports that the fast parser does not (validators, an arity of 0 …). */
      readonly unsupported: boolean;
    }
  | {
      readonly kind: 'boolean';
      readonly names: readonly string[];
      readonly initial: boolean | undefined;
      readonly required: boolean;
      readonly unsupported: boolean;
    }
  | { readonly kind: 'positional'; readonly required: boolean; readonly unsupported: boolean }
  | { readonly kind: 'rest'; readonly required: number; readonly unsupported: boolean }
  /** Option.Array, Option.Counter, Option.Proxy: the fast parser leaves their commands to clipanion. */
  | { readonly kind: 'other'; readonly unsupported: true };

export const OPTION_SPEC = Symbol('lucky.fast.option');

type Opts = Record<string, unknown>;

/** clipanion's rerouteArguments: `(descriptor, initial?, opts?)` or `(descriptor, opts)`. */
function reroute(initial: unknown, opts: unknown): [unknown, Opts] {
  if (typeof initial === 'object' && initial !== null && !Array.isArray(initial)) return [undefined, initial as Opts];
  return [initial, (opts ?? {}) as Opts];
}

/** Options the fast parser leaves to clipanion. */
function unsupportedOpts(opts: Opts, allowed: readonly string[]): boolean {
  return Object.keys(opts).some((key) => !allowed.includes(key) && opts[key] !== undefined);
}

function spec(value: OptionSpec): never {
  // Stored in the field as clipanion stores its own marker, until the fast parser replaces it.
  return { [OPTION_SPEC]: value } as never;
}

export const Option = {
  String(descriptor: string | Opts, initialOrOpts?: unknown, maybeOpts?: unknown): never {
    if (typeof descriptor !== 'string') {
      return spec({ kind: 'positional', required: descriptor.required !== false, unsupported: unsupportedOpts(descriptor, ['required', 'name']) });
    }
    const [initial, opts] = reroute(initialOrOpts, maybeOpts);
    const arity = opts.arity ?? 1;
    return spec({
      kind: 'string',
      names: descriptor.split(','),
      initial: initial as string | undefined,
      env: opts.env as string | undefined,
      required: opts.required === true,
      arity: typeof arity === 'number' ? arity : Number.NaN,
      unsupported:
        !Number.isInteger(arity) ||
        (arity as number) < 1 ||
        unsupportedOpts(opts, ['env', 'required', 'description', 'hidden', 'arity']) ||
        (initial !== undefined && (typeof initial !== 'string' || arity !== 1)) ||
        (opts.env !== undefined && arity !== 1),
    });
  },
  Boolean(descriptor: string, initialOrOpts?: unknown, maybeOpts?: unknown): never {
    const [initial, opts] = reroute(initialOrOpts, maybeOpts);
    return spec({
      kind: 'boolean',
      names: descriptor.split(','),
      initial: initial as boolean | undefined,
      required: opts.required === true,
      unsupported: unsupportedOpts(opts, ['description', 'hidden', 'required']),
    });
  },
  Rest(opts: Opts = {}): never {
    return spec({ kind: 'rest', required: typeof opts.required === 'number' ? opts.required : 0, unsupported: unsupportedOpts(opts, ['required', 'name']) });
  },
  Array: (): never => spec({ kind: 'other', unsupported: true }),
  Counter: (): never => spec({ kind: 'other', unsupported: true }),
  Proxy: (): never => spec({ kind: 'other', unsupported: true }),
};

/** The base class of commands, as far as the fast path runs them: context in, execute() out. */
export class Command {
  static paths: string[][] | undefined;
  static usage: unknown;
  static Usage<T>(usage: T): T {
    return usage;
  }
  context!: { env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
}

/** clipanion's UsageError: a user mistake, reported as `Error: <message>` with exit code 2 (reportError tells it by name). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
