import { Command, Option, UsageError } from 'clipanion';
import { cliPath } from './cli-path.js';
import { ClientCommand, ContainerCommand, ContainerGetterCommand, GetterCommand } from './context.js';
import { parseKeyValues } from './key-value.js';
import { writeJson, writeList, writeMap, writeValue } from './output.js';

/**
 * What plugin commands are built from: this CLI's own clipanion and base classes.
 * A plugin must not import clipanion itself for its commands: clipanion recognises
 * options by a module-private symbol, so options made by another copy would be ignored.
 */
export const commandKit = {
  Command,
  Option,
  UsageError,
  /** Base of commands that call the unit's daemon: `this.call(method, params)`. */
  ClientCommand,
  /** `ClientCommand` with `--format plain|json`. */
  GetterCommand,
  ContainerCommand,
  ContainerGetterCommand,
  /** Lucky's `key=value` arguments (CLI-08). */
  parseKeyValues,
  writeJson,
  writeValue,
  writeMap,
  writeList,
  /** The file to run with Node to get this same `lucky`. */
  cliPath,
};

export type LuckyCommandKit = typeof commandKit;

declare module '@lucky/core' {
  // Fills in core's CommandKit, which core leaves empty so it needs no clipanion.
  interface CommandKit extends LuckyCommandKit {}
}
