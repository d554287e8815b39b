/**
 * Port ranges as Juju's `core/network.PortRange`: parsing, formatting, ordering, and
 * the per-hook open/close recorder (`runner/context/ports.go`), with the same messages.
 */

export interface PortRange {
  readonly from: number;
  readonly to: number;
  readonly protocol: string;
}

/** Endpoint name ('' = all endpoints) → port range strings. */
export type GroupedPortRanges = Record<string, string[]>;

/** Go's strconv.Atoi, including its error text. */
export function atoi(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

/** ParsePortRange: `80`, `80/udp`, `1000-2000/tcp`, `icmp`; validated. */
export function parsePortRange(input: string): PortRange {
  let protocol = 'tcp';
  let ports = input;
  const slash = input.indexOf('/');
  if (slash !== -1) {
    ports = input.slice(0, slash);
    protocol = input.slice(slash + 1);
  }
  const parts = ports.split('-');
  let from: number;
  let to: number;
  if (parts.length > 2) throw new Error(`invalid port range ${JSON.stringify(ports)}`);
  if (parts.length === 1) {
    if (parts[0] === 'icmp') {
      from = to = -1;
    } else {
      from = to = annotatedAtoi(parts[0] ?? '', ports);
    }
  } else {
    from = annotatedAtoi(parts[0] ?? '', parts[0] ?? '');
    to = annotatedAtoi(parts[1] ?? '', parts[1] ?? '');
  }
  if (from === -1) protocol = 'icmp';
  const range = { from, to, protocol };
  validatePortRange(range);
  return range;
}

function annotatedAtoi(text: string, label: string): number {
  try {
    return atoi(text);
  } catch (error) {
    throw new Error(`invalid port ${JSON.stringify(label)}: ${(error as Error).message}`, { cause: error });
  }
}

export function validatePortRange(range: PortRange): void {
  const protocol = range.protocol.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') {
    throw new Error(`invalid protocol ${JSON.stringify(protocol)}, expected "tcp", "udp", or "icmp"`);
  }
  if (protocol === 'icmp') {
    if (range.from === range.to && range.from === -1) return;
    throw new Error(`protocol "icmp" doesn't support any ports; got "${range.from}"`);
  }
  if (range.from > range.to) throw new Error(`invalid port range ${formatPortRange(range)}`);
  if (range.from < 0 || range.from > 65535 || range.to < 0 || range.to > 65535) {
    throw new Error(`port range bounds must be between 0 and 65535, got ${range.from}-${range.to}`);
  }
}

export function formatPortRange(range: PortRange): string {
  const protocol = range.protocol.toLowerCase();
  if (protocol === 'icmp') return protocol;
  return range.from === range.to ? `${range.from}/${protocol}` : `${range.from}-${range.to}/${protocol}`;
}

/** Sort order of `opened-ports`: protocol, then first port, then last port. */
export function comparePortRanges(a: PortRange, b: PortRange): number {
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  if (a.from !== b.from) return a.from - b.from;
  return a.to - b.to;
}

function conflicts(a: PortRange, b: PortRange): boolean {
  return a.protocol === b.protocol && a.to >= b.from && b.to >= a.from;
}

function same(a: PortRange, b: PortRange): boolean {
  return a.protocol === b.protocol && a.from === b.from && a.to === b.to;
}

/** The unique ranges of a group, sorted (what `opened-ports` prints). */
export function uniquePortRanges(group: GroupedPortRanges): PortRange[] {
  const seen = new Map<string, PortRange>();
  for (const ranges of Object.values(group)) {
    for (const text of ranges) seen.set(text, parsePortRange(text));
  }
  return [...seen.values()].sort(comparePortRanges);
}

class AlreadyExists extends Error {}

function checkForConflict(endpoint: string, range: PortRange, unit: string, existing: GroupedPortRanges, againstPending: boolean): void {
  for (const [existingEndpoint, texts] of Object.entries(existing)) {
    for (const text of texts) {
      const other = parsePortRange(text);
      if (!conflicts(range, other)) continue;
      if (same(range, other)) {
        // Same range for another endpoint is a legal, separate opening.
        if (endpoint !== existingEndpoint) continue;
        throw new AlreadyExists();
      }
      const detail = againstPending ? ' requested earlier' : '';
      throw new Error(`port range conflicts with ${formatPortRange(other)} (unit ${JSON.stringify(unit)})${detail}`);
    }
  }
}

function removeRange(group: GroupedPortRanges, endpoint: string, range: PortRange): void {
  const list = group[endpoint];
  if (!list) return;
  const index = list.findIndex((text) => same(parsePortRange(text), range));
  if (index !== -1) list.splice(index, 1);
  if (list.length === 0) delete group[endpoint];
}

function addRange(group: GroupedPortRanges, endpoint: string, range: PortRange): void {
  (group[endpoint] ??= []).push(formatPortRange(range));
}

export interface PortChanges {
  readonly openPorts: GroupedPortRanges;
  readonly closePorts: GroupedPortRanges;
}

/** OpenPortRange: records a pending open for `endpoint`, mutating `pending`. */
export function recordOpenPort(pending: PortChanges, committed: GroupedPortRanges, unit: string, endpoint: string, range: PortRange): void {
  validatePortRange(range);
  removeRange(pending.closePorts, endpoint, range);
  try {
    checkForConflict(endpoint, range, unit, pending.openPorts, true);
    checkForConflict(endpoint, range, unit, committed, false);
  } catch (error) {
    if (error instanceof AlreadyExists) return;
    throw new Error(`cannot open ${formatPortRange(range)} (unit ${JSON.stringify(unit)}): ${(error as Error).message}`, { cause: error });
  }
  addRange(pending.openPorts, endpoint, range);
}

/** ClosePortRange: records a pending close for `endpoint`, mutating `pending`. */
export function recordClosePort(pending: PortChanges, committed: GroupedPortRanges, unit: string, endpoint: string, range: PortRange): void {
  validatePortRange(range);
  removeRange(pending.openPorts, endpoint, range);
  try {
    checkForConflict(endpoint, range, unit, pending.closePorts, true);
  } catch (error) {
    if (error instanceof AlreadyExists) return;
    throw new Error(`cannot close ${formatPortRange(range)} (unit ${JSON.stringify(unit)}): ${(error as Error).message}`, { cause: error });
  }
  // Closing when nothing is open is a no-op.
  if (Object.keys(committed).length === 0) return;
  addRange(pending.closePorts, endpoint, range);
}

/** Commit: merge pending opens into the unit's ranges, then remove pending closes. */
export function applyPortChanges(committed: GroupedPortRanges, changes: PortChanges): void {
  for (const [endpoint, texts] of Object.entries(changes.openPorts)) {
    for (const text of texts) {
      const range = parsePortRange(text);
      if (!(committed[endpoint] ?? []).some((other) => same(parsePortRange(other), range))) addRange(committed, endpoint, range);
    }
  }
  for (const [endpoint, texts] of Object.entries(changes.closePorts)) {
    for (const text of texts) removeRange(committed, endpoint, parsePortRange(text));
  }
}
