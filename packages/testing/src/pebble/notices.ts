/** Pebble's notices: custom and change-update, deduplicated by (type, key), filtered by type, key and `after`. */
import type { Notice } from '@lucky/plugin-pebble/client';
import { badRequest } from './responses.js';
import { noticeTime, timeNanos } from './notice-time.js';

/** Pebble's rule for custom notice keys: a domain, then a path (`example.com/thing`). */
const CUSTOM_KEY = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+(\/[a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*)+$/;
const MAX_KEY = 256;
const EXPIRE_AFTER = '168h0m0s';

export interface NoticeFilter {
  readonly types?: readonly string[];
  readonly keys?: readonly string[];
  /** Only notices last repeated after this time (RFC 3339). */
  readonly after?: string;
}

function matches(notice: Notice, filter: NoticeFilter): boolean {
  if (filter.types && filter.types.length > 0 && !filter.types.includes(notice.type)) return false;
  if (filter.keys && filter.keys.length > 0 && !filter.keys.includes(notice.key)) return false;
  if (filter.after !== undefined && !((timeNanos(notice.lastRepeated) ?? 0n) > (timeNanos(filter.after) ?? 0n))) return false;
  return true;
}

export function toWire(notice: Notice): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: notice.id,
    'user-id': notice.userId ?? null,
    type: notice.type,
    key: notice.key,
    'first-occurred': notice.firstOccurred,
    'last-occurred': notice.lastOccurred,
    'last-repeated': notice.lastRepeated,
    occurrences: notice.occurrences,
  };
  if (notice.lastData !== undefined) json['last-data'] = notice.lastData;
  json['expire-after'] = notice.expireAfter ?? EXPIRE_AFTER;
  return json;
}

export class NoticeStore {
  private nextId = 1;
  private readonly byKey = new Map<string, Notice>();
  private readonly listeners = new Set<() => void>();

  /** Checks a custom notice's key as Pebble does; throws a 400 ApiError. */
  static checkCustomKey(key: string): void {
    if (key.length > MAX_KEY) throw badRequest(`key must be ${MAX_KEY} bytes or less`);
    if (!CUSTOM_KEY.test(key)) throw badRequest(`invalid custom notice key ${JSON.stringify(key)}: must be in the form "domain.com/key"`);
  }

  /** Adds a notice or repeats the one with the same type and key. */
  add(type: string, key: string, data?: Record<string, string>): Notice {
    const time = noticeTime();
    const id = `${type}\0${key}`;
    let notice = this.byKey.get(id);
    if (notice) {
      notice.occurrences += 1;
      notice.lastOccurred = time;
      notice.lastRepeated = time;
      if (data !== undefined && Object.keys(data).length > 0) notice.lastData = data;
      else delete notice.lastData;
      // Repeated notices move to the end (ordered by last-repeated).
      this.byKey.delete(id);
    } else {
      notice = { id: String(this.nextId++), type, key, firstOccurred: time, lastOccurred: time, lastRepeated: time, occurrences: 1, expireAfter: EXPIRE_AFTER };
      if (data !== undefined && Object.keys(data).length > 0) notice.lastData = data;
    }
    this.byKey.set(id, notice);
    for (const listener of this.listeners) listener();
    return notice;
  }

  get(id: string): Notice | undefined {
    return [...this.byKey.values()].find((n) => n.id === id);
  }

  list(filter: NoticeFilter): Notice[] {
    // Insertion order is last-repeated order: a repeated notice moves to the end, and times only grow.
    return [...this.byKey.values()].filter((n) => matches(n, filter));
  }

  /** Long-poll: resolves with matching notices as soon as there are some, or [] after `timeoutMs`. */
  async wait(filter: NoticeFilter, timeoutMs: number, abort: AbortSignal): Promise<Notice[]> {
    const now = this.list(filter);
    if (now.length > 0 || timeoutMs <= 0) return now;
    return new Promise((resolve) => {
      const finish = () => {
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(this.list(filter));
      };
      const check = () => {
        if (this.list(filter).length > 0) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.listeners.add(check);
      abort.addEventListener('abort', finish);
    });
  }
}
