import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { formatKeyPath, type KeyPath } from './positions.js';

/**
 * A key written twice in one mapping. The original Lucky (serde_yaml into a map) and
 * Juju (go-yaml v2's `yaml.Unmarshal`, which only refuses repeats in `UnmarshalStrict`)
 * both keep the last one, so Lucky does too, and says so.
 * (go-yaml v3 refuses repeated keys; Juju reads metadata.yaml, config.yaml and
 * actions.yaml with v2, so a charm with repeated keys deploys.)
 */
export interface DuplicateKey {
  /** The path of the key (the mapping's path, then the key). */
  readonly path: KeyPath;
  readonly key: string;
  /** Source offsets of the earlier occurrence and of this later one (the one that counts). */
  readonly first: number;
  readonly repeat: number;
}

/**
 * Every repeated key of a document, in source order, found with one Map per
 * mapping (linear in the size of the file). Keys compare as the strings they become
 * in the parsed data, so `1:` and `"1":` are the same key there too.
 */
export function duplicateKeys(root: unknown): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // Each entry links to its parent: a key path is only built for a repeat (most files have none).
  interface Step {
    readonly node: unknown;
    readonly parent: Step | undefined;
    readonly key: string | number | undefined;
  }
  const pathOf = (step: Step | undefined): Array<string | number> => {
    const path: Array<string | number> = [];
    for (let at = step; at?.key !== undefined; at = at.parent) path.unshift(at.key);
    return path;
  };
  const stack: Step[] = [{ node: root, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const { node } = step;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const name = String(key.value);
          const offset = (key as Node).range?.[0] ?? 0;
          const first = seen.get(name);
          if (first !== undefined) found.push({ path: [...pathOf(step), name], key: name, first, repeat: offset });
          seen.set(name, offset);
          stack.push({ node: pair.value, parent: step, key: name });
        } else {
          stack.push({ node: pair.value, parent: step.parent, key: step.key });
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => stack.push({ node: item, parent: step, key: index }));
    }
  }
  return found.sort((a, b) => a.repeat - b.repeat);
}

/**
 * One warning line per repeated key: `file:line:col: key.path: …` at the occurrence
 * that counts, naming the earlier one's position. `reader` names who reads the file
 * that way (e.g. "the original Lucky", "Juju").
 */
export function duplicateKeyWarnings(doc: Document, counter: LineCounter, file: string, reader: string): string[] {
  return duplicateKeys(doc.contents).map(({ path, key, first, repeat }) => {
    const at = counter.linePos(repeat);
    const was = counter.linePos(first);
    return `${file}:${at.line}:${at.col}: ${formatKeyPath(path)}: the key "${key}" is repeated (first at ${file}:${was.line}:${was.col}); as with ${reader}, this last one is used and the earlier one is ignored: remove one of them`;
  });
}
