import { Builtins, Cli, type BaseContext } from 'clipanion';
import type { CommandClass } from '@lucky/core';
import { reportError, runCli } from '@lucky/errors/cli';
import { endQuietlyOnBrokenPipe } from './broken-pipe.js';
import { charmPluginCommands, developmentCommands, isDevelopmentWord } from './command-plugins.js';
import { ContainerImageGetCommand } from './commands/container/image/get.js';
import { ContainerImageSetCommand } from './commands/container/image/set.js';
import { ContainerEnvGetCommand } from './commands/container/env/get.js';
import { ContainerEnvSetCommand } from './commands/container/env/set.js';
import { ContainerSetEntrypointCommand } from './commands/container/set-entrypoint.js';
import { ContainerSetCommandCommand } from './commands/container/set-command.js';
import { ContainerVolumeAddCommand } from './commands/container/volume/add.js';
import { ContainerVolumeRemoveCommand } from './commands/container/volume/remove.js';
import { ContainerVolumeGetCommand } from './commands/container/volume/get.js';
import { ContainerPortAddCommand } from './commands/container/port/add.js';
import { ContainerPortRemoveCommand } from './commands/container/port/remove.js';
import { ContainerPortListCommand } from './commands/container/port/list.js';
import { ContainerSetNetworkCommand } from './commands/container/set-network.js';
import { ContainerDeleteCommand } from './commands/container/delete.js';
import { ContainerApplyUpdatesCommand } from './commands/container/apply-updates.js';
import { DaemonStartCommand } from './commands/daemon/start.js';
import { DaemonStatusCommand } from './commands/daemon/status.js';
import { DaemonStopCommand } from './commands/daemon/stop.js';
import { DispatchCommand } from './commands/dispatch.js';
import { GetConfigCommand } from './commands/get-config.js';
import { GetResourceCommand } from './commands/get-resource.js';
import { KvDeleteCommand } from './commands/kv/delete.js';
import { KvGetCommand } from './commands/kv/get.js';
import { KvSetCommand } from './commands/kv/set.js';
import { LeaderGetCommand } from './commands/leader/get.js';
import { LeaderIsLeaderCommand } from './commands/leader/is-leader.js';
import { LeaderSetCommand } from './commands/leader/set.js';
import { ActionGetCommand } from './commands/action/get.js';
import { ActionSetCommand } from './commands/action/set.js';
import { ActionFailCommand } from './commands/action/fail.js';
import { ActionLogCommand } from './commands/action/log.js';
import { PortCloseCommand } from './commands/port/close.js';
import { PortGetOpenedCommand } from './commands/port/get-opened.js';
import { PortOpenCommand } from './commands/port/open.js';
import { PrivateAddressCommand } from './commands/private-address.js';
import { PublicAddressCommand } from './commands/public-address.js';
import { RandomCommand } from './commands/random.js';
import { RelationGetCommand } from './commands/relation/get.js';
import { RelationListIdsCommand } from './commands/relation/list-ids.js';
import { RelationListUnitsCommand } from './commands/relation/list-units.js';
import { RelationSetCommand } from './commands/relation/set.js';
import { SetStatusCommand } from './commands/set-status.js';
import { WorkloadVersionCommand } from './commands/workload-version.js';
import { NetworkGetCommand } from './commands/network/get.js';
import { StorageListCommand } from './commands/storage/list.js';
import { StorageGetCommand } from './commands/storage/get.js';
import { StorageAddCommand } from './commands/storage/add.js';
import { GoalStateCommand } from './commands/goal-state.js';
import { RebootCommand } from './commands/reboot.js';
import { LogCommand } from './commands/log.js';
import { SecretAddCommand } from './commands/secret/add.js';
import { SecretGetCommand } from './commands/secret/get.js';
import { SecretSetCommand } from './commands/secret/set.js';
import { SecretGrantCommand } from './commands/secret/grant.js';
import { SecretRevokeCommand } from './commands/secret/revoke.js';
import { SecretRemoveCommand } from './commands/secret/remove.js';
import { SecretIdsCommand } from './commands/secret/ids.js';
import { SecretInfoCommand } from './commands/secret/info.js';
import { VERSION } from './version.js';

