/**
 * Secret content from a tool's command line, as Juju 3.6's secrets.CreateSecretData and
 * ReadSecretData read it: `key=value` (encoded to base64), `key#base64=value` (already
 * base64), `key#file=path` (the file's bytes; `key#base64#file` for a file holding base64),
 * and `--file` (a YAML or JSON map). Keys match `^[a-z](-?[a-z0-9]){2,}$`; a value is at
 * most 8 KiB and the whole content 64 KiB. Messages never include a value.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { toolHome } from '../tools/io.js';

const KEY = /^([a-z](?:-?[a-z0-9]){2,})$/;
const MAX_VALUE_BYTES = 8 * 1024;
const MAX_CONTENT_BYTES = 64 * 1024;

/** A content problem: Juju reports it from the tool's Init, so the tool exits 2. */
export class ContentError extends Error {}

function resolvePath(path: string, cwd: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(toolHome(), path.slice(1)) : path;
  return isAbsolute(expanded) ? expanded : join(cwd, expanded);
}

function goOpenError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code ?? error);
  return `open ${path}: ${reason}`;
}

/** `key=value…` arguments → key → raw bytes, in argument order (a repeated key keeps the last). */
export async function contentFromArgs(args: readonly string[], cwd: string): Promise<Map<string, Buffer>> {
  const data = new Map<string, Buffer>();
  for (const arg of args) {
    // Juju strips base64 padding before looking for the "=", so "a==" has no key.
    const idx = arg.replace(/=+$/, '').indexOf('=');
    if (idx < 1) {
      // Juju quotes the whole argument; only what precedes a "=" is shown here, never a value.
      const shown = arg.includes('=') ? arg.slice(0, arg.indexOf('=') + 1) : arg;
      throw new ContentError(`key value ${JSON.stringify(shown)} not valid`);
    }
    let key = arg.slice(0, idx);
    const value = arg.slice(idx + 1);
    if (!key.endsWith('#file')) {
      data.set(key, Buffer.from(value, 'utf8'));
      continue;
    }
    key = key.slice(0, -'#file'.length);
    const path = resolvePath(value, cwd);
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > MAX_VALUE_BYTES) throw new ContentError(`secret content in file ${JSON.stringify(path)} too large: ${size} bytes`);
    try {
      data.set(key, await readFile(path));
    } catch (error) {
      throw new ContentError(`reading content for secret key ${JSON.stringify(key)}: ${goOpenError(path, error)}`);
    }
  }
  return data;
}

/** `--file <path>`: a JSON or YAML map of strings. */
export async function contentFromFile(file: string, cwd: string): Promise<Map<string, Buffer>> {
  const path = resolvePath(file, cwd);
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size > MAX_CONTENT_BYTES) throw new ContentError(`secret content in file ${JSON.stringify(path)} too large: ${size} bytes`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ContentError(goOpenError(path, error));
  }
  const { isMap, isScalar, parseDocument } = await import('yaml');
  const doc = parseDocument(text, { schema: 'yaml-1.1' });
  if (doc.errors[0]) throw new ContentError(`yaml: ${doc.errors[0].message.split('\n')[0] ?? ''}`);
  const data = new Map<string, Buffer>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return data;
  if (!isMap(root)) throw new ContentError('yaml: unmarshal errors: cannot unmarshal the file into map[string]string');
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (pair.value !== null && !isScalar(pair.value)) throw new ContentError(`yaml: unmarshal errors: the value of ${JSON.stringify(key)} is not a string`);
    const value = pair.value === null ? '' : typeof pair.value.value === 'string' ? pair.value.value : (pair.value.source ?? String(pair.value.value));
    data.set(key, Buffer.from(value, 'utf8'));
  }
  return data;
}

/** Juju's encodeBase64: checks keys and sizes and stores every value base64-encoded. */
export function encodeContent(raw: ReadonlyMap<string, Buffer>): Record<string, string> {
  const out = new Map<string, string>();
  let total = 0;
  for (const [rawKey, value] of raw) {
    const bytes = value.length;
    if (bytes > MAX_VALUE_BYTES) throw new ContentError(`secret content for key ${JSON.stringify(rawKey)} too large: ${bytes} bytes`);
    total += bytes;
    const base64 = rawKey.endsWith('#base64');
    const key = base64 ? rawKey.slice(0, -'#base64'.length) : rawKey;
    if (!KEY.test(key)) throw new ContentError(`key ${JSON.stringify(key)} not valid`);
    out.set(key, base64 ? value.toString('utf8') : value.toString('base64'));
  }
  if (total > MAX_CONTENT_BYTES) throw new ContentError(`secret content too large: ${total} bytes`);
  return Object.fromEntries(out);
}

/** Decodes stored content for secret-get (Juju's SecretValue.Values). */
export function decodeContent(content: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) out[key] = Buffer.from(value, 'base64').toString('utf8');
  return out;
}

export function sameContent(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
