export { runTool, parseToolJson, type ToolEnv } from './run.js';
export { configGet } from './config.js';
export { statusSet } from './status.js';
export { relationGet, relationSet, relationIds, relationList } from './relation.js';
export { isLeader, leaderGet, leaderSet } from './leader.js';
export { openPort, closePort, openedPorts, unitGet, resourceGet } from './network.js';
export { jujuLog, type JujuLogLevel } from './log.js';
