export { runTool, parseToolJson, type ToolEnv } from './run.js';
export { configGet } from './config.js';
export { statusSet, applicationStatusSet, applicationVersionSet } from './status.js';
export { relationGet, relationSet, relationIds, relationList } from './relation.js';
export { isLeader, leaderGet, leaderSet } from './leader.js';
export { actionGet, actionGetYaml, actionSet, actionFail, actionLog } from './action.js';
export {
  openPort,
  closePort,
  openedPorts,
  unitGet,
  resourceGet,
  networkGet,
  networkGetText,
  NetworkInfoSchema,
  NetworkValueSchema,
  type NetworkGetOptions,
  type NetworkValue,
} from './network.js';
export { storageList, storageGet, storageAdd } from './storage.js';
export { goalState, goalStateYaml, GoalStateSchema, type GoalState } from './goal-state.js';
export { jujuReboot } from './reboot.js';
export { forwardToJujuLog, jujuLog, type JujuLogLevel } from './log.js';
export {
  secretAdd,
  secretSet,
  secretGet,
  secretGetYaml,
  secretGrant,
  secretRevoke,
  secretRemove,
  secretIds,
  secretIdsYaml,
  secretInfoGet,
  secretInfoGetYaml,
  SecretInfoSchema,
  type SecretContent,
  type SecretInfo,
  type SecretMetadataOptions,
} from './secret.js';
