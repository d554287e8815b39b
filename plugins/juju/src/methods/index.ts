import type { MethodTypes } from '@lucky/core';
import { leaderMethods } from './leader.js';
import { actionMethods } from './action.js';
import { portMethods } from './port.js';
import { relationMethods } from './relation.js';
import { unitMethods } from './unit.js';
import { applicationStatusMethods } from './status.js';
import { networkMethods } from './network.js';
import { storageMethods } from './storage.js';
import { goalStateMethods } from './goal-state.js';
import { rebootMethods } from './reboot.js';
import { logMethods } from './log.js';
import { secretMethods } from './secret.js';

/** Every method of the Juju bridge. */
export const jujuMethods = {
  ...relationMethods,
  ...leaderMethods,
  ...actionMethods,
  ...portMethods,
  ...unitMethods,
  ...applicationStatusMethods,
  ...networkMethods,
  ...storageMethods,
  ...goalStateMethods,
  ...rebootMethods,
  ...logMethods,
  ...secretMethods,
};

// Publishes the bridge's methods to typed clients (`DaemonClient.call('relation.get', …)`).
declare module '@lucky/core' {
  interface RpcMethods extends MethodTypes<typeof jujuMethods> {}
}
