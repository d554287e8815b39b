import { stringify } from 'yaml';

/** The values a template file can use as `{{name}}`. */
export type TemplateValues = Readonly<Record<string, string>>;

/**
 * Filters for values that land inside structured text: `yaml` gives a complete
 * YAML scalar (quoted only when needed), `json` the inside of a JSON string.
 */
const FILTERS: Readonly<Record<string, (value: string) => string>> = {
  yaml: (value) => stringify(value, { lineWidth: 0 }).trimEnd(),
  json: (value) => JSON.stringify(value).slice(1, -1),
};

/**
 * Replaces `{{key}}` and `{{key|filter}}` in `text`. An unknown key or filter
 * throws, so a typo in the template cannot reach a generated charm.
 */
export function render(text: string, values: TemplateValues, file: string): string {
  return text.replace(/\{\{\s*([A-Za-z]+)(?:\|([a-z]+))?\s*\}\}/g, (match, key: string, filter: string | undefined) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) throw new Error(`Template ${file}: unknown value ${match}.`);
    if (filter === undefined) return value;
    const apply = FILTERS[filter];
    if (!apply) throw new Error(`Template ${file}: unknown filter in ${match}.`);
    return apply(value);
  });
}
