import { accessSync, constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@lucky/core/system';
import { MODEL_DIR_MODE, MODEL_FILE_MODE } from './model/store.js';
import { TOOL_NAMES } from './tools/names.js';
import { clientScript } from './server/client-script.js';
import { serverPaths } from './server/paths.js';

/**
 * The compiled tool entry point. Resolved relative to this module so it works from
 * `src/` (tests under tsx) and `dist/` alike: both sit next to `dist/` in the package.
 */
export function toolMainPath(): string {
  return fileURLToPath(new URL('../dist/tools/main.js', import.meta.url));
}

/** `bin/hook-tool.js <tool> [args…]`: a tool in a Node process of its own, the clients' fallback. */
function hookToolBinPath(): string {
  return fileURLToPath(new URL('../bin/hook-tool.js', import.meta.url));
}

/** bash, whose /dev/tcp lets a tool be a thin client of the model server without starting another process; null when there is none. */
export function findBash(path = process.env.PATH ?? ''): string | null {
  for (const dir of ['/bin', '/usr/bin', ...path.split(':').filter((entry) => entry.startsWith('/'))]) {
    try {
      accessSync(join(dir, 'bash'), constants.X_OK);
      return join(dir, 'bash');
    } catch {
      // Not here.
    }
  }
  return null;
}

/**
 * Writes one executable per hook tool into `toolsDir` (`<model>/tools`). With bash, a
 * thin client of the model server (server/client-script.ts); without, a tiny Node
 * script that imports the compiled tool entry and runs the tool by name.
 */
export async function writeToolScripts(toolsDir: string, options: { readonly bash?: string | null } = {}): Promise<void> {
  const main = toolMainPath();
  try {
    await access(main);
  } catch {
    throw new Error(`The hook tools need the compiled package, but ${main} does not exist; build it with "tsc -b packages/testing".`);
  }
  await mkdir(toolsDir, { recursive: true, mode: MODEL_DIR_MODE });
  // Extensionless scripts: pin them to CommonJS whatever package.json encloses the model,
  // and load the ESM entry with import(), which CommonJS allows.
  await writeFileAtomic(join(toolsDir, 'package.json'), '{ "type": "commonjs" }\n', { durable: false, mode: MODEL_FILE_MODE });
  const url = JSON.stringify(pathToFileURL(main).href);
  // `bash: null` writes the Node scripts even where bash exists (tests of both kinds).
  const bash = options.bash === undefined ? findBash() : options.bash;
  const client = { bash: bash ?? '', endpoint: serverPaths(dirname(toolsDir)).endpoint, fallback: [process.execPath, hookToolBinPath()] };
  for (const name of TOOL_NAMES) {
    // Written aside and renamed: a hook of another process may be running these tools.
    const path = join(toolsDir, name);
    const text =
      bash !== null
        ? clientScript(name, client)
        : `#!/usr/bin/env node\n// Juju hook tool "${name}", simulated by @lucky/testing.\nimport(${url}).then((tools) => tools.runTool(${JSON.stringify(name)}));\n`;
    // Executable by the user who runs the hooks, and no one else, like the rest of the model.
    await writeFileAtomic(path, text, { mode: 0o700, durable: false });
  }
  // juju-exec is no hook tool (Juju installs it in /usr/bin), but hooks' PATH is where a Lucky daemon looks for it.
  const jujuExec = JSON.stringify(pathToFileURL(join(dirname(main), 'juju-exec.js')).href);
  const text = `#!/usr/bin/env node\n// juju-exec, simulated by @lucky/testing (src/tools/juju-exec.ts).\nimport(${jujuExec}).then(async (tool) => { process.exitCode = await tool.runJujuExec(${JSON.stringify(dirname(toolsDir))}); });\n`;
  await writeFileAtomic(join(toolsDir, 'juju-exec'), text, { mode: 0o700, durable: false });
}
