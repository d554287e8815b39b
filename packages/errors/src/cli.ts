// The CLI side of Lucky's errors; needs clipanion (an optional peer dependency).
export { runCli, reportError } from './cli-runner.js';
export { describeParseError } from './parse-error.js';
export { closestCommands, groupListing, readablePlaceholders } from './cli-help.js';
