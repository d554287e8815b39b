/**
 * Port bindings under Kubernetes: the pod's ports are reached through the
 * application's service, where Juju exposes what the unit opened. So a binding
 * `80:80/tcp` becomes `open-port 80/tcp` (Juju's own tool, through the Juju
 * bridge), and a binding dropped closes its port again.
 */
import { ErrorCode, LuckyError, containerLabel, formatPortBinding, type ContainerDefinition, type HookContext } from '@lucky/core';
import { closePort, openPort, openedPorts } from '@lucky/plugin-juju';
import type { PebbleState } from './plugin-state.js';

/** Refuses a binding Kubernetes cannot make: the service exposes a port under its own number. */
export function checkPortBindings(key: string, definition: ContainerDefinition): void {
  const remapped = definition.ports.find((port) => port.hostPort !== port.containerPort);
  if (remapped) {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `Container "${containerLabel(key)}": the port binding ${formatPortBinding(remapped)} maps to another port, which Kubernetes cannot do (the application's service exposes the pod's port under its own number); use ${remapped.containerPort}:${remapped.containerPort}/${remapped.protocol}.`,
    );
  }
}

/** The ports the definitions want opened, as Juju writes them (`80/tcp`), sorted. */
export function wantedPorts(definitions: Readonly<Record<string, ContainerDefinition>>): string[] {
  const ports = new Set<string>();
  for (const definition of Object.values(definitions)) for (const port of definition.ports) ports.add(`${port.containerPort}/${port.protocol}`);
  return [...ports].sort();
}

/**
 * Opens the wanted ports Juju does not have open and closes those Lucky opened for
 * a binding that is gone; compares with `opened-ports`, since a failed hook drops
 * what it opened. Returns the ports Lucky now manages. Needs a hook (Juju's tools).
 */
export async function syncPorts(hook: HookContext, wanted: readonly string[], state: PebbleState): Promise<string[]> {
  const open = new Set(await openedPorts(hook.env));
  for (const port of wanted) if (!open.has(port)) await openPort(hook.env, port);
  for (const port of state.ports) if (!wanted.includes(port) && open.has(port)) await closePort(hook.env, port);
  return [...wanted];
}
