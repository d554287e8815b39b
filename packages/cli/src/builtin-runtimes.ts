/**
 * The runtimes Lucky carries, by the name `runtime:` gives them in `lucky.yaml`.
 * Each is imported only when a charm selects it, so a unit without containers
 * never loads Docker's client.
 */
export const BUILTIN_RUNTIMES: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  docker: () => import('@lucky/plugin-docker'),
  pebble: () => import('@lucky/plugin-pebble'),
};
