/**
 * The members of the `lucky` CLI's command kit these commands use, typed here:
 * @lucky/cli imports this package (its built-in runtimes), so this package cannot
 * take the kit's types from @lucky/cli (`import type {} from '@lucky/cli'`, as a
 * third-party plugin does) without a cycle. The classes and `Option` are the CLI's
 * own at run time; clipanion is imported for its types only.
 */
import type { Command, Option, UsageError } from 'clipanion';
import type { CommandKit } from '@lucky/core';
import type { RpcMethodName, RpcParams, RpcResult } from '@lucky/core/client';

/** An instance of `ClientCommand`: a command that calls the unit's daemon. */
export interface ClientCommandInstance extends Command {
  call<M extends RpcMethodName>(method: M, params: RpcParams<M>): Promise<RpcResult<M>>;
}

export interface PebbleCommandKit {
  readonly Command: typeof Command;
  readonly Option: typeof Option;
  readonly UsageError: typeof UsageError;
  /** The class: clipanion's statics (`paths`, `usage`, …) with `call` on instances. */
  readonly ClientCommand: Omit<typeof Command, 'prototype'> & (abstract new () => ClientCommandInstance);
  writeJson(out: NodeJS.WritableStream, value: unknown): void;
}

/** The kit the CLI passed, with the members above. */
export function pebbleKit(kit: CommandKit): PebbleCommandKit {
  return kit as unknown as PebbleCommandKit;
}
