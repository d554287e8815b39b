/**
 * What a tool process knows: the hook context named by JUJU_CONTEXT_ID and the model
 * behind the agent socket address, checked the way jujud and the unit agent do.
 */
import { parseAgentSocketAddress, unitApplication } from '../model/names.js';
import { localEndpoint, relationKey } from '../model/relations.js';
import type { ApplicationState, HookContextState, ModelState, RelationState, UnitState } from '../model/schema.js';
import { listContexts, readContext, readModel, withModelLock, writeContext } from '../model/store.js';
import { runtimeError } from './errors.js';

export interface ToolContext {
  readonly modelDir: string;
  readonly contextId: string;
  readonly unitName: string;
  readonly appName: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Snapshots taken when the tool started; writers re-read under the lock. */
  readonly hook: HookContextState;
  readonly model: ModelState;
}

export async function openToolContext(env: NodeJS.ProcessEnv, cwd: string): Promise<ToolContext> {
  const contextId = requireEnv(env, 'JUJU_CONTEXT_ID');
  const address = requireEnv(env, 'JUJU_AGENT_SOCKET_ADDRESS');
  const network = requireEnv(env, 'JUJU_AGENT_SOCKET_NETWORK');
  const refused = `dial ${network} ${address}: connect: connection refused`;
  const agent = network === 'unix' ? parseAgentSocketAddress(address) : null;
  if (!agent) runtimeError(refused);
  const hook = await readContext(agent.modelDir, contextId).catch(() => null);
  if (!hook || hook.unit !== agent.unit) {
    // The agent only serves the hook it is running: any other id is refused.
    const active = (await listContexts(agent.modelDir).catch(() => [])).find((context) => context.unit === agent.unit);
    if (active) runtimeError(`bad request: expected context id ${JSON.stringify(active.id)}, got ${JSON.stringify(contextId)}`);
    runtimeError(refused);
  }
  const model = await readModel(agent.modelDir).catch(() => runtimeError(refused));
  if (!model.units[agent.unit]) runtimeError(refused);
  return { modelDir: agent.modelDir, contextId, unitName: agent.unit, appName: unitApplication(agent.unit), cwd, env, hook, model };
}

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') runtimeError(`${name} not set`);
  return value;
}

export function currentUnit(context: ToolContext): UnitState {
  return context.model.units[context.unitName] ?? runtimeError(`unit ${JSON.stringify(context.unitName)} not found`);
}

export function currentApplication(context: ToolContext): ApplicationState {
  return context.model.applications[context.appName] ?? runtimeError(`application ${JSON.stringify(context.appName)} not found`);
}

export function isLeader(context: ToolContext): boolean {
  return context.model.applications[context.appName]?.leader === context.unitName;
}

/** A relation this unit's application takes part in. */
export function findRelation(context: ToolContext, id: number): RelationState | undefined {
  const relation = context.model.relations[String(id)];
  return relation && localEndpoint(relation, context.appName) ? relation : undefined;
}

/** The hook's own relation (relation hooks only). */
export function hookRelation(context: ToolContext): RelationState | undefined {
  return context.hook.relationId === null ? undefined : findRelation(context, context.hook.relationId);
}

export function hookRelationKey(context: ToolContext): string | undefined {
  const relation = hookRelation(context);
  return relation ? relationKey(relation, context.appName) : undefined;
}

/**
 * Changes the buffered state of this hook under the model lock. The context is
 * re-read inside the lock so concurrent tool processes never lose each other's edits;
 * a context that ended meanwhile behaves like the agent closing its socket.
 */
export async function updateHookContext(context: ToolContext, fn: (hook: HookContextState) => void): Promise<void> {
  await withModelLock(context.modelDir, async () => {
    const hook = await readContext(context.modelDir, context.contextId);
    if (!hook) runtimeError(`dial unix ${context.env.JUJU_AGENT_SOCKET_ADDRESS ?? ''}: connect: connection refused`);
    fn(hook);
    await writeContext(context.modelDir, hook);
  });
}

/** Whether the context runs an action (`actions/<name>`) rather than a hook: action contexts carry their action. */
export function isActionContext(context: ToolContext): boolean {
  const hook = context.hook as HookContextState & { action?: unknown };
  return hook.action !== undefined && hook.action !== null;
}
