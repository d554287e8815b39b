import { basename, resolve } from 'node:path';
import { Command, Option, UsageError } from 'clipanion';
import { gitInit } from './git.js';
import { nextSteps } from './next-steps.js';
import { openPrompts } from './prompts.js';
import { scaffold, TEMPLATES } from './scaffold.js';
import { checkTargetDir } from './target-dir.js';
import { checkFlags, resolveValues } from './values.js';

/** `create-lucky-charm [dir] [--name] [--display-name] [--summary] [--maintainer] [--yes] [--force] [--no-git]` */
export class CreateCommand extends Command {
  static override paths = [Command.Default];
  static override usage = Command.Usage({
    description: 'create a Lucky charm from the template',
    details: `
      Writes a working charm into \`dir\` (default: a directory named after the charm): metadata, config, actions, lucky.yaml, scripts, a test that runs the charm in Lucky's simulator, and the hook stubs.

      On a terminal it asks for each value not given as a flag, showing the default in brackets; an empty answer takes the default. \`--yes\` takes the defaults without asking; \`--interactive\` asks even when stdin is not a terminal (answers are read line by line). Without a terminal and without either, flags and defaults are used.

      A directory that is not empty is refused unless \`--force\`, which writes the template over it and leaves other files alone.

      \`--template k8s\` makes a Kubernetes sidecar charm instead: a workload container with its OCI image resource, \`runtime: pebble\`, a pebble-ready script and a web service whose port comes from the config.

      \`--template httpreq-provider\` makes a complete Kubernetes sidecar charm: lego's httpreq DNS-01 provider (the image of @lucky/httpreq-provider), publishing challenges as TXT records in zone files of a git repository over SSH; config \`git-repo\` and \`git-ssh-key\` (a Juju secret), the actions create-user, allow-domains, revoke-domains and list-domains, users and grants shared by every unit through the peer relation.
    `,
    examples: [
      ['Answer the questions', 'npm create lucky-charm my-charm'],
      ['No questions', 'npm create lucky-charm my-charm -- --yes --summary "Serves the docs"'],
      ['A Kubernetes sidecar charm (Pebble)', 'npm create lucky-charm my-k8s-charm -- --template k8s'],
      ["lego's httpreq DNS-01 provider as a charm", 'npm create lucky-charm httpreq -- --yes --template httpreq-provider'],
    ],
  });

  dir = Option.String({ required: false, name: 'dir' });
  name = Option.String('-n,--name', {
    description: 'Charm name: lowercase letters, digits and hyphens, starting with a letter (default: from the display name)',
  });
  displayName = Option.String('-d,--display-name', { description: 'Display name (default: the directory name)' });
  summary = Option.String('-s,--summary', { description: 'One-line summary' });
  maintainer = Option.String('-m,--maintainer', { description: 'Maintainer, "Name <email>"' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Ask nothing: defaults for every value not given' });
  interactive = Option.Boolean('-i,--interactive', false, { description: 'Ask even when stdin is not a terminal' });
  force = Option.Boolean('-f,--force', false, { description: 'Write into a directory that is not empty' });
  noGit = Option.Boolean('--no-git', false, { description: 'Do not initialise a git repository' });
  template = Option.String('-t,--template', 'default', {
    description: 'default (a machine charm), k8s (a Kubernetes sidecar charm under Pebble) or httpreq-provider (the httpreq DNS-01 provider charm)',
  });

  async execute(): Promise<number> {
    if (this.yes && this.interactive) throw new UsageError('--yes and --interactive contradict each other; give one.');
    const template = TEMPLATES.find((name) => name === this.template);
    if (template === undefined)
      throw new UsageError(`Unknown --template "${this.template}": expected ${TEMPLATES.slice(0, -1).join(', ')} or ${TEMPLATES.at(-1)}.`);
    const flags = { name: this.name, displayName: this.displayName, summary: this.summary, maintainer: this.maintainer };
    checkFlags(flags);
    const { stdin, stdout } = this.context;
    const cwd = process.cwd();
    let dir = this.dir === undefined ? undefined : resolve(cwd, this.dir);
    // Refuse a bad directory before asking anything.
    if (dir !== undefined) await checkTargetDir(dir, this.force);

    const terminal = (stdin as NodeJS.ReadStream).isTTY === true;
    const prompts = this.interactive || (!this.yes && terminal) ? openPrompts(stdin, stdout, terminal) : undefined;
    let values;
    try {
      if (prompts) stdout.write(`Creating a Lucky charm${dir === undefined ? '' : ` in ${dir}`}.\n`);
      values = await resolveValues(flags, dir === undefined ? undefined : basename(dir), prompts?.ask, stdout);
    } finally {
      prompts?.close();
    }
    dir ??= resolve(cwd, values.name);
    await scaffold(dir, values, { force: this.force, template });
    stdout.write(`Created ${values.displayName} (${values.name}) in ${dir}.\n`);
    if (!this.noGit) stdout.write(`${(await gitInit(dir)).note}\n`);
    stdout.write(`\n${nextSteps(dir, cwd, values.name, this.context.env.npm_config_user_agent, template)}`);
    return 0;
  }
}
