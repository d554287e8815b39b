// A Pebble-compatible server (Pebble's REST API on a Unix socket) backed by a real Docker container.
export { startPebbleServer, defaultDockerSocket, PEBBLE_VERSION, type PebbleServer, type PebbleServerOptions, type PebbleServerEvent } from './server.js';
export { BUSYBOX, SERVER_LABEL, type ContainerMount } from './container.js';
export { splitCommand } from './plan.js';
