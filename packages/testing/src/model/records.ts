/**
 * Assignment for user-chosen keys: a plain `record[key] = value` with the key
 * `__proto__` would change the object's prototype instead of storing data.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
