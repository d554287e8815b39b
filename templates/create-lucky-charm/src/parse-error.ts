import type { Cli } from 'clipanion';

/**
 * One line saying what is wrong with the command line. clipanion reports
 * anything it cannot match as "Command not found" with every usage listed,
 * which says nothing about an unknown option or a stray argument.
 */
export function describeParseError(message: string, argv: readonly string[], cli: Cli): string {
  const first = (message.split('\n').find((line) => line.trim() !== '') ?? message).trim();
  if (!first.startsWith('Command not found')) return first;
  const known = new Set<string>();
  const takesValue = new Set<string>();
  for (const { definition } of cli.definitions()[0]?.options ?? []) {
    const [names = '', arity] = definition.split(' ');
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
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.split('=')[0] ?? arg;
      // -yf: batched short flags.
      const batched = /^-[a-zA-Z]{2,}$/.test(name) && [...name.slice(1)].every((letter) => known.has(`-${letter}`) && !takesValue.has(`-${letter}`));
      if (!known.has(name) && !batched) return `Unknown option ${name}.`;
      if (takesValue.has(name) && !arg.includes('=')) i++;
      continue;
    }
    positionals.push(arg);
  }
  if (positionals.length > 1) return `Too many arguments: ${positionals.slice(1).join(' ')} (give one directory; quote a name with spaces).`;
  return first;
}
