import type { BaseContext } from 'clipanion';
import { run } from './run.js';

// The bin's entry: `npm create lucky-charm` runs this.
const context = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, colorDepth: 1 } as BaseContext;
process.exitCode = await run(process.argv.slice(2), context);
