/**
 * Lucky's container model as Pebble layers: each workload container gets a layer
 * labelled `lucky` with one service named after the container and the checks
 * scripts declared. Pebble cannot delete a layer, a service or a check, so what
 * Lucky no longer defines is replaced by a disabled entry marked as removed.
 */
import type { ContainerDefinition } from '@lucky/core';
import type { CheckSpec, Layer, ServiceSpec } from '../client/index.js';
import { serviceCommand } from './command-line.js';
import { PEBBLE_DEFAULT_PATH, WORKLOAD_KIT_BIN } from './paths.js';
import type { CheckDefinition } from './plugin-state.js';

/** The label of Lucky's layer in every workload container. */
export const LAYER_LABEL = 'lucky';
/** Summaries mark the services of Lucky's layer in a plan, where layers are merged. */
const SERVICE_SUMMARY = 'Lucky container definition';
const REMOVED_SUMMARY = 'Lucky container definition (removed)';

/** Whether a planned service is one Lucky applied and has not removed. */
export function isLuckyService(service: ServiceSpec | undefined): boolean {
  return service?.summary === SERVICE_SUMMARY;
}

/** Whether a planned service is one Lucky neutralised. */
export function isRemovedService(service: ServiceSpec | undefined): boolean {
  return service?.summary === REMOVED_SUMMARY;
}

/**
 * `PATH` for the workload: the definition's own, else Pebble's default (Pebble
 * cannot see the image's), and Lucky's kit after it so that `lucky` is found.
 */
export function workloadPath(path: string | undefined): string {
  const base = path || PEBBLE_DEFAULT_PATH;
  return base.split(':').includes(WORKLOAD_KIT_BIN) ? base : `${base}:${WORKLOAD_KIT_BIN}`;
}

/** The service of a definition: replaced whole, started by replan, with the client's variables. */
export function serviceSpec(key: string, definition: ContainerDefinition, clientEnv: Readonly<Record<string, string>>): ServiceSpec {
  const environment: Record<string, string> = { ...definition.env, ...clientEnv };
  environment.PATH = workloadPath(definition.env.PATH);
  return {
    override: 'replace',
    summary: SERVICE_SUMMARY,
    command: serviceCommand(key, definition),
    startup: 'enabled',
    environment,
  };
}

/**
 * What a removed definition's service becomes: the same command (so the plan stays
 * valid and nothing new could run), never started by replan.
 */
export function removedServiceSpec(planned: ServiceSpec): ServiceSpec {
  return { override: 'replace', summary: REMOVED_SUMMARY, command: planned.command ?? 'true', startup: 'disabled' };
}

/** A declared check as Pebble's check; an exec check runs in the container's service context when there is one. */
export function checkSpec(check: CheckDefinition, serviceContext: string | undefined): CheckSpec {
  const spec: CheckSpec = { override: 'replace', period: check.period, threshold: check.threshold };
  if (check.level) spec.level = check.level;
  if (check.http) spec.http = { url: check.http.url };
  if (check.tcp) spec.tcp = { port: check.tcp.port, ...(check.tcp.host ? { host: check.tcp.host } : {}) };
  if (check.exec) spec.exec = { command: check.exec.command, ...(serviceContext ? { 'service-context': serviceContext } : {}) };
  return spec;
}

/** What a removed check becomes: a probe that always passes, not started again. */
export function removedCheckSpec(): CheckSpec {
  return { override: 'replace', startup: 'disabled', threshold: 1, exec: { command: 'true' } };
}

/** The `lucky` layer of one container, or undefined when there is nothing to add. */
export function containerLayer(parts: { services: Record<string, ServiceSpec>; checks: Record<string, CheckSpec> }): Layer | undefined {
  const layer: Layer = { summary: 'Lucky container definitions' };
  if (Object.keys(parts.services).length > 0) layer.services = parts.services;
  if (Object.keys(parts.checks).length > 0) layer.checks = parts.checks;
  return layer.services || layer.checks ? layer : undefined;
}
