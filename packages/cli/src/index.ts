export { createCli, main, COMMANDS } from './main.js';
export { commandKit, type LuckyCommandKit } from './command-kit.js';
export { ClientCommand, GetterCommand, ContainerCommand, ContainerGetterCommand } from './context.js';
export { DaemonCommand, type DaemonLocation } from './daemon-options.js';
export { ensureDaemon, DAEMON_NODE_FLAGS } from './daemon-starter.js';
export { parseKeyValues } from './key-value.js';
export { VERSION } from './version.js';
