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
