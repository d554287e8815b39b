/**
 * Events the model clock causes. `lucky sim advance <duration>` moves the model's clock
 * from `from` to `to` and asks every registered source which events fall in that window
 * (`from` exclusive, `to` inclusive); it then fires them in time order, each as a hook
 * on its unit. Built-in sources (update-status, cron jobs) live next to the clock; other
 * features (e.g. secret rotation and expiry) add theirs with `registerClockEventSource`.
 */
import type { ModelState } from '../model/schema.js';

/** One hook the clock fires: on `unit`, at simulated instant `at`, with extra hook env (e.g. `JUJU_SECRET_ID`). */
export interface ClockEvent {
  at: Date;
  unit: string;
  hook: string;
  env: Record<string, string>;
}

/** Something that fires hooks as simulated time passes. `due` must be a pure function of its arguments. */
export interface ClockEventSource {
  /** Unique; a second source with the same name replaces the first. */
  name: string;
  /** Events with `from < at <= to`, in any order. */
  due(model: ModelState, from: Date, to: Date): ClockEvent[];
}

const sources = new Map<string, ClockEventSource>();

/** Adds (or replaces, by name) a source the clock consults on every advance. */
export function registerClockEventSource(source: ClockEventSource): void {
  sources.set(source.name, source);
}

/** The registered sources, in registration order. */
export function clockEventSources(): ClockEventSource[] {
  return [...sources.values()];
}

/**
 * Every event of every source in (`from`, `to`], sorted by time; ties keep the order of
 * registration, then the order the source returned them, so a run is deterministic.
 */
export function dueClockEvents(model: ModelState, from: Date, to: Date): ClockEvent[] {
  const events: { event: ClockEvent; order: number }[] = [];
  for (const source of sources.values()) {
    for (const event of source.due(model, from, to)) {
      const at = event.at.getTime();
      if (at > from.getTime() && at <= to.getTime()) events.push({ event, order: events.length });
    }
  }
  events.sort((a, b) => a.event.at.getTime() - b.event.at.getTime() || a.order - b.order);
  return events.map(({ event }) => event);
}
