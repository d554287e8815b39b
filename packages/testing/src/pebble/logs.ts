/** Service output as Pebble keeps it for `/v1/logs`: one entry per line, a bounded buffer per service. */

export interface LogEntry {
  readonly time: string;
  readonly service: string;
  readonly message: string;
}

const MAX_ENTRIES = 1000;

export class LogStore {
  private readonly entries = new Map<string, LogEntry[]>();
  private readonly partial = new Map<string, string>();
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  /** Appends output of a service; complete lines become entries (message keeps its newline, as Pebble's does). */
  write(service: string, chunk: Buffer): void {
    const text = (this.partial.get(service) ?? '') + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial.set(service, lines.pop() ?? '');
    for (const line of lines) this.push({ time: new Date().toISOString(), service, message: `${line}\n` });
  }

  /** Flushes a last line without a newline (the process ended). */
  flush(service: string): void {
    const rest = this.partial.get(service);
    if (rest) this.push({ time: new Date().toISOString(), service, message: `${rest}\n` });
    this.partial.delete(service);
  }

  private push(entry: LogEntry): void {
    let list = this.entries.get(entry.service);
    if (!list) this.entries.set(entry.service, (list = []));
    list.push(entry);
    if (list.length > MAX_ENTRIES) list.splice(0, list.length - MAX_ENTRIES);
    for (const listener of this.listeners) listener(entry);
  }

  /** The last `n` entries (all if n < 0) of the named services (all if none), oldest first. */
  recent(services: readonly string[], n: number): LogEntry[] {
    const names = services.length > 0 ? services : [...this.entries.keys()];
    const all = names.flatMap((name) => this.entries.get(name) ?? []).sort((a, b) => a.time.localeCompare(b.time));
    return n < 0 ? all : all.slice(Math.max(0, all.length - n));
  }

  follow(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
