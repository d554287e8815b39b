/**
 * Zone-file edits, as pure functions: which file holds a name, the name relative to it,
 * and adding or removing one TXT value. Files are Canonical's bind fragments,
 * `<domain>.domain` at the repository root with lines `<relative-name> 600 IN TXT "<value>"`.
 */

export const ZONE_SUFFIX = '.domain';

/** The record line Canonical writes. */
export function recordLine(name: string, value: string): string {
  return `${name} 600 IN TXT "${value}"\n`;
}

/** The domain Canonical would use: the last two labels (the file named in the "not configured" error). */
export function lastTwoLabels(fqdn: string): string {
  return fqdn.split('.').slice(-2).join('.');
}

/**
 * Defect e fixed: the zone is the LONGEST suffix of the name (two labels or more) for which
 * `<suffix>.domain` exists, so `example.co.uk.domain` holds `x.example.co.uk`; `exists` says which files are there.
 * Resolves the domain and the name relative to it (`.` when the name is the domain itself, as Canonical).
 */
export function findZone(fqdn: string, exists: (file: string) => boolean): { domain: string; name: string } | undefined {
  const labels = fqdn.split('.');
  for (let i = 0; i <= labels.length - 2; i++) {
    const domain = labels.slice(i).join('.');
    if (exists(`${domain}${ZONE_SUFFIX}`)) return { domain, name: i === 0 ? '.' : labels.slice(0, i).join('.') };
  }
  return undefined;
}

/** Canonical's mapping, last two labels: `site.example.com` → `site`, `example.com` → `.`. */
export function relativeName(fqdn: string): string {
  const labels = fqdn.split('.');
  return labels.length > 2 ? labels.slice(0, -2).join('.') : '.';
}

function isComment(line: string): boolean {
  return line.trim().startsWith(';');
}

/** True when the line is a TXT record of `name` whose value is `value` (one quoted string). */
function isRecord(line: string, name: string, value: string): boolean {
  if (isComment(line)) return false;
  const tokens = line.trim().split(/\s+/);
  if (tokens[0] !== name) return false;
  const type = tokens.findIndex((t, i) => i > 0 && t.toUpperCase() === 'TXT');
  if (type < 0) return false;
  const rest = line
    .trim()
    .split(/\s+/)
    .slice(type + 1)
    .join(' ');
  return rest === `"${value}"`;
}

function lines(content: string): string[] {
  return content === '' ? [] : content.split(/(?<=\n)/);
}

/** Defect a fixed: present ADDS the (name, value) line and keeps every other line; identical content if already there. */
export function addRecord(content: string, name: string, value: string): string {
  const current = lines(content);
  if (current.some((line) => isRecord(line, name, value))) return content;
  const base = content === '' || content.endsWith('\n') ? content : `${content}\n`;
  return base + recordLine(name, value);
}

/** Defect b fixed: cleanup removes only the TXT line of `name` with `value`; identical content if absent (defect c). */
export function removeRecord(content: string, name: string, value: string): string {
  return lines(content)
    .filter((line) => !isRecord(line, name, value))
    .join('');
}
