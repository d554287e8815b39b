// Bundles `lucky`'s fast path (src/fast/entry.ts) into one small CommonJS file with
// no dependency but Node's own modules: the classes of FAST_COMMANDS with
// src/fast/clipanion-shim.ts standing in for clipanion and src/fast/daemon-connect.ts
// for the daemon starter, the daemon client and Lucky's errors. Both entries load it first: the workspace's bin/lucky.cjs (from
// dist/bundle/) and a built charm's lucky/bin/lucky.cjs (from dist/runtime/, next
// to the runtime bundle). Run by scripts/bundle.mjs and scripts/bundle-runtime.mjs.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { stripUsage } from './strip-usage.mjs';

const here = (path) => new URL(path, import.meta.url).pathname;

/** Writes the fast bundle to `outfile` (through a rename: `lucky charm build` may be copying the previous one). */
export async function bundleFast(outfile) {
  const result = await build({
    entryPoints: [here('../dist/fast/entry.js')],
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    // Compiled on every call a script makes: smaller starts faster.
    minify: true,
    // As in the full bundle: cli-path.ts (dispatch) falls back on its own file's URL.
    define: { 'import.meta.url': '__luckyModuleUrl' },
    banner: { js: "const __luckyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [
      {
        // Help is the full CLI's: the fast path leaves --help to it (scripts/strip-usage.mjs).
        name: 'no-usage-text',
        setup(b) {
          b.onLoad({ filter: /dist[\\/]commands[\\/].*\.js$/ }, async (args) => ({
            contents: stripUsage(await readFile(args.path, 'utf8'), args.path),
            loader: 'js',
          }));
        },
      },
      {
        // clipanion is the shim; otherwise the fast path must stay small: a module that
        // needs more than the client and the errors belongs to the full CLI, not here.
        name: 'shim-and-node-builtins-only',
        setup(b) {
          // `dispatch` connects to a running daemon only; starting one is the full CLI's (src/fast/daemon-connect.ts).
          b.onResolve({ filter: /^\.\.\/daemon-starter\.js$/ }, () => ({ path: here('../dist/fast/daemon-connect.js') }));
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path === 'clipanion') return { path: here('../dist/fast/clipanion-shim.js') };
            if (args.path.startsWith('node:') || /^@lucky\/(errors|core\/client)$/.test(args.path)) return undefined;
            return { errors: [{ text: `the fast path (${args.importer}) may not import ${args.path}; leave that command to the full CLI` }] };
          });
        },
      },
    ],
  });
  // A warning here is an import the shim lacks (undefined at run time) or worse: refuse it.
  if (result.warnings.length > 0) throw new Error(`bundle-fast: ${result.warnings.map((warning) => warning.text).join('; ')}`);
  const [output] = result.outputFiles;
  await mkdir(dirname(outfile), { recursive: true });
  await writeFile(`${outfile}.${process.pid}.tmp`, output.contents);
  await rename(`${outfile}.${process.pid}.tmp`, outfile);
}
