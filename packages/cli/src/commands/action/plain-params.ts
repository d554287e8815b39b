/**
 * Lucky's plain rendering of action params (CLI-09 extended to nesting): a string
 * as it is, null as an empty line, other scalars and lists as JSON, and a mapping as
 * `dotted.key=value` lines, sorted, the same dotted keys `lucky action set` takes.
 */
export function renderPlain(value: unknown): string {
  if (value === null || value === undefined) return '\n';
  if (typeof value === 'object' && !Array.isArray(value)) {
    return flatten(value as Record<string, unknown>, '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${key}=${scalar(item)}\n`)
      .join('');
  }
  return `${scalar(value)}\n`;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function flatten(map: Readonly<Record<string, unknown>>, prefix: string): Array<[string, unknown]> {
  return Object.entries(map).flatMap(([key, value]): Array<[string, unknown]> => {
    const path = `${prefix}${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
      return flatten(value as Record<string, unknown>, `${path}.`);
    }
    return [[path, value]];
  });
}
