import { isMap, isSeq, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export type KeyPath = ReadonlyArray<string | number>;

/** `hooks.install.0.host-script`; `(root)` for the document itself. */
export function formatKeyPath(path: KeyPath): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/**
 * The `line:col` of the node a key path points at. With `atKey`, the position of
 * the key itself (for unknown keys); a path that goes past the document (a missing
 * key) falls back to the deepest node that exists.
 */
export function positionOf(doc: Document, counter: LineCounter, path: KeyPath, atKey = false): { line: number; col: number } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      // The last pair with that key: a repeated key's last value is the one that counts (duplicate-keys.ts).
      let pair: (typeof node.items)[number] | undefined;
      for (const item of node.items) if (isScalar(item.key) && String(item.key.value) === String(step)) pair = item;
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      if (last && atKey && keyStart !== undefined) {
        offset = keyStart;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? keyStart ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(step)];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return counter.linePos(offset);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
