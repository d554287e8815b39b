/** Juju charm names: lowercase letters, digits and single hyphens, starting with a letter. */
const CHARM_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Why `name` is not a valid charm name, or undefined when it is. */
export function charmNameProblem(name: string): string | undefined {
  if (CHARM_NAME.test(name)) return undefined;
  return `Invalid charm name ${JSON.stringify(name)}: use lowercase letters, digits and single hyphens, starting with a letter (e.g. my-charm).`;
}

/**
 * The default charm name for a display name (BLD-02 lower-cases and turns spaces
 * into hyphens; any other run of unusable characters becomes a hyphen too).
 */
export function charmNameFrom(displayName: string): string {
  return displayName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
