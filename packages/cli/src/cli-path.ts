import { fileURLToPath } from 'node:url';

/**
 * The file to run with Node to get this same `lucky`: the entry Node was started
 * with. Used to start the daemon and to write the `lucky` shim scripts call.
 */
export function cliPath(): string {
  return process.argv[1] ?? fileURLToPath(import.meta.url);
}
