/** The hook tools the simulator provides; one executable is generated per name. */
export const TOOL_NAMES = [
  'action-fail',
  'action-get',
  'action-log',
  'action-set',
  'application-version-set',
  'close-port',
  'config-get',
  'credential-get',
  'goal-state',
  'is-leader',
  'juju-log',
  'juju-reboot',
  'leader-get',
  'leader-set',
  'network-get',
  'open-port',
  'opened-ports',
  'relation-get',
  'relation-ids',
  'relation-list',
  'relation-set',
  'resource-get',
  'status-get',
  'status-set',
  'storage-add',
  'storage-get',
  'storage-list',
  'unit-get',
  'secret-add',
  'secret-get',
  'secret-grant',
  'secret-ids',
  'secret-info-get',
  'secret-remove',
  'secret-revoke',
  'secret-set',
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
