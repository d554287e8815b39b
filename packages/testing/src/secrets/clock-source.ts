/**
 * Secret rotation and expiry as the model clock passes: `secret-rotate` on the owner
 * when a rotating secret's next rotation is due, `secret-expired` (with
 * JUJU_SECRET_REVISION) when a revision's expiry comes. After each hook the secret's
 * next trigger moves on (secrets/commit.ts), as Juju's SecretsRotated and expiry retry do.
 */
import type { ModelState } from '../model/schema.js';
import { registerClockEventSource, type ClockEvent, type ClockEventSource } from '../runner/clock-events.js';
import { modelSecrets, ownerHookUnit } from './access.js';
import { secretUri } from './xid.js';

function within(at: string | null, from: Date, to: Date): Date | null {
  if (at === null) return null;
  const date = new Date(at);
  return date.getTime() > from.getTime() && date.getTime() <= to.getTime() ? date : null;
}

export const secretClockSource: ClockEventSource = {
  name: 'secrets',
  due(model: ModelState, from: Date, to: Date): ClockEvent[] {
    const events: ClockEvent[] = [];
    for (const [id, secret] of Object.entries(modelSecrets(model)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const unit = ownerHookUnit(model, secret);
      if (unit === null) continue;
      const rotateAt = secret.rotatePolicy !== '' && secret.rotatePolicy !== 'never' ? within(secret.nextRotateAt, from, to) : null;
      if (rotateAt) events.push({ at: rotateAt, unit, hook: 'secret-rotate', env: { JUJU_SECRET_ID: secretUri(id), JUJU_SECRET_LABEL: secret.label } });
      for (const revision of secret.revisions) {
        const expireAt = within(revision.expireTriggerAt, from, to);
        if (!expireAt) continue;
        events.push({
          at: expireAt,
          unit,
          hook: 'secret-expired',
          env: { JUJU_SECRET_ID: secretUri(id), JUJU_SECRET_LABEL: secret.label, JUJU_SECRET_REVISION: String(revision.revision) },
        });
      }
    }
    return events;
  },
};

registerClockEventSource(secretClockSource);
