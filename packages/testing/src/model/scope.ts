/**
 * Subordinates and container-scoped relations, as Juju models them: every charm has the
 * implicit `juju-info` provides endpoint; a relation is container-scoped when either of
 * its endpoints declares `scope: container`, and then only units of the same container
 * (a principal unit and its subordinates) see each other in it. Tool processes import
 * this: node builtins only.
 */
import type { EndpointInfo, ModelState, RelationState } from './schema.js';

/** The endpoint Juju adds to every application (state.Application.Endpoints). */
export const IMPLICIT_ENDPOINT = 'juju-info';
const IMPLICIT_INFO: EndpointInfo = { role: 'provides', interface: 'juju-info' };

/** An application's endpoint by name: the declared one, else the implicit `juju-info`. */
export function endpointInfo(model: ModelState, app: string, name: string): EndpointInfo | undefined {
  const endpoints = model.applications[app]?.endpoints;
  const declared = endpoints && Object.hasOwn(endpoints, name) ? endpoints[name] : undefined;
  return declared ?? (name === IMPLICIT_ENDPOINT ? IMPLICIT_INFO : undefined);
}

/** Juju's Endpoint.IsImplicit: a provides endpoint of a `juju-*` interface. */
export function isImplicit(info: EndpointInfo): boolean {
  return info.role === 'provides' && info.interface.startsWith('juju-');
}

/** Whether either endpoint of the relation declares `scope: container` (Juju then gives both that scope). */
export function isContainerScoped(model: ModelState, relation: RelationState): boolean {
  return relation.endpoints.some((endpoint) => endpointInfo(model, endpoint.application, endpoint.name)?.scope === 'container');
}

export function isSubordinateApplication(model: ModelState, app: string): boolean {
  return model.applications[app]?.subordinate === true;
}

/** The unit whose container `unit` runs in: its principal for a subordinate, else itself. */
export function containerOf(model: ModelState, unit: string): string {
  const principal = model.units[unit]?.principal;
  return principal === undefined || principal === '' ? unit : principal;
}

/** Whether `x` and `y` can see each other in `relation`: always for a global relation, in the same container for a container-scoped one. */
export function sharesScope(model: ModelState, relation: RelationState, x: string, y: string): boolean {
  return !isContainerScoped(model, relation) || containerOf(model, x) === containerOf(model, y);
}

/** The subordinate units running in `principal`'s container. */
export function subordinatesOf(model: ModelState, principal: string): string[] {
  return Object.keys(model.units).filter((unit) => model.units[unit]?.principal === principal);
}

/**
 * Whether `unit` takes part in `relation` (gets its hooks, lists its id): a subordinate
 * unit takes part in a container-scoped relation only when the other side is its
 * principal's application or has a unit in its container, as Juju's uniter watches
 * only those. Every other unit of a related application takes part.
 */
export function participates(model: ModelState, relation: RelationState, unit: string): boolean {
  const principal = model.units[unit]?.principal;
  if (principal === undefined || principal === '' || !isContainerScoped(model, relation)) return true;
  const own = model.units[unit]?.application;
  const other = relation.endpoints.find((endpoint) => endpoint.application !== own)?.application;
  if (other === undefined) return true;
  if (model.units[principal]?.application === other) return true;
  return Object.keys(model.units).some((name) => model.units[name]?.application === other && containerOf(model, name) === principal);
}
