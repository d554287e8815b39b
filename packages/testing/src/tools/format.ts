/**
 * The output formats of juju/cmd: `json` (Go encoding/json), `yaml` (go-yaml v2) and
 * `smart`. Values are plain JSON-like data; a GoStruct stands for a Go struct, whose
 * fields keep their declared order (maps are always sorted by key).
 */

export type GoValue = null | string | number | boolean | readonly GoValue[] | GoStruct | GoTime | { readonly [key: string]: GoValue };

export interface GoField {
  readonly name: string;
  readonly value: GoValue;
  /** Field present in only one encoding (Go tags `json:"-"` / `yaml:"-"`). */
  readonly only?: 'json' | 'yaml';
  readonly omitEmpty?: boolean;
}

export class GoStruct {
  readonly fields: readonly GoField[];
  constructor(fields: readonly GoField[]) {
    this.fields = fields;
  }
}

/** A Go time.Time: RFC 3339 with nanoseconds, trailing zeros dropped (time.RFC3339Nano); a plain YAML scalar, as go-yaml v2 writes it. */
export class GoTime {
  readonly text: string;
  constructor(date: Date) {
    this.text = date.toISOString().replace(/\.?0+Z$/, 'Z');
  }
}

export type OutputFormat = 'smart' | 'yaml' | 'json';

export async function formatValue(format: OutputFormat, value: GoValue): Promise<string> {
  switch (format) {
    case 'json':
      return `${goJson(value)}\n`;
    case 'yaml':
      return value === null ? '' : goYaml(value);
    case 'smart':
      return formatSmart(value);
  }
}

/** FormatSmart: strings raw, `[]string` one per line, bools True/False, nil nothing, else YAML. */
async function formatSmart(value: GoValue): Promise<string> {
  if (value === null) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') text = value ? 'True' : 'False';
  else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) text = value.join('\n');
  else return goYaml(value);
  return text === '' ? '' : `${text}\n`;
}

function compareKeys(a: string, b: string): number {
  // Go sorts map keys by their UTF-8 bytes.
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isEmpty(value: GoValue): boolean {
  if (value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof GoStruct || value instanceof GoTime) return false;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function visibleFields(struct: GoStruct, encoding: 'json' | 'yaml'): GoField[] {
  return struct.fields.filter((field) => (field.only === undefined || field.only === encoding) && !(field.omitEmpty && isEmpty(field.value)));
}

/** Go json.Marshal: compact, sorted map keys, `<>&` and U+2028/9 escaped. */
export function goJson(value: GoValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value instanceof GoTime) return goJsonString(value.text);
  if (value instanceof GoStruct) {
    return `{${visibleFields(value, 'json')
      .map((field) => `${goJsonString(field.name)}:${goJson(field.value)}`)
      .join(',')}}`;
  }
  const map = value as { readonly [key: string]: GoValue };
  const keys = Object.keys(map).sort(compareKeys);
  return `{${keys.map((key) => `${goJsonString(key)}:${goJson(map[key] ?? null)}`).join(',')}}`;
}

function goJsonString(text: string): string {
  const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return JSON.stringify(wellFormed).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// go-yaml v2 resolves these plain scalars to non-strings, so it double-quotes
// strings that look like them.
const YAML11_SPECIAL = new Set([
  '',
  '~',
  'null',
  'Null',
  'NULL',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '<<',
]);
const YAML11_NUMBER =
  /^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?)$/;
// go-yaml v2 reads only these timestamp forms (its allowedTimestampFormats), so
// `2200-11-05 15:29:12Z` (goal-state's since) stays a plain string.
const YAML11_TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,9})?(?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,9})?)?$/;
const NOT_PRINTABLE = /[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;

function resolvesToNonString(text: string): boolean {
  return YAML11_SPECIAL.has(text) || YAML11_NUMBER.test(text) || YAML11_TIMESTAMP.test(text);
}

let yamlModule: typeof import('yaml') | undefined;

/** go-yaml v2 Marshal: block style, sorted maps, unindented sequences, 80 columns. */
async function goYaml(value: GoValue): Promise<string> {
  // Loaded lazily: most tool invocations print JSON or plain strings.
  yamlModule ??= await import('yaml');
  const { Document, Scalar, visit } = yamlModule;
  const doc = new Document(toYamlData(value));
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || (node as { goTime?: boolean }).goTime) return;
      if (node.value.includes('\n') && !NOT_PRINTABLE.test(node.value)) node.type = Scalar.BLOCK_LITERAL;
      else if (resolvesToNonString(node.value) || NOT_PRINTABLE.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  let text = doc.toString({ indentSeq: false, singleQuote: true, lineWidth: 80 }).replace(/\n+$/, '');
  // A multi-line string alone: go-yaml indents its block by two spaces, the yaml package does not.
  if (typeof value === 'string' && /^\|[-+0-9]*\n/.test(text)) text = text.replace(/\n(?=.)/g, '\n  ');
  return text === '' ? '' : `${text}\n`;
}

/** Maps become JS Maps so key order (sorted, or struct order) survives. */
function toYamlData(value: GoValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toYamlData);
  // go-yaml writes a time.Time unquoted, though YAML 1.1 would read it back as a timestamp.
  if (value instanceof GoTime) return Object.assign(new (yamlModule as typeof import('yaml')).Scalar(value.text), { goTime: true });
  if (value instanceof GoStruct) return new Map(visibleFields(value, 'yaml').map((field) => [field.name, toYamlData(field.value)]));
  const map = value as { readonly [key: string]: GoValue };
  return new Map(
    Object.keys(map)
      .sort(compareKeys)
      .map((key) => [key, toYamlData(map[key] ?? null)]),
  );
}
