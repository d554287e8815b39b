import { ErrorCode, LuckyError } from '../errors.js';
import type { PortBinding } from './schema.js';

// Docker's reference grammar (distribution/reference): [host[:port]/]path[:tag][@digest].
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
// As Docker decides: a first part is a registry host only with a dot, a port, or "localhost".
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const HOST = `(?:localhost(?::[0-9]+)?|${LABEL}(?:\\.${LABEL})+(?::[0-9]+)?|${LABEL}:[0-9]+|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)`;
const IMAGE_REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/** Refuses what Docker could never pull or run, before it reaches a definition. */
export function checkImageReference(image: string): void {
  if (image.length > 255 || !IMAGE_REFERENCE.test(image)) {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `Invalid image reference "${image}": expected [registry/]name[:tag][@sha256:digest] with a lower-case name, e.g. nginx:1.27 or registry.example:5000/team/app:v2`,
    );
  }
}

/** `host:container[/tcp|/udp]` (CL-30), ports 1-65535, protocol tcp by default. */
export function parsePortBinding(text: string): PortBinding {
  const match = /^(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(text);
  if (!match) {
    throw new LuckyError(ErrorCode.InvalidArgument, `Could not parse port binding "${text}": expected HOST:CONTAINER or HOST:CONTAINER/tcp|udp, e.g. 8080:80`);
  }
  const hostPort = Number(match[1]);
  const containerPort = Number(match[2]);
  for (const port of [hostPort, containerPort]) {
    if (port < 1 || port > 65535) throw new LuckyError(ErrorCode.InvalidArgument, `Invalid port number ${port} in "${text}": ports run from 1 to 65535`);
  }
  return { hostPort, containerPort, protocol: (match[3] ?? 'tcp') as 'tcp' | 'udp' };
}

export function formatPortBinding(binding: PortBinding): string {
  return `${binding.hostPort}:${binding.containerPort}/${binding.protocol}`;
}

/** A container path must be absolute; a source is an absolute host path or a volume name. */
export function checkVolume(source: string, target: string): void {
  if (!target.startsWith('/') || target.includes('\0')) {
    throw new LuckyError(ErrorCode.InvalidArgument, `Invalid volume target "${target}": the path inside the container must be absolute, e.g. /var/lib/app`);
  }
  if (source.startsWith('/')) return;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `Invalid volume source "${source}": give an absolute host path, or a volume name of letters, digits, ".", "_" and "-"`,
    );
  }
}

/** `host`, `bridge`, `none`, `container:<name>`, or a user network's name. */
export function checkNetwork(network: string): void {
  if (!/^(?:container:)?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(network)) {
    throw new LuckyError(ErrorCode.InvalidArgument, `Invalid network "${network}": expected host, bridge, none, container:<name> or a network name`);
  }
}
