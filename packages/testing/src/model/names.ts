/** Juju entity names and the file names derived from them (shared by host and tools). */

const APPLICATION = '[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*';
const APPLICATION_RE = new RegExp(`^${APPLICATION}$`);
const UNIT_RE = new RegExp(`^(${APPLICATION})/(0|[1-9][0-9]*)$`);

export function isValidApplication(name: string): boolean {
  return APPLICATION_RE.test(name);
}

export function isValidUnit(name: string): boolean {
  return UNIT_RE.test(name);
}

/** `myapp/0` → `myapp`. */
export function unitApplication(unit: string): string {
  const slash = unit.lastIndexOf('/');
  return slash === -1 ? unit : unit.slice(0, slash);
}

/** `my-app/0` → `unit-my-app-0`, Juju's unit tag (used for agent and log file names). */
export function unitTag(unit: string): string {
  return `unit-${unit.replace('/', '-')}`;
}

/** `unit-my-app-0` → `my-app/0`, or null when it is not a unit tag. */
export function unitFromTag(tag: string): string | null {
  const match = /^unit-(.+)-(0|[1-9][0-9]*)$/.exec(tag);
  if (!match) return null;
  const unit = `${match[1]}/${match[2]}`;
  return isValidUnit(unit) ? unit : null;
}

/**
 * The agent socket address of a unit. It embeds the model directory, which is how a
 * tool process finds the model, the same way jujuc finds its agent through
 * JUJU_AGENT_SOCKET_ADDRESS.
 */
export function agentSocketAddress(modelDir: string, unit: string): string {
  return `@${modelDir}/agents/${unitTag(unit)}/agent.socket`;
}

export function parseAgentSocketAddress(address: string): { modelDir: string; unit: string } | null {
  const match = /^@(\/.*)\/agents\/([^/]+)\/agent\.socket$/.exec(address);
  if (!match || match[1] === undefined || match[2] === undefined) return null;
  const unit = unitFromTag(match[2]);
  return unit === null ? null : { modelDir: match[1], unit };
}
