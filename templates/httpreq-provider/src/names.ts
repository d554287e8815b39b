/** Name rules, as Canonical's provider (Django) applies them, so the same inputs pass and fail. */

/** The prefix every challenge name carries. */
export const FQDN_PREFIX = '_acme-challenge.';

// api/forms.py `_is_fqdn`: labels of 1–63 letters, digits and inner hyphens; at most 253 characters.
const HOSTNAME = /^(?!.{255}|.{253}[^.])([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?[.]?$/i;

/** `is_fqdn_compliant`: `_acme-challenge.` then a hostname of two labels or more. */
export function isFqdnCompliant(fqdn: string): boolean {
  return fqdn.startsWith(FQDN_PREFIX) && HOSTNAME.test(fqdn.slice(FQDN_PREFIX.length));
}

// api/models.py Domain validator: 4–253 characters, labels without edge hyphens, a TLD of 2–63 letters.
const DOMAIN = /^(?=.{4,253}$)((?!-)[a-zA-Z0-9-]{1,63}(?<!-)\.)+[a-zA-Z]{2,63}$/;

/** The message Django gives for a grant's invalid domain. */
export const INVALID_DOMAIN = 'Enter a valid FQDN.';

export function isValidDomain(domain: string): boolean {
  return DOMAIN.test(domain);
}

// django.contrib.auth UnicodeUsernameValidator and the field's max_length.
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;
const USERNAME_MAX = 150;

/** Django's messages for a username, empty when it is valid. */
export function usernameProblems(username: string): string[] {
  if (username === '') return ['This field cannot be blank.'];
  const problems: string[] = [];
  if ([...username].length > USERNAME_MAX) problems.push(`Ensure this value has at most ${USERNAME_MAX} characters (it has ${[...username].length}).`);
  if (!USERNAME.test(username)) problems.push('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.');
  return problems;
}

/** A Python list's repr of strings, as Django's messages print in CommandError texts. */
export function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`).join(', ')}]`;
}
