import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { containerLabel, formatPortBinding, pullPolicyOf, type ContainerDefinition, type PullPolicy } from '@lucky/core';
import { KIT_BIN } from './client-kit.js';
import { containerLabels, containerName } from './labels.js';
import { userMounts, type Mount } from './mounts.js';

/** Docker's PATH when an image sets none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Bump when the way a definition becomes a container changes, so every container is recreated once. */
const SPEC_FORMAT = 1;

/** What every container of a unit shares. */
export interface SpecContext {
  readonly unit: string;
  readonly dataDir: string;
  /** What `lucky` inside needs to reach the daemon (the runtime's `clientEnvironment`). */
  clientEnv(key: string): Readonly<Record<string, string>>;
  /** Lucky's mounts: socket directory, container scripts, client kit. */
  readonly luckyMounts: readonly Mount[];
  /** Extra labels put on every container (plugin option, LUCKY_DOCKER_LABELS). */
  readonly labels: Readonly<Record<string, string>>;
  /** Host address published ports bind to; '' for every address (see host-ip.ts). */
  readonly hostIp?: string | undefined;
}

/** One definition, resolved into what the engine gets. */
export interface ContainerSpec {
  /** Definition key ('' = default container). */
  readonly key: string;
  /** How Lucky names it to people: its `-c` name or `default`. */
  readonly display: string;
  /** Engine-side container name. */
  readonly name: string;
  readonly image: string;
  readonly pull: boolean;
  /** When the image is pulled (pull-policy.ts). */
  readonly pullPolicy: PullPolicy;
  /** Hash of the definition and of every mount; equal hash, same container. */
  readonly hash: string;
  /** All mounts, the user's first. */
  readonly mounts: readonly Mount[];
  /** The engine's create options, given the image's own PATH. */
  createOptions(imagePath: string | undefined): Docker.ContainerCreateOptions;
}

/** JSON with object keys sorted, so equal content hashes equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The hash label of a definition with its mounts (the pull policy is not part of the container). */
export function specHash(
  definition: ContainerDefinition,
  mounts: readonly Mount[],
  clientEnv: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
  hostIp = '',
): string {
  const content = {
    format: SPEC_FORMAT,
    image: definition.image,
    env: definition.env,
    entrypoint: definition.entrypoint,
    command: definition.command,
    ports: definition.ports.map(formatPortBinding).sort(),
    network: definition.network,
    volumes: definition.volumes,
    mounts: mounts.map((m) => [m.target, m.source, m.readOnly]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    client: clientEnv,
    labels,
    // Only when set, so containers published on every address keep their hash.
    ...(hostIp !== '' ? { hostIp } : {}),
  };
  return createHash('sha256').update(canonical(content)).digest('hex').slice(0, 32);
}

export function containerSpec(key: string, definition: ContainerDefinition, context: SpecContext): ContainerSpec {
  const mounts = [...userMounts(definition, context.dataDir), ...context.luckyMounts];
  const clientEnv = context.clientEnv(key);
  const hostIp = context.hostIp ?? '';
  const hash = specHash(definition, mounts, clientEnv, context.labels, hostIp);
  const name = containerName(context.unit, key);
  return {
    key,
    display: containerLabel(key),
    name,
    image: definition.image,
    pull: definition.pull,
    pullPolicy: pullPolicyOf(definition),
    hash,
    mounts,
    createOptions(imagePath) {
      const env: Record<string, string> = { ...definition.env };
      env.PATH = `${definition.env.PATH ?? imagePath ?? DEFAULT_PATH}:${KIT_BIN}`;
      env.LUCKY_CONTEXT = 'client';
      Object.assign(env, clientEnv);
      const exposed: Record<string, object> = {};
      const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
      for (const port of definition.ports) {
        const slot = `${port.containerPort}/${port.protocol}`;
        exposed[slot] = {};
        (bindings[slot] ??= []).push({ HostIp: hostIp, HostPort: String(port.hostPort) });
      }
      return {
        name,
        Image: definition.image,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        ...(definition.entrypoint !== null ? { Entrypoint: [definition.entrypoint] } : {}),
        ...(definition.command !== null ? { Cmd: [...definition.command] } : {}),
        Labels: containerLabels(context.labels, context.unit, key, hash),
        ExposedPorts: exposed,
        HostConfig: {
          Mounts: mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
          PortBindings: bindings,
          RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
          // A tiny init as PID 1 forwards SIGTERM and reaps zombies, so a recreate stops the
          // old container at once instead of waiting out the stop timeout.
          Init: true,
          ...(definition.network !== null ? { NetworkMode: definition.network } : {}),
        },
      };
    },
  };
}
