// Bundles the script-facing part of the `lucky` CLI into one CommonJS file,
// dist/bundle/lucky.cjs: a script calling `lucky kv get` then costs one file read
// and no ESM graph, close to starting Node itself. The daemon side (core, plugins,
// execa) is left out and loaded with import() from node_modules when needed.
import { build } from 'esbuild';
import { lazyClipanionContext } from './lazy-clipanion-context.mjs';

const lazy = /^(@lucky\/core|@lucky\/testing|@lucky\/plugin-[a-z-]+|@lucky\/cli\/daemon-process|execa)$/;

await build({
  entryPoints: [new URL('../dist/main.js', import.meta.url).pathname],
  outfile: new URL('../dist/bundle/lucky.cjs', import.meta.url).pathname,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'import.meta.url': '__luckyModuleUrl' },
  banner: { js: "const __luckyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    lazyClipanionContext,
    {
      name: 'lazy-daemon-modules',
      setup(b) {
        b.onResolve({ filter: lazy }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
});
