/**
 * A client of the local Docker engine, for the simulator's own Docker calls (workload
 * containers of Kubernetes charms, cleanup). dockerode is loaded on first use: with the
 * gRPC and protobuf modules it brings, it was some 170 modules, about half of what
 * `import '@lucky/testing'` (and so every `lucky sim` command) loaded, for models that
 * never touch Docker.
 */
import type Docker from 'dockerode';

export async function dockerEngine(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  return new DockerClient();
}
