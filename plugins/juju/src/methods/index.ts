import type { MethodTypes } from '@lucky/core';
import { leaderMethods } from './leader.js';
import { portMethods } from './port.js';
import { relationMethods } from './relation.js';
import { unitMethods } from './unit.js';

/** Every method of the Juju bridge. */
export const jujuMethods = { ...relationMethods, ...leaderMethods, ...portMethods, ...unitMethods };

// Publishes the bridge's methods to typed clients (`DaemonClient.call('relation.get', …)`).
declare module '@lucky/core' {
  interface RpcMethods extends MethodTypes<typeof jujuMethods> {}
}
