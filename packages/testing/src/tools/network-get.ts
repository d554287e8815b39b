import { localEndpoint, relationsOf } from '../model/relations.js';
import { currentApplication, currentUnit } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { GoStruct, type GoValue } from './format.js';
import { boolOption, outputOptions, relationIdOption, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'network-get',
  args: '<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]',
  purpose: 'Get network config.',
  options: (context) => [
    ...outputOptions(),
    boolOption('primary-address'),
    boolOption('bind-address'),
    boolOption('ingress-address'),
    boolOption('egress-subnets'),
    relationIdOption(context),
  ],
  async run(context, parsed) {
    const [binding, ...rest] = parsed.args;
    if (binding === undefined) usageError('no arguments specified');
    if (binding === '') usageError('no binding name specified');
    const keys: string[] = [];
    if (parsed.bool('bind-address')) keys.push('bind-address');
    if (parsed.bool('ingress-address')) keys.push('ingress-address');
    if (parsed.bool('egress-subnets')) keys.push('egress-subnets');
    checkEmpty(rest);

    // Every endpoint of the charm, its extra-bindings, and the endpoints in use are bound
    // to the unit's one (loopback) address.
    const app = currentApplication(context);
    const bindings = new Set([...Object.keys(app.endpoints ?? {}), ...app.extraBindings]);
    for (const relation of relationsOf(context.model, context.appName)) {
      const endpoint = localEndpoint(relation, context.appName);
      if (endpoint) bindings.add(endpoint.name);
    }
    if (!bindings.has(binding)) runtimeError(`no network config found for binding ${JSON.stringify(binding)}`);

    const address = currentUnit(context).privateAddress;
    const cidr = `${address.split('.').slice(0, 3).join('.')}.0/24`;
    const egress = [`${address}/32`];
    if (parsed.bool('primary-address')) {
      if (keys.length > 0) runtimeError('--primary-address must be the only flag specified');
      await writeOutput(context, parsed, address);
      return;
    }
    if (keys.length === 0) {
      await writeOutput(context, parsed, networkInfo(address, cidr, egress));
      return;
    }
    const values: Record<string, GoValue> = {};
    if (keys.includes('egress-subnets')) values['egress-subnets'] = egress;
    if (keys.includes('ingress-address')) values['ingress-address'] = address;
    if (keys.includes('bind-address')) values['bind-address'] = address;
    await writeOutput(context, parsed, keys.length === 1 ? (values[keys[0] ?? ''] ?? null) : values);
  },
};

/** networkInfoResultDisplay: struct field order; the YAML form repeats legacy keys. */
function networkInfo(address: string, cidr: string, egress: string[]): GoValue {
  const addressInfo = new GoStruct([
    { name: 'hostname', value: '' },
    { name: 'value', value: address },
    { name: 'cidr', value: cidr },
    { name: 'address', value: address, only: 'yaml' },
  ]);
  const bindAddress = new GoStruct([
    { name: 'mac-address', value: '' },
    { name: 'interface-name', value: 'lo' },
    { name: 'addresses', value: [addressInfo] },
    { name: 'macaddress', value: '', only: 'yaml' },
    { name: 'interfacename', value: 'lo', only: 'yaml' },
  ]);
  return new GoStruct([
    { name: 'bind-addresses', value: [bindAddress], omitEmpty: true },
    { name: 'egress-subnets', value: egress, omitEmpty: true },
    { name: 'ingress-addresses', value: [address], omitEmpty: true },
  ]);
}
