import { workloadHookVariables } from './kubernetes/hook-context.js';
import { secretHookVariables } from './secrets/hook-context.js';
import { actionHookVariables } from './actions/hook-vars.js';
import { kindHookVariables } from './hook-env-kinds.js';
import { agentSocketAddress, unitApplication } from './model/names.js';
import { localEndpoint } from './model/relations.js';
import type { HookContextState, ModelState } from './model/schema.js';

export const JUJU_VERSION = '3.6.8';

const WORKLOAD_HOOK = /^(.+)-pebble-(?:ready|custom-notice|check-failed|check-recovered)$/;

/**
 * Variables of the calling environment that hooks, and the unit daemons they start,
 * keep: on a real machine they are machine settings, not Juju's. `DOCKER_HOST` says
 * which Docker engine the Docker runtime talks to (a test's engine, rootless Docker).
 */
export const PASS_THROUGH_VARIABLES = ['DOCKER_HOST'] as const;

/** The pass-through variables that are set in `env` (the calling process's by default). */
export function passThroughEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASS_THROUGH_VARIABLES) {
    const value = env[name];
    if (value) out[name] = value;
  }
  return out;
}

/**
 * The environment Juju 3.6 gives a hook (`HookContext.HookVars` plus the Ubuntu
 * OS variables). Nothing else is inherited from the caller except PATH, which gets the
 * tools directory in front, as the tools dir of a unit agent does, and the
 * PASS_THROUGH_VARIABLES (DOCKER_HOST) that are set.
 */
export function hookEnvironment(model: ModelState, modelDir: string, toolsDir: string, context: HookContextState): Record<string, string> {
  const app = model.applications[unitApplication(context.unit)];
  const unit = model.units[context.unit];
  if (!app || !unit) throw new Error(`unit ${context.unit} is not in the model`);
  const env: Record<string, string> = {
    CHARM_DIR: app.charmDir,
    JUJU_CHARM_DIR: app.charmDir,
    JUJU_CONTEXT_ID: context.id,
    JUJU_HOOK_NAME: context.hook,
    JUJU_DISPATCH_PATH: `hooks/${context.hook}`,
    JUJU_AGENT_SOCKET_ADDRESS: agentSocketAddress(modelDir, context.unit),
    JUJU_AGENT_SOCKET_NETWORK: 'unix',
    JUJU_UNIT_NAME: context.unit,
    JUJU_MODEL_UUID: model.uuid,
    JUJU_MODEL_NAME: model.name,
    JUJU_API_ADDRESSES: '127.0.0.1:17070',
    JUJU_MACHINE_ID: unit.machineId,
    // A subordinate's principal unit (`web/0`); '' for a principal.
    JUJU_PRINCIPAL_UNIT: unit.principal ?? '',
    JUJU_AVAILABILITY_ZONE: '',
    JUJU_VERSION,
    // Juju 3's SLA level of the model; `unsupported` unless the model was given one.
    JUJU_SLA: 'unsupported',
    CLOUD_API_VERSION: '',
    JUJU_CHARM_HTTP_PROXY: '',
    JUJU_CHARM_HTTPS_PROXY: '',
    JUJU_CHARM_FTP_PROXY: '',
    JUJU_CHARM_NO_PROXY: '',
    PATH: `${toolsDir}:${process.env.PATH ?? ''}`,
    LANG: 'C.UTF-8',
    TERM: 'tmux-256color',
    DEBIAN_FRONTEND: 'noninteractive',
    APT_LISTCHANGES_FRONTEND: 'none',
    ...passThroughEnvironment(),
    // Not Juju's: the simulator's units share one Docker engine, so each unit's daemon
    // publishes container ports on the unit's own address (plugins/docker/src/host-ip.ts).
    LUCKY_DOCKER_HOST_IP: unit.privateAddress,
  };
  const relation = context.relationId === null ? undefined : model.relations[String(context.relationId)];
  if (relation) {
    const endpoint = localEndpoint(relation, unit.application)?.name ?? '';
    env.JUJU_RELATION = endpoint;
    env.JUJU_RELATION_ID = `${endpoint}:${relation.id}`;
    env.JUJU_REMOTE_UNIT = context.remoteUnit;
    env.JUJU_REMOTE_APP = context.remoteApp;
    if (context.departingUnit !== '') env.JUJU_DEPARTING_UNIT = context.departingUnit;
  }
  const storage = context.storageId === '' ? undefined : model.storage[context.storageId];
  if (storage) {
    env.JUJU_STORAGE_ID = context.storageId;
    env.JUJU_STORAGE_LOCATION = storage.location;
    env.JUJU_STORAGE_KIND = storage.kind;
  }
  Object.assign(env, kindHookVariables(context.hook));
  const workload = WORKLOAD_HOOK.exec(context.hook);
  if (workload?.[1]) env.JUJU_WORKLOAD_NAME = workload[1];
  Object.assign(env, workloadHookVariables(context));
  Object.assign(env, secretHookVariables(context));
  Object.assign(env, actionHookVariables(context));
  return env;
}
