import { Command, Option, UsageError } from 'clipanion';
import { ContainerCommand } from '../../context.js';

/** `lucky container set-command [-u] -- <command> [args…]` (CL-26). */
export class ContainerSetCommandCommand extends ContainerCommand {
  static override paths = [['container', 'set-command']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'set the command (arguments of the entrypoint) a container starts with',
    details: 'Use `--` before a command whose words start with `-`.',
    examples: [
      ['Serve files', 'lucky container set-command -- httpd -f -p 80'],
      ["Back to the image's", 'lucky container set-command --unset'],
    ],
  });

  unset = Option.Boolean('-u,--unset', false, { description: "Use the image's command" });
  command = Option.Rest({ name: 'command' });

  async execute(): Promise<number> {
    if (this.unset === this.command.length > 0) throw new UsageError('set-command takes either a command or --unset');
    await this.change('container.command.set', { container: this.container, command: this.unset ? null : this.command });
    return 0;
  }
}
