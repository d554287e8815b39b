// Bundles the whole `lucky` CLI, daemon and default plugins (core, juju, scripts,
// docker) into ONE CommonJS file, dist/runtime/lucky.cjs, that `lucky charm build`
// puts in every charm: a unit has no node_modules, only this file and a Node binary.
// Unlike dist/bundle/lucky.cjs (scripts/bundle.mjs), nothing is loaded from
// node_modules; what Lucky never uses on a unit (dockerode's SSH and BuildKit
// support) is replaced by modules that say so when used. The development commands
// (`lucky sim`, `lucky charm`) are imported by a computed name, so they stay out and
// `lucky` says they are not part of a charm's runtime.
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { bundleFast } from './bundle-fast.mjs';
import { lazyClipanionContext } from './lazy-clipanion-context.mjs';

const here = (path) => new URL(path, import.meta.url).pathname;

/** Replaces `from` by `to` in a file's text, failing the bundle when `from` is gone, so a dependency change cannot silently undo a patch. */
function patch(text, path, from, to) {
  if (!text.includes(from)) throw new Error(`bundle-runtime: ${path} no longer contains ${JSON.stringify(from)}; update the patch.`);
  return text.replace(from, to);
}

const outfile = here('../dist/runtime/lucky.cjs');
const result = await build({
  entryPoints: [here('../dist/runtime-entry.js')],
  outfile,
  // Written below through a rename: `lucky charm build` may be copying the previous one.
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // Node compiles the whole file on every `lucky` call a script makes: smaller starts faster.
  minify: true,
  // The daemon starter spawns the daemon from this same file when this is set (daemon-starter.ts).
  define: { 'import.meta.url': '__luckyModuleUrl', LUCKY_RUNTIME_BUNDLE: 'true' },
  banner: { js: "const __luckyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // ssh2's optional native parts, should ssh2 ever be bundled: it requires them in try/catch.
  external: ['cpu-features', '*.node'],
  plugins: [
    lazyClipanionContext,
    {
      // The Docker plugin loads dockerode through createRequire, which esbuild cannot
      // follow; a plain require() is bundled and still evaluated on first use only.
      name: 'bundle-dockerode',
      setup(b) {
        b.onLoad({ filter: /plugins[\\/]docker[\\/]dist[\\/]engine\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          return { contents: patch(text, args.path, "createRequire(import.meta.url)('dockerode')", "require('dockerode')"), loader: 'js' };
        });
      },
    },
    {
      // dockerode requires ssh2 (engines over SSH) and gRPC/protobuf (BuildKit
      // sessions) when it loads. Lucky talks to the engine over a Unix socket only and
      // never builds images, so they would be half of this file for nothing: each
      // becomes a module whose members throw when used.
      name: 'no-ssh-no-buildkit',
      setup(b) {
        b.onResolve({ filter: /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)$/ }, (args) => ({ path: args.path, namespace: 'unused-by-lucky' }));
        b.onLoad({ filter: /.*/, namespace: 'unused-by-lucky' }, (args) => ({
          contents:
            `function unavailable() { throw new Error(${JSON.stringify(`${args.path} is not part of Lucky's charm runtime (Lucky uses the Docker engine over a Unix socket only)`)}); }\n` +
            'module.exports = new Proxy({}, { get: () => unavailable });\n',
          loader: 'js',
        }));
      },
    },
  ],
});

const [output] = result.outputFiles;
await mkdir(dirname(outfile), { recursive: true });
await writeFile(`${outfile}.${process.pid}.tmp`, output.contents);
await rename(`${outfile}.${process.pid}.tmp`, outfile);
// The fast path a charm's lucky/bin/lucky.cjs loads first; `lucky charm build` puts it next to lucky.cjs.
await bundleFast(here('../dist/runtime/lucky-fast.cjs'));
// The thin client the charm's lucky/bin/lucky runs first; `lucky charm build` copies it next to lucky.cjs's entry.
await copyFile(here('../bin/lucky-thin.bash'), here('../dist/runtime/lucky-thin.bash.tmp'));
await rename(here('../dist/runtime/lucky-thin.bash.tmp'), here('../dist/runtime/lucky-thin.bash'));
