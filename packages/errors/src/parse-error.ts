import type { BaseContext, Cli } from 'clipanion';
import { closestCommands, readablePlaceholders } from './cli-help.js';

type Definition = ReturnType<Cli<BaseContext>['definitions']>[number];

/**
 * Turns clipanion's parse failure (many lines, every candidate usage) into what a
 * user needs: one `Error:` line saying what is wrong, then the usage of the command
 * that was meant or where to find help. clipanion reports an unknown option or a
 * stray argument as "Command not found"; the command's own options tell which.
 */
export function describeParseError(message: string, argv: readonly string[], cli: Cli<BaseContext>): string {
  const bin = cli.binaryName;
  const first = (message.split('\n').find((line) => line.trim() !== '') ?? message).trim();
  const definitions = cli.definitions();
  const meant = commandMeant(definitions, argv);
  const help = (path: string) => `Run "${[bin, path, '--help'].filter(Boolean).join(' ')}" for the options.`;
  const unsupported = /^Unsupported option name \("([^"]+)"\)/.exec(first);
  if (unsupported) return `Error: Unknown option ${unsupported[1]}. ${help(meant?.path ?? '')}\n`;
  if (!first.startsWith('Command not found')) {
    return meant ? `Error: ${first}\nUsage: ${meant.usage}\n` : `Error: ${first}\n${commandsHint(bin)}`;
  }
  if (!meant) {
    const closest = closestCommands(definitions, argv).map((path) => `  ${bin} ${path}\n`);
    const didYouMean = closest.length > 0 ? `Did you mean:\n${closest.join('')}` : '';
    return `Error: Unknown command: ${[bin, ...argv].join(' ')}\n${didYouMean}${commandsHint(bin)}`;
  }
  // clipanion lists the candidates' full usages (positionals included) in its message.
  const prefix = [bin, meant.path].filter(Boolean).join(' ');
  const listed = [...message.matchAll(/^\s*(?:\$|\d+\.)\s+(\S.*)$/gm)]
    .map((match) => match[1]!.trim())
    .find((line) => line === prefix || line.startsWith(`${prefix} `));
  if (listed) meant.usage = readablePlaceholders(listed);
  const rest = argv.slice(meant.words);
  const problem = argumentProblem(meant.definition, rest, listed);
  if (problem) return `Error: ${problem} ${help(meant.path)}\n`;
  return `Error: Invalid arguments for "${[bin, meant.path].filter(Boolean).join(' ')}".\nUsage: ${meant.usage}\n`;
}

function commandsHint(bin: string): string {
  return `Run "${bin} --help" for the commands, or "${bin} <command> --help" for one.\n`;
}

/** The command whose path is the longest prefix of argv, if exactly one is. */
function commandMeant(
  definitions: readonly Definition[],
  argv: readonly string[],
): { definition: Definition; path: string; words: number; usage: string } | undefined {
  let best: Array<{ definition: Definition; words: string[] }> = [];
  for (const definition of definitions) {
    // `path` is the short usage, `lucky relation list-ids [-n,--relation-name #0] …`: the command's words come first.
    const tokens = definition.path.split(' ').slice(1);
    const end = tokens.findIndex((token) => !/^[a-z0-9][a-z0-9-]*$/i.test(token));
    const words = end === -1 ? tokens : tokens.slice(0, end);
    if (words.length > argv.length || !words.every((word, i) => word === argv[i])) continue;
    if (best.length === 0 || words.length > best[0]!.words.length) best = [{ definition, words }];
    else if (words.length === best[0]!.words.length) best.push({ definition, words });
  }
  const [only] = best;
  if (!only || best.length > 1) return undefined;
  // A CLI with commands has no command at the empty path: argv[0] was unknown then.
  if (only.words.length === 0 && definitions.length > 1) return undefined;
  return { definition: only.definition, path: only.words.join(' '), words: only.words.length, usage: usageLine(only.definition) };
}

/** The command's usage on one line: its path and positionals, then its options (`#0` shown as `<value>`). */
function usageLine(definition: Definition): string {
  const options = definition.options.map(({ definition: option, required }) => {
    const text = readablePlaceholders(option);
    return required ? text : `[${text}]`;
  });
  return [definition.path, ...options].join(' ');
}

/** An unknown option or surplus arguments, from the command's own option list. */
function argumentProblem(definition: Definition, argv: readonly string[], usage: string | undefined): string | undefined {
  const known = new Set<string>(['-h', '--help']);
  const takesValue = new Set<string>();
  for (const option of definition.options) {
    const [names = '', arity] = option.definition.split(' ');
    for (const name of names.split(',')) {
      known.add(name);
      if (arity !== undefined) takesValue.add(name);
      else if (name.startsWith('--')) known.add(`--no-${name.slice(2)}`);
    }
  }
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg)) {
      const name = arg.split('=')[0] ?? arg;
      // -yf: batched short flags.
      const batched = /^-[a-zA-Z]{2,}$/.test(name) && [...name.slice(1)].every((letter) => known.has(`-${letter}`) && !takesValue.has(`-${letter}`));
      if (!known.has(name) && !batched) return `Unknown option ${name}.`;
      if (takesValue.has(name) && !arg.includes('=')) i++;
      continue;
    }
    positionals.push(arg);
  }
  const accepted = usage === undefined ? undefined : countPositionals(usage.split(' ').slice(1).join(' '));
  if (accepted !== undefined && positionals.length > accepted)
    return `Too many arguments: ${positionals.slice(accepted).join(' ')} (quote an argument that holds spaces).`;
  return undefined;
}

/** How many positionals a usage line accepts; undefined when it takes a rest (`...`). */
function countPositionals(usage: string): number | undefined {
  if (usage.includes('...')) return undefined;
  const withoutOptions = usage.replace(/\[-[^\]]*\]/g, '');
  return (withoutOptions.match(/<[^>]+>|\[[^\]-][^\]]*\]/g) ?? []).length;
}