/** Every built-in command class, in help order. */
export const COMMANDS = [
  SetStatusCommand,
  KvGetCommand,
  KvSetCommand,
  KvDeleteCommand,
  GetConfigCommand,
  RelationGetCommand,
  RelationSetCommand,
  RelationListUnitsCommand,
  RelationListIdsCommand,
  LeaderGetCommand,
  LeaderSetCommand,
  LeaderIsLeaderCommand,
  ActionGetCommand,
  ActionSetCommand,
  ActionFailCommand,
  ActionLogCommand,
  PortOpenCommand,
  PortCloseCommand,
  PortGetOpenedCommand,
  PrivateAddressCommand,
  PublicAddressCommand,
  GetResourceCommand,
  RandomCommand,
  WorkloadVersionCommand,
  NetworkGetCommand,
  StorageListCommand,
  StorageGetCommand,
  StorageAddCommand,
  GoalStateCommand,
  RebootCommand,
  LogCommand,
  ContainerImageGetCommand,
  ContainerImageSetCommand,
  ContainerEnvGetCommand,
  ContainerEnvSetCommand,
  ContainerSetEntrypointCommand,
  ContainerSetCommandCommand,
  ContainerVolumeAddCommand,
  ContainerVolumeRemoveCommand,
  ContainerVolumeGetCommand,
  ContainerPortAddCommand,
  ContainerPortRemoveCommand,
  ContainerPortListCommand,
  ContainerSetNetworkCommand,
  ContainerDeleteCommand,
  ContainerApplyUpdatesCommand,
  SecretAddCommand,
  SecretGetCommand,
  SecretSetCommand,
  SecretGrantCommand,
  SecretRevokeCommand,
  SecretRemoveCommand,
  SecretIdsCommand,
  SecretInfoCommand,
  DispatchCommand,
  DaemonStartCommand,
  DaemonStopCommand,
  DaemonStatusCommand,
] as const;

type AnyCommandClass = (typeof COMMANDS)[number];

/**
 * Builds the `lucky` CLI from the built-in commands and `extra` (plugin commands).
 * Given the arguments, it registers only the commands that share their first word:
 * clipanion compiles a parser over every registered command on each run, and
 * scripts call `lucky` often, so this keeps each call close to Node's own start-up
 * time. Help and unknown words get every command.
 */
export function createCli(argv?: readonly string[], extra: readonly CommandClass[] = []): Cli {
  const cli = new Cli({ binaryLabel: 'Lucky', binaryName: 'lucky', binaryVersion: VERSION, enableColors: false });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  const all = [...COMMANDS, ...(extra as readonly AnyCommandClass[])];
  const startsWith = (path: readonly string[], words: number): boolean =>
    argv !== undefined && path.length >= words && path.slice(0, words).every((word, i) => word === argv[i]);
  const exact = all.filter((command) => command.paths?.some((path) => startsWith(path, path.length)));
  const sameFirstWord = all.filter((command) => command.paths?.some((path) => startsWith(path, 1)));
  const chosen = exact.length > 0 ? exact : sameFirstWord.length > 0 ? sameFirstWord : all;
  for (const command of chosen) cli.register(command);
  return cli;
}

const BUILTIN_WORDS = new Set(COMMANDS.flatMap((command) => command.paths?.map((path) => path[0]) ?? []));
/** `container image`, `kv get` …: the second words built-in groups have; a plugin may add another (`container check`). */
const BUILTIN_GROUPS = new Set(COMMANDS.flatMap((command) => command.paths?.filter((path) => path.length > 1).map((path) => `${path[0]} ${path[1]}`) ?? []));
const GROUP_WORDS = new Set([...BUILTIN_GROUPS].map((group) => group.split(' ')[0]));

/**
 * Plugin commands this command line may need: those of a development plugin for
 * its word (`sim`, `charm`), those of the charm's plugins for a word no built-in
 * command has or a group no built-in has under a built-in word (`container
 * check`), and all of them for the command list. The script-facing commands
 * load none of them.
 */
async function pluginCommands(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<readonly CommandClass[]> {
  const [word] = argv;
  if (isDevelopmentWord(word)) return developmentCommands(word!);
  if (word === undefined || word === '-h' || word === '--help' || word === 'help') {
    const all = await Promise.all([developmentCommands('sim', true), developmentCommands('charm', true), charmPluginCommands(env).catch(() => [])]);
    return all.flat();
  }
  if (word.startsWith('-')) return [];
  if (BUILTIN_WORDS.has(word)) {
    const second = argv[1];
    const pluginGroup = GROUP_WORDS.has(word) && second !== undefined && !second.startsWith('-') && !BUILTIN_GROUPS.has(`${word} ${second}`);
    if (!pluginGroup) return [];
  }
  return charmPluginCommands(env);
}

// Shared with the fast path (src/fast), which must not load this module.
export { BROKEN_PIPE_EXIT_CODE } from './broken-pipe.js';

/** Runs `lucky` with this process's arguments and exits with the command's code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  endQuietlyOnBrokenPipe(process.stdout);
  endQuietlyOnBrokenPipe(process.stderr);
  // No commands read stdin, and opening it costs start-up time: give it as a
  // non-enumerable getter, which clipanion's context spreads leave alone.
  const context = { env: process.env, stdout: process.stdout, stderr: process.stderr, colorDepth: 1 } as unknown as BaseContext;
  Object.defineProperty(context, 'stdin', { get: () => process.stdin, enumerable: false });
  let extra: readonly CommandClass[];
  try {
    extra = await pluginCommands(argv, context.env);
  } catch (error) {
    process.exitCode = reportError(error, context, `lucky ${VERSION}`);
    return;
  }
  process.exitCode = await runCli(createCli(argv, extra), argv, context);
}
