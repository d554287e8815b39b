/**
 * The hooks each finished hook triggers, while several units' hooks run at once. A
 * hook's own changes are found by diffing the model before and after it, restricted
 * to what its unit could write (runner/attribution.ts). An obsolete secret revision
 * is different: the owner's new revision and the consumers moving on make it so
 * together, possibly in hooks that overlap, so it is found against the model the last
 * finished hook left: handed to its owner once, by whichever end first sees it.
 */
import type { ModelState } from '../model/schema.js';
import { triggeredHooks } from './diff.js';
import type { QueuedHook, RunnerState } from './state.js';

export class HookChanges {
  /** The model as the last finished hook left it; null: nothing finished since the last removal (or ever). */
  private seen: ModelState | null = null;

  /**
   * What the hook of `hookUnit` triggers. Hook ends must come here one at a time, in
   * the order their `after` was read, so what was seen only moves forward.
   */
  finished(hookUnit: string, before: ModelState, after: ModelState, state: RunnerState): QueuedHook[] {
    const hooks = triggeredHooks(hookUnit, before, after, state.dyingUnits, state.dyingRelations, this.seen ?? before);
    this.seen = after;
    return hooks;
  }

  /** The runner changed the model itself (a unit or relation removal, nothing in flight): that is no hook's doing. */
  forget(): void {
    this.seen = null;
  }
}
