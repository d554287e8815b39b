/** Quoting one word for sh and bash, and for Pebble's shlex split of a service command (the same rules). */

/** Words every POSIX shell (and shlex) returns unchanged. */
const PLAIN = /^[\w@%+=:,./-]+$/;

/** One word, quoted for sh: as it is when plain, else in single quotes, a single quote itself as `'\''`. */
export function shellQuote(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
