import { readFile } from 'node:fs/promises';
import type * as v from 'valibot';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { duplicateKeyWarnings, formatKeyPath, positionOf, type KeyPath } from '@lucky/core';

/** A YAML file parsed with source positions, so problems can name `file:line:col`. */
export interface YamlSource {
  /** The path as the user gave it (relative paths stay relative in messages). */
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly counter: LineCounter;
  readonly data: unknown;
  /** Repeated keys: accepted (the last one counts), one warning each with both positions. */
  readonly warnings: readonly Problem[];
}

/** One problem with a file, already rendered as `file:line:col: key.path: reason`. */
export type Problem = string;

/**
 * Reads and parses a YAML file. A syntax error is returned as the one problem
 * (the parser's later errors mostly echo the first). A repeated key is a warning,
 * not an error: `reader` (who reads this file on a unit or at deploy, e.g. "Juju")
 * keeps the last one too.
 */
export async function readYamlSource(file: string, path: string, reader: string): Promise<{ source: YamlSource } | { problem: Problem }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { problem: `${file}:1:1: (file): cannot read it: ${(error as Error).message}` };
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const pos = counter.linePos(error.pos[0]);
    return { problem: `${file}:${pos.line}:${pos.col}: (yaml): ${error.message.split('\n')[0]}` };
  }
  return { source: { file, text, doc, counter, data: doc.toJS() as unknown, warnings: duplicateKeyWarnings(doc, counter, file, reader) } };
}

/** `file:line:col: key.path: message`; with `atKey` the position is that of the key itself. */
export function problemAt(source: YamlSource, path: KeyPath, message: string, atKey = false): Problem {
  const { line, col } = positionOf(source.doc, source.counter, path, atKey);
  return `${source.file}:${line}:${col}: ${formatKeyPath(path)}: ${message}`;
}

/** Renders valibot issues; an issue about a record key points at that key. */
export function problemsOf(source: YamlSource, issues: readonly v.BaseIssue<unknown>[], prefix: KeyPath = []): Problem[] {
  return issues.map((issue) => {
    const items = issue.path ?? [];
    const path = [...prefix, ...items.map((item) => item.key as string | number)];
    const atKey = items[items.length - 1]?.origin === 'key';
    // A missing key: valibot reports the mapping's message at the key's path.
    const missing = /object$/.test(issue.type) && issue.received === 'undefined' && path.length > 0;
    return problemAt(source, path, missing ? `missing "${String(path[path.length - 1])}": ${issue.message}` : issue.message, atKey);
  });
}
