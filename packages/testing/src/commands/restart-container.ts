import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim restart-container <unit> <container>` */
export function simRestartContainerCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimRestartContainerCommand extends SimCommand {
    static override paths = [['sim', 'restart-container']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: "restart a Kubernetes unit's workload container (pod churn), then run <container>-pebble-ready again",
      details:
        "As when Kubernetes restarts a workload container: the Docker container is replaced by a fresh one from the container's image, and its Pebble starts afresh: an empty plan, no services, files written into the container gone (storage mounts and /charm/container stay). Then <container>-pebble-ready runs, and the charm has to set its services up again.",
      examples: [['Pod churn', 'lucky sim restart-container web/0 web']],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    unit = Option.String({ name: 'unit' });
    container = Option.String({ name: 'container' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).restartContainer(this.unit, this.container));
    }
  };
}
