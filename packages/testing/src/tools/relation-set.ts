import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { setOwn } from '../model/records.js';
import { findRelation, isLeader, updateHookContext, type ToolContext } from './context.js';
import { runtimeError, usageError } from './errors.js';
import { toolHome, toolIO } from './io.js';
import { boolOption, parseKeyValues, relationIdOption, selectedRelationId, valueOption, warnDeprecatedFormat, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'relation-set',
  args: 'key=value [key=value ...]',
  purpose: 'Set relation settings.',
  options: (context) => [relationIdOption(context), valueOption('file'), boolOption('app'), valueOption('format')],
  async run(context, parsed) {
    const relationId = selectedRelationId(context, parsed);
    if (relationId === -1) usageError('no relation id specified');
    let overrides: Map<string, string>;
    try {
      overrides = parseKeyValues(parsed.args);
    } catch (error) {
      usageError((error as Error).message);
    }

    warnDeprecatedFormat(parsed, 'relation-set');
    const file = parsed.string('file', '');
    const settings = file === '' ? new Map<string, string>() : await readSettingsFile(context, file);
    for (const [key, value] of overrides) settings.set(key, value);

    findRelation(context, relationId) ?? runtimeError('relation not found');
    const app = parsed.bool('app');
    if (app && !isLeader(context)) runtimeError('cannot write relation settings');

    // Buffered in the hook context; committed only if the hook succeeds.
    await updateHookContext(context, (hook) => {
      const edits = (hook.pending.relations[String(relationId)] ??= { unit: {}, app: {} });
      const bag = app ? edits.app : edits.unit;
      for (const [key, value] of settings) setOwn(bag, key, value === '' ? null : value);
    });
  },
};

/** `--file <path>|-`: a YAML (or JSON) map; scalars keep their source text, as go-yaml does for map[string]string. */
async function readSettingsFile(context: ToolContext, file: string): Promise<Map<string, string>> {
  let text: string;
  if (file === '-') {
    text = await readStdin();
  } else {
    const expanded = file === '~' || file.startsWith('~/') ? join(toolHome(), file.slice(1)) : file;
    const path = isAbsolute(expanded) ? expanded : join(context.cwd, expanded);
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      runtimeError(`open ${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`);
    }
  }
  const { isMap, isScalar, isSeq, parseDocument } = await import('yaml');
  const doc = parseDocument(text, { schema: 'yaml-1.1', uniqueKeys: false });
  const problem = doc.errors[0];
  if (problem) runtimeError(`yaml: ${problem.message.split('\n')[0] ?? ''}`);
  const settings = new Map<string, string>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return settings;
  const kindOf = (node: unknown): string => (isSeq(node) ? '!!seq' : isMap(node) ? '!!map' : isScalar(node) ? `!!str \`${scalarText(node)}\`` : '!!node');
  if (!isMap(root)) runtimeError(`yaml: unmarshal errors:\n  line ${lineOf(text, root.range?.[0])}: cannot unmarshal ${kindOf(root)} into map[string]string`);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? scalarText(pair.key) : String(pair.key);
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
      settings.set(key, '');
    } else if (isScalar(pair.value)) {
      settings.set(key, scalarText(pair.value));
    } else {
      const node = pair.value as { range?: [number, number, number] };
      runtimeError(`yaml: unmarshal errors:\n  line ${lineOf(text, node.range?.[0])}: cannot unmarshal ${kindOf(pair.value)} into string`);
    }
  }
  return settings;
}

function scalarText(node: { value: unknown; source?: string }): string {
  return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
}

function lineOf(text: string, offset: number | undefined): number {
  return offset === undefined ? 1 : text.slice(0, offset).split('\n').length;
}

async function readStdin(): Promise<string> {
  return (await toolIO().readStdin()).toString('utf8');
}
