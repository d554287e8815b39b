import { createHash } from 'node:crypto';
import { FQDN_PREFIX, isFqdnCompliant } from '../names.js';

/** A valid present/cleanup request: the fqdn without its trailing dot, and the TXT value. */
export interface Challenge {
  readonly fqdn: string;
  readonly value: string;
}

type FieldErrors = Record<string, { message: string; code: string }[]>;

export type FormResult = { readonly challenge: Challenge } | { readonly errors: FieldErrors };

/** Python's str() of a JSON value, as Django's fields coerce what DRF parsed. */
function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Printable ASCII without space, `"` and `\\`, at most one TXT string (255 bytes). */
const TXT_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

const REQUIRED = { message: 'This field is required.', code: 'required' };

/**
 * lego's RAW mode sends `{domain, token, keyAuth}`: the record is `_acme-challenge.<domain>`
 * with the value base64url(sha256(keyAuth)), which default mode sends ready-made.
 */
function rawToDefault(fields: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (fields.fqdn !== undefined || typeof fields.domain !== 'string' || typeof fields.keyAuth !== 'string') return fields;
  const domain = fields.domain.replace(/^\*\./, '').replace(/\.+$/, '');
  const value = createHash('sha256').update(fields.keyAuth).digest('base64url');
  return { fqdn: `${FQDN_PREFIX}${domain}`, value };
}

/** Canonical's PresentForm/CleanupForm (both need fqdn and value), with RAW mode on top. */
export function validateChallenge(input: Readonly<Record<string, unknown>>): FormResult {
  const fields = rawToDefault(input);
  const errors: FieldErrors = {};
  // FQDNField.to_python is str(value).rstrip("."): an absent fqdn is "None", hence invalid rather than required.
  const fqdn = pythonStr(fields.fqdn).replace(/\.+$/, '');
  if (fqdn === '') errors.fqdn = [REQUIRED];
  else if (!isFqdnCompliant(fqdn)) errors.fqdn = [{ message: 'Please provide a valid FQDN', code: 'invalid' }];
  // CharField: empty values are '', others str()'d and stripped.
  const raw = fields.value;
  const value = raw === undefined || raw === null || raw === '' ? '' : pythonStr(raw).trim();
  if (value === '') errors.value = [REQUIRED];
  // Hardening (Canonical accepts anything): the value becomes a quoted zone-file string, so a quote,
  // backslash, space or line break would let a caller write other records. ACME values are base64url.
  else if (!TXT_VALUE.test(value)) errors.value = [{ message: 'Enter a valid value.', code: 'invalid' }];
  if (Object.keys(errors).length > 0) return { errors };
  return { challenge: { fqdn, value } };
}

/** Django's `form.errors.as_json()`: Python json.dumps spacing. */
export function errorsJson(errors: FieldErrors): string {
  const fields = Object.entries(errors).map(
    ([name, list]) =>
      `${JSON.stringify(name)}: [${list.map((e) => `{"message": ${JSON.stringify(e.message)}, "code": ${JSON.stringify(e.code)}}`).join(', ')}]`,
  );
  return `{${fields.join(', ')}}`;
}
