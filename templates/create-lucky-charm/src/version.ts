/**
 * This package's version; the generated charm depends on the Lucky packages of
 * the same release. A literal, not read from package.json, so bundlers need no
 * file next to the code; test/scaffold.test.ts keeps the two equal.
 */
export const VERSION = '0.1.0';
