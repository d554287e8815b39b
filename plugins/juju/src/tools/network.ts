import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

/** `open-port <port>[/proto]` or a range; takes effect when the hook succeeds. */
export async function openPort(env: ToolEnv, port: string): Promise<void> {
  await runTool('open-port', [port], env);
}

export async function closePort(env: ToolEnv, port: string): Promise<void> {
  await runTool('close-port', [port], env);
}

/** `opened-ports --format=json`: `80/tcp`, `1000-2000/udp`, `icmp`. */
export async function openedPorts(env: ToolEnv): Promise<string[]> {
  return parseToolJson('opened-ports', await runTool('opened-ports', ['--format=json'], env), v.nullable(v.array(v.string()))) ?? [];
}

/** `unit-get --format=json private-address|public-address`. */
export async function unitGet(env: ToolEnv, key: 'private-address' | 'public-address'): Promise<string> {
  return parseToolJson('unit-get', await runTool('unit-get', ['--format=json', key], env), v.string());
}

/** `resource-get <name>`: the local path of an uploaded resource. */
export async function resourceGet(env: ToolEnv, name: string): Promise<string> {
  return (await runTool('resource-get', [name], env)).trim();
}

/** Which parts of a binding's network config `network-get` prints (none: everything). */
export interface NetworkGetOptions {
  readonly relationId?: string | undefined;
  readonly bindAddress?: boolean;
  readonly ingressAddress?: boolean;
  readonly egressSubnets?: boolean;
  /** Deprecated in Juju; must be the only flag. */
  readonly primaryAddress?: boolean;
}

const InterfaceAddress = v.object({ hostname: v.string(), value: v.string(), cidr: v.string() });

/** `network-get --format=json <binding>` without flags. */
export const NetworkInfoSchema = v.object({
  'bind-addresses': v.optional(v.array(v.object({ 'mac-address': v.string(), 'interface-name': v.string(), addresses: v.array(InterfaceAddress) }))),
  'egress-subnets': v.optional(v.array(v.string())),
  'ingress-addresses': v.optional(v.array(v.string())),
});

/** With flags: one value (an address, or the egress subnets), or a map of them when several were asked for. */
export const NetworkValueSchema = v.union([
  v.string(),
  v.array(v.string()),
  v.record(v.string(), v.union([v.string(), v.array(v.string())])),
  NetworkInfoSchema,
]);

export type NetworkValue = v.InferOutput<typeof NetworkValueSchema>;

function networkGetArgs(binding: string, options: NetworkGetOptions, format: 'json' | 'yaml' | 'smart'): string[] {
  const args = [`--format=${format}`];
  if (options.relationId !== undefined) args.push('-r', options.relationId);
  if (options.primaryAddress) args.push('--primary-address');
  if (options.bindAddress) args.push('--bind-address');
  if (options.ingressAddress) args.push('--ingress-address');
  if (options.egressSubnets) args.push('--egress-subnets');
  // `--` so that a binding name is never read as an option.
  args.push('--', binding);
  return args;
}

/** `network-get --format=json [flags] <binding>`: the binding's network config, or the values the flags ask for. */
export async function networkGet(env: ToolEnv, binding: string, options: NetworkGetOptions = {}): Promise<NetworkValue> {
  return parseToolJson('network-get', await runTool('network-get', networkGetArgs(binding, options, 'json'), env), NetworkValueSchema);
}

/** The same, in Juju's YAML (`yaml`) or its default rendering (`smart`: plain strings and lists, YAML for maps). */
export async function networkGetText(env: ToolEnv, binding: string, options: NetworkGetOptions, format: 'yaml' | 'smart'): Promise<string> {
  return runTool('network-get', networkGetArgs(binding, options, format), env);
}
