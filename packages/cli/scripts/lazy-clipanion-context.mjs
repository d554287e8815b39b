// An esbuild plugin shared by both bundles: clipanion builds Cli.defaultContext when it
// loads, which opens process.stdin and loads node:tty (about 9 ms per `lucky` call).
// Lucky never reads stdin and never colours output, so both become lazy.
import { readFile } from 'node:fs/promises';

export const lazyClipanionContext = {
  name: 'lazy-clipanion-context',
  setup(b) {
    b.onLoad({ filter: /clipanion[\\/]lib[\\/](advanced[\\/]Cli|platform[\\/]node)\.js$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      text = text
        .replace('stdin: process.stdin,', '')
        .replace('stdout: process.stdout,', '')
        .replace('stderr: process.stderr,', '')
        .replace(
          'function noopCaptureActivator',
          "for (const name of ['stdin', 'stdout', 'stderr']) Object.defineProperty(Cli.defaultContext, name, { get: () => process[name], enumerable: false });\nfunction noopCaptureActivator",
        )
        .replace('colorDepth: platform.getDefaultColorDepth(),', 'get colorDepth() { return platform.getDefaultColorDepth(); },')
        .replace("var tty = require('tty');", "var tty = { get WriteStream() { return require('tty').WriteStream; } };");
      return { contents: text, loader: 'js' };
    });
  },
};
