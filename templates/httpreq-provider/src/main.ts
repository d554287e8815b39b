import { Cli } from 'clipanion';
import { runCli } from '@lucky/errors/cli';
import { createCli } from './cli.js';

const code = await runCli(createCli(), process.argv.slice(2), Cli.defaultContext);
// serve resolves only after SIGTERM; the management commands end here.
process.exitCode = code;
