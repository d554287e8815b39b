import { SimulatorError } from '../errors.js';
import type { EndpointInfo, ModelState, RelationState } from '../model/schema.js';
import { endpointInfo, IMPLICIT_ENDPOINT, isImplicit, isSubordinateApplication } from '../model/scope.js';

/** `app` or `app:endpoint`, as `juju integrate` takes them. */
export interface EndpointSpec {
  readonly app: string;
  readonly endpoint: string | undefined;
}

export interface ResolvedEndpoint {
  readonly app: string;
  readonly endpoint: string;
  readonly info: EndpointInfo;
}

export function parseEndpointSpec(spec: string): EndpointSpec {
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((part) => part === ''))
    throw new SimulatorError(`Expected "application" or "application:endpoint", got ${JSON.stringify(spec)}.`);
  return { app: parts[0] ?? '', endpoint: parts[1] };
}

export function formatEndpoint(endpoint: { readonly app: string; readonly endpoint: string }): string {
  return `${endpoint.app}:${endpoint.endpoint}`;
}

function endpointsOf(model: ModelState, app: string): Record<string, EndpointInfo> {
  const state = model.applications[app];
  if (!state) throw new SimulatorError(`Application ${app} does not exist (applications: ${Object.keys(model.applications).sort().join(', ') || 'none'}).`);
  return state.endpoints ?? {};
}

function candidates(model: ModelState, spec: EndpointSpec): ResolvedEndpoint[] {
  const endpoints = endpointsOf(model, spec.app);
  if (spec.endpoint === undefined) {
    const declared = Object.entries(endpoints)
      .filter(([, info]) => info.role !== 'peers')
      .map(([endpoint, info]) => ({ app: spec.app, endpoint, info }));
    // Juju's implicit juju-info endpoint, unless the charm declares an endpoint of that name (which then wins, as in Juju).
    const implicit = Object.hasOwn(endpoints, IMPLICIT_ENDPOINT)
      ? []
      : [{ app: spec.app, endpoint: IMPLICIT_ENDPOINT, info: endpointInfo(model, spec.app, IMPLICIT_ENDPOINT)! }];
    return [...declared, ...implicit];
  }
  const info = endpointInfo(model, spec.app, spec.endpoint);
  if (!info) {
    throw new SimulatorError(`Application ${spec.app} has no endpoint "${spec.endpoint}" (endpoints: ${Object.keys(endpoints).sort().join(', ') || 'none'}).`);
  }
  if (info.role === 'peers') throw new SimulatorError(`${spec.app}:${spec.endpoint} is a peer endpoint; peer relations are created at deploy.`);
  return [{ app: spec.app, endpoint: spec.endpoint, info }];
}

function compatible(a: ResolvedEndpoint, b: ResolvedEndpoint): boolean {
  return a.info.interface === b.info.interface && a.info.role !== b.info.role;
}

/** Juju's containerScopeOk: a container-scoped relation needs a subordinate on one side. */
function containerScopeOk(model: ModelState, a: ResolvedEndpoint, b: ResolvedEndpoint): boolean {
  if (a.info.scope !== 'container' && b.info.scope !== 'container') return true;
  return isSubordinateApplication(model, a.app) || isSubordinateApplication(model, b.app);
}

/**
 * The pair of endpoints `juju integrate a b` would relate: explicit endpoints are
 * checked, omitted ones inferred from the one provides/requires pair whose interfaces
 * match. Refuses a mismatch with the reason.
 */
export function resolveRelationEndpoints(model: ModelState, a: string, b: string): [ResolvedEndpoint, ResolvedEndpoint] {
  const first = parseEndpointSpec(a);
  const second = parseEndpointSpec(b);
  if (first.app === second.app) throw new SimulatorError(`Cannot relate ${first.app} to itself; peer relations are created at deploy.`);
  const left = candidates(model, first);
  const right = candidates(model, second);
  const matching: [ResolvedEndpoint, ResolvedEndpoint][] = [];
  for (const x of left) for (const y of right) if (compatible(x, y)) matching.push([x, y]);
  const pairs = matching.filter(([x, y]) => containerScopeOk(model, x, y));
  const [refused] = matching;
  if (pairs.length === 0 && refused) {
    throw new SimulatorError(
      `Cannot relate ${formatEndpoint(refused[0])} to ${formatEndpoint(refused[1])}: container scoped relation requires at least one subordinate application.`,
    );
  }
  if (pairs.length === 1 && pairs[0]) return pairs[0];
  // Juju's InferEndpoints: when ambiguous, pairs using an implicit endpoint (juju-info) drop out.
  const explicit = pairs.filter(([x, y]) => !isImplicit(x.info) && !isImplicit(y.info));
  if (pairs.length > 1 && explicit.length === 1 && explicit[0]) return explicit[0];
  if (pairs.length > 1) {
    const listed = pairs.map(([x, y]) => `${formatEndpoint(x)} ${formatEndpoint(y)}`).join(', ');
    throw new SimulatorError(`Ambiguous relation between ${a} and ${b}: name the endpoints, one of: ${listed}.`);
  }
  // The mismatch is explained in terms of what the charms declare.
  const declaredLeft = left.filter((e) => first.endpoint !== undefined || Object.hasOwn(endpointsOf(model, e.app), e.endpoint));
  const declaredRight = right.filter((e) => second.endpoint !== undefined || Object.hasOwn(endpointsOf(model, e.app), e.endpoint));
  const [x] = declaredLeft;
  const [y] = declaredRight;
  if (declaredLeft.length === 1 && declaredRight.length === 1 && x && y) {
    const describe = (e: ResolvedEndpoint) => `${formatEndpoint(e)} (${e.info.role}, interface ${e.info.interface})`;
    const reason = x.info.interface !== y.info.interface ? 'their interfaces differ' : `both are ${x.info.role} endpoints`;
    throw new SimulatorError(`Cannot relate ${describe(x)} to ${describe(y)}: ${reason}.`);
  }
  throw new SimulatorError(`No matching endpoints between ${a} and ${b}: a relation needs a provides and a requires endpoint with the same interface.`);
}

/** Whether a relation endpoint matches a spec (`app` or `app:endpoint`). */
function matches(endpoint: { readonly application: string; readonly name: string }, spec: EndpointSpec): boolean {
  return endpoint.application === spec.app && (spec.endpoint === undefined || endpoint.name === spec.endpoint);
}

/** The relation `juju remove-relation a b` means; refuses none, several, or a peer relation. */
export function findRelation(model: ModelState, a: string, b: string, dying: readonly number[]): RelationState {
  const first = parseEndpointSpec(a);
  const second = parseEndpointSpec(b);
  endpointsOf(model, first.app);
  endpointsOf(model, second.app);
  if (first.app === second.app) throw new SimulatorError(`Peer relations cannot be removed: ${first.app} relates to itself only through its peer endpoints.`);
  const found = Object.values(model.relations).filter((relation) => {
    if (dying.includes(relation.id)) return false;
    const [x, y] = relation.endpoints;
    if (!x || !y) return false;
    return (matches(x, first) && matches(y, second)) || (matches(x, second) && matches(y, first));
  });
  const [only] = found;
  if (found.length === 1 && only) return only;
  if (found.length === 0) throw new SimulatorError(`There is no relation between ${a} and ${b}.`);
  const listed = found.map((relation) => relation.endpoints.map((e) => `${e.application}:${e.name}`).join(' ')).join(', ');
  throw new SimulatorError(`Ambiguous: ${a} and ${b} are related more than once (${listed}); name the endpoints.`);
}
