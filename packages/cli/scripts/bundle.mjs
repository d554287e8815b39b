// Bundles the script-facing part of the `lucky` CLI into one CommonJS file,
// dist/bundle/lucky.cjs: a script calling `lucky kv get` then costs one file read
// and no ESM graph, close to starting Node itself. The daemon side (core, plugins,
// execa) is left out and loaded with import() from node_modules when needed.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

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
    {
      // clipanion builds Cli.defaultContext when it loads, which opens process.stdin
      // and loads node:tty (about 9 ms). Lucky never reads stdin and never colours
      // output, so make both lazy in the bundle.
      name: 'lazy-clipanion-context',
      setup(b) {
        b.onLoad({ filter: /clipanion[\\/]lib[\\/](advanced[\\/]Cli|platform[\\/]node)\.js$/ }, async (args) => {
          let text = await readFile(args.path, 'utf8');
          text = text
            .replace('stdin: process.stdin,', '')
            .replace('stdout: process.stdout,', '')
            .replace('stderr: process.stderr,', '')
            .replace('function noopCaptureActivator', "for (const name of ['stdin', 'stdout', 'stderr']) Object.defineProperty(Cli.defaultContext, name, { get: () => process[name], enumerable: false });\nfunction noopCaptureActivator")
            .replace('colorDepth: platform.getDefaultColorDepth(),', 'get colorDepth() { return platform.getDefaultColorDepth(); },')
            .replace("var tty = require('tty');", "var tty = { get WriteStream() { return require('tty').WriteStream; } };");
          return { contents: text, loader: 'js' };
        });
      },
    },
    {
      name: 'lazy-daemon-modules',
      setup(b) {
        b.onResolve({ filter: lazy }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
});
