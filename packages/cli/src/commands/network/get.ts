import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { writeJson } from '../../output.js';
import { parseStructuredFormat } from '../structured-format.js';

/** `lucky network get <binding> [flags] [--format plain|json|yaml]`: Juju's `network-get`. */
export class NetworkGetCommand extends ClientCommand {
  static override paths = [['network', 'get']];
  static override usage = Command.Usage({
    category: 'Network',
    description: 'print the network config of a binding (an endpoint or extra-binding of the charm)',
    details: `
      Without flags: the binding's interfaces and addresses, its ingress addresses and egress subnets. With one flag,
      just that value; with several, a map of them. \`--primary-address\` (deprecated in Juju) must be alone.

      Plain output is Juju's: a single address as is, the egress subnets one per line, maps as YAML.
    `,
    examples: [
      ['The address to advertise on the website endpoint', 'lucky network get website --ingress-address'],
      ['The address to listen on', 'lucky network get website --bind-address'],
      ['Everything, as JSON', 'lucky network get db --format json'],
      ['For one relation', 'lucky network get db -r db:4 --egress-subnets'],
    ],
  });

  binding = Option.String({ name: 'binding' });
  relationId = Option.String('-r,--relation-id', { description: "Relation id, e.g. db:4 (default: the hook's relation)" });
  ingressAddress = Option.Boolean('--ingress-address', false, { description: 'The address to advertise for incoming connections' });
  bindAddress = Option.Boolean('--bind-address', false, { description: 'The address to listen on' });
  egressSubnets = Option.Boolean('--egress-subnets', false, { description: 'The subnets traffic from this unit comes from' });
  primaryAddress = Option.Boolean('--primary-address', false, { description: 'The first address of the binding (deprecated in Juju)' });
  formatOption = Option.String('--format', 'plain', { description: 'plain, json or yaml' });

  async execute(): Promise<number> {
    const format = parseStructuredFormat(this.formatOption);
    const result = await this.call('network.get', {
      binding: this.binding,
      relationId: this.relationId,
      ingressAddress: this.ingressAddress,
      bindAddress: this.bindAddress,
      egressSubnets: this.egressSubnets,
      primaryAddress: this.primaryAddress,
      ...(format === 'json' ? {} : { text: format === 'yaml' ? ('yaml' as const) : ('smart' as const) }),
    });
    if (format === 'json') writeJson(this.context.stdout, result.value);
    else this.context.stdout.write(result.text ?? '');
    return 0;
  }
}
