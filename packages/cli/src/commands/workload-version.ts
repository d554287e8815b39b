import { Command, Option } from 'clipanion';
import { ClientCommand } from '../context.js';

/** `lucky workload-version <version>`: Juju's `application-version-set`. */
export class WorkloadVersionCommand extends ClientCommand {
  static override paths = [['workload-version']];
  static override usage = Command.Usage({
    category: 'Status',
    description: 'set the version of the workload software, shown by `juju status` in the Version column',
    details: 'Any string: a package version, a Git hash… It is not the charm revision. It takes effect at once (a failing hook keeps it).',
    examples: [
      ['Report a version', 'lucky workload-version 2.4.1'],
      ["Report the container image's version", 'lucky workload-version "$(lucky container image get | cut -d: -f2)"'],
    ],
  });

  version = Option.String({ name: 'version' });

  async execute(): Promise<number> {
    await this.call('application.version.set', { version: this.version });
    return 0;
  }
}
