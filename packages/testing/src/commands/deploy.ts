import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim deploy <charm> [name] [-n units] [--config k=v]… [--resource name=value]…` */
export function simDeployCommand({ Command, Option, UsageError, parseKeyValues, SimCommand }: SimKit): CommandClass {
  return class SimDeployCommand extends SimCommand {
    static override paths = [['sim', 'deploy']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'deploy a charm directory into the local model and run its install hooks',
      details:
        "Runs, on each unit, the peer relation-created hooks, install, leader-elected (or leader-settings-changed), config-changed and start, through the charm's real dispatch file. The model directory is created on first use. A charm whose metadata declares containers deploys as a Kubernetes unit: each oci-image resource takes a local image (--resource name=image, never pulled), each workload container runs in Docker under its own Pebble, storage attaches after start, then <container>-pebble-ready runs for each container. A subordinate charm (subordinate: true) deploys without units, as in Juju (-n is refused): its units come with lucky sim relate to a principal application.",
      examples: [
        ['Two units of a charm', 'lucky sim deploy ./my-charm -n 2'],
        ['With config', 'lucky sim deploy ./my-charm web --config port=8080'],
        ['A Kubernetes (sidecar) charm with its workload image', 'lucky sim deploy ./my-k8s-charm --resource workload-image=busybox:1.36'],
      ],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    charm = Option.String({ name: 'charm' });
    name = Option.String({ required: false, name: 'name' });
    units = Option.String('-n,--num-units', { description: 'Number of units (default 1)' });
    config = Option.Array('--config', { description: 'key=value config, repeatable' });
    trust = Option.Boolean('--trust', false, { description: 'Let the charm read the cloud credential (credential-get)' });
    resource = Option.Array('--resource', { description: 'name=value: an image for an oci-image resource, else a file path; repeatable' });

    async execute(): Promise<number> {
      const { resolve } = await import('node:path');
      const units = this.units === undefined ? 1 : Number(this.units);
      if (!Number.isInteger(units) || units < 1) throw new UsageError(`Invalid --num-units "${this.units}": expected a whole number of at least 1`);
      const model = await this.openOrCreate();
      // What Juju accepts only with a coercion (a default written as a string…), as the build shows it.
      const { readCharmInfo } = await import('../charm-metadata.js');
      const info = await readCharmInfo(resolve(this.charm)).catch(() => undefined);
      for (const warning of info?.warnings ?? []) this.context.stderr.write(`Warning: ${warning}\n`);
      const outcomes = await model.deploy(resolve(this.charm), {
        ...(this.name === undefined ? {} : { name: this.name }),
        units,
        ...(this.config ? { config: parseKeyValues(this.config) } : {}),
        ...(this.resource ? { resources: parseKeyValues(this.resource) } : {}),
        ...(this.trust ? { trust: true } : {}),
      });
      return this.printOutcomes(outcomes);
    }
  };
}
