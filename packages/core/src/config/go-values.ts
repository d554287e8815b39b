import { isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';

/**
 * Go's number and boolean syntax as Juju parses config values, and what go-yaml v2
 * (the reader of config.yaml in Juju, `gopkg.in/yaml.v2`) makes of a YAML scalar.
 * Written from the Go and go-yaml documentation and behaviour, not ported code.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseBool. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function goParseBool(text: string): boolean | undefined {
  return GO_TRUE.has(text) ? true : GO_FALSE.has(text) ? false : undefined;
}

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(text: string): boolean {
  let s = text;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1] as string)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const DIGITS: Readonly<Record<number, RegExp>> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** The magnitude of an unsigned Go integer literal in `base` (0: from its prefix), or undefined. */
function unsignedMagnitude(body: string, base: 0 | 10): bigint | undefined {
  if (body === '') return undefined;
  let radix = 10;
  let digits = body;
  if (base === 0) {
    if (/^0[xX]/.test(body)) [radix, digits] = [16, body.slice(2)];
    else if (/^0[bB]/.test(body)) [radix, digits] = [2, body.slice(2)];
    else if (/^0[oO]/.test(body)) [radix, digits] = [8, body.slice(2)];
    else if (body.length > 1 && body[0] === '0') [radix, digits] = [8, body.slice(1)];
    if (body.includes('_')) {
      if (!underscoreOK(body)) return undefined;
      digits = digits.replace(/_/g, '');
    }
  }
  if (!DIGITS[radix]?.test(digits)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  return BigInt(`${prefix}${digits}`);
}

/** strconv.ParseInt(text, base, 64): base 0 reads 0x/0o/0b/0 prefixes and underscores, base 10 only digits. */
export function goParseInt(text: string, base: 0 | 10): bigint | undefined {
  const negative = text.startsWith('-');
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  const magnitude = unsignedMagnitude(body, base);
  if (magnitude === undefined) return undefined;
  const value = negative ? -magnitude : magnitude;
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** strconv.ParseUint(text, 0, 64): no sign. */
function goParseUint(text: string): bigint | undefined {
  const value = unsignedMagnitude(text, 0);
  return value === undefined || value > UINT64_MAX ? undefined : value;
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;

/** strconv.ParseFloat(text, 64): decimal and hex floats, inf/infinity/nan; out of range is an error. */
export function goParseFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[+-]?(?:inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (text.includes('_') && !underscoreOK(text)) return undefined;
  const plain = text.replace(/_/g, '');
  let value: number | undefined;
  const hex = HEX_FLOAT.exec(plain);
  if (hex) {
    const [, sign, whole = '', fraction = '', exponent = '0'] = hex;
    if (whole === '' && fraction === '') return undefined;
    const mantissa = parseInt(`${whole}${fraction}` || '0', 16);
    value = (sign === '-' ? -1 : 1) * mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
  } else if (DECIMAL_FLOAT.test(text) && /[0-9]/.test(plain)) {
    value = Number(plain);
  }
  return value === undefined || !Number.isFinite(value) ? undefined : value;
}

/** A value as Go holds it after go-yaml v2 decoded it into an interface{}. */
export type GoValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** int or int64 (what schema.Int takes). */
  | { readonly kind: 'int'; readonly value: bigint }
  /** uint64: an integer above int64's range. */
  | { readonly kind: 'uint'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'map' }
  | { readonly kind: 'list' };

/** go-yaml v2's resolve table: YAML 1.1's booleans (yes/no/on/off…), nulls and special floats. */
const RESOLVE_MAP: ReadonlyMap<string, GoValue> = new Map<string, GoValue>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, { kind: 'bool', value: true }] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, { kind: 'bool', value: false }] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, { kind: 'null' }] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, { kind: 'float', value: NaN }] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, { kind: 'float', value: Infinity }] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, { kind: 'float', value: -Infinity }] as const),
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * What go-yaml v2 makes of a plain (unquoted, untagged) scalar: the map above, then
 * for text starting with a digit or sign an int (underscores dropped, Go's base
 * prefixes and leading-0 octal), a uint, a float; a leading "." a float; else a string.
 * (Timestamps stay strings when decoded into interface{}.)
 */
export function goYamlV2Plain(text: string): GoValue {
  const mapped = RESOLVE_MAP.get(text);
  if (mapped) return mapped;
  const first = text[0] ?? '';
  if (first === '.') {
    const value = goParseFloat(text);
    if (value !== undefined) return { kind: 'float', value };
  } else if (/[-+0-9]/.test(first)) {
    const plain = text.replace(/_/g, '');
    const int = goParseInt(plain, 0);
    if (int !== undefined) return { kind: 'int', value: int };
    const uint = goParseUint(plain);
    if (uint !== undefined) return { kind: 'uint', value: uint };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const value = goParseFloat(plain);
      if (value !== undefined) return { kind: 'float', value };
    }
  }
  return { kind: 'string', value: text };
}

/** Core-schema tags a charm may write explicitly (`!!str 8080`). */
const TAGS: Readonly<Record<string, GoValue['kind']>> = {
  'tag:yaml.org,2002:str': 'string',
  'tag:yaml.org,2002:int': 'int',
  'tag:yaml.org,2002:float': 'float',
  'tag:yaml.org,2002:bool': 'bool',
  'tag:yaml.org,2002:null': 'null',
};

/**
 * What go-yaml v2 makes of a parsed YAML node (from the `yaml` package, which reads
 * YAML 1.2): plain scalars are re-read from their source text with v2's rules, quoted
 * and block scalars are strings, explicitly tagged scalars keep their tag.
 */
export function goYamlV2Value(node: unknown): GoValue {
  if (node === null || node === undefined) return { kind: 'null' };
  if (isAlias(node)) return goValueOfJs(node.source);
  if (isMap(node)) return { kind: 'map' };
  if (isSeq(node)) return { kind: 'list' };
  if (!isScalar(node)) return goValueOfJs(node);
  const tagged = node.tag ? TAGS[node.tag] : undefined;
  if (tagged === 'string') return { kind: 'string', value: String(node.value) };
  if (tagged === undefined && node.type === Scalar.PLAIN) {
    const source = (node as Scalar & { source?: unknown }).source;
    return goYamlV2Plain(typeof source === 'string' ? source : String(node.value ?? ''));
  }
  if (tagged === undefined && typeof node.value === 'string') return { kind: 'string', value: node.value };
  return goValueOfJs(node.value);
}

function goValueOfJs(value: unknown): GoValue {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'bigint') return { kind: 'int', value };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'int', value: BigInt(value) } : { kind: 'float', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) return { kind: 'list' };
  if (isScalar(value)) return goValueOfJs(value.value);
  return { kind: 'map' };
}

/** A Go value as it reads in a message (`"false"`, `8080`, `true`, `1.5`). */
export function showGoValue(value: GoValue): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'string':
      return JSON.stringify(value.value);
    case 'map':
      return 'a mapping';
    case 'list':
      return 'a list';
    case 'float':
      return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
    default:
      return String(value.value);
  }
}
