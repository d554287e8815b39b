// Bundles the script-facing part of the `lucky` CLI into one CommonJS file,
// dist/bundle/lucky.cjs (and the daemon's entry into dist/bundle/daemon.mjs): a script
// calling `lucky kv get` then costs one file read and no ESM graph, close to starting Node
// itself. Whatever the CLI imports dynamically (the daemon, plugins, plugin commands)
// stays out of the file and is loaded on demand: packages from node_modules, our own
// modules from dist/. execa is the exception: inside the file it is still initialised
// only when imported, and loading its ESM graph from node_modules took most of the
// time before a unit's first hook could start the daemon.
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleFast } from './bundle-fast.mjs';
import { lazyClipanionContext } from './lazy-clipanion-context.mjs';

const outfile = new URL('../dist/bundle/lucky.cjs', import.meta.url).pathname;

/** Keeps every dynamic import() a lazy load instead of inlining its module graph. */
const dynamicImportsStayLazy = {
  name: 'dynamic-imports-stay-lazy',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || args.path === 'execa') return undefined;
      if (!args.path.startsWith('.')) return { path: args.path, external: true };
      // A module of this package: import it from dist/, relative to the bundle.
      const target = relative(dirname(outfile), resolve(dirname(args.importer), args.path));
      return { path: target.startsWith('.') ? target : `./${target}`, external: true };
    });
  },
};

/** What both bundles share. */
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: [new URL('../dist/main.js', import.meta.url).pathname],
  outfile,
  format: 'cjs',
  define: { 'import.meta.url': '__luckyModuleUrl' },
  banner: { js: "const __luckyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyClipanionContext, dynamicImportsStayLazy],
});

// The unit daemon's own process (src/daemon-starter.ts spawns it): one file instead of an ES
// module graph of some 400 files, which took it 340 ms to be ready instead of 130 ms, with
// 5 MB more resident. ESM, for daemon-entry's top-level await; the banner gives bundled
// CommonJS code its `require`. It sits next to lucky.cjs, so the lazy imports resolve alike.
await build({
  ...common,
  entryPoints: [new URL('../dist/daemon-entry.js', import.meta.url).pathname],
  outfile: new URL('../dist/bundle/daemon.mjs', import.meta.url).pathname,
  format: 'esm',
  banner: { js: "import { createRequire as __luckyCreateRequire } from 'node:module'; const require = __luckyCreateRequire(import.meta.url);" },
  plugins: [dynamicImportsStayLazy],
});

// The fast path bin/lucky.cjs loads first (scripts/bundle-fast.mjs).
await bundleFast(new URL('../dist/bundle/lucky-fast.cjs', import.meta.url).pathname);
