import { isAbsolute, resolve } from 'node:path';
import { Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** Secret content for the daemon: values as text, values already in base64, and files the hook tool reads. */
export interface SecretContentParams {
  values: Record<string, string>;
  base64: Record<string, string>;
  files: Record<string, string>;
}

/**
 * The content arguments of `secret add|set`, as Juju's secret tools take them:
 * `key=value`, `key#base64=<base64>` and `key#file=<path>` (relative paths are from the
 * current directory). Keys are checked by Juju (`^[a-z](-?[a-z0-9]){2,}$`). An argument
 * is never quoted back in an error: it may hold a secret.
 */
export function parseSecretContent(args: readonly string[], cwd: string): SecretContentParams {
  const content: SecretContentParams = { values: {}, base64: {}, files: {} };
  for (const [index, arg] of args.entries()) {
    const eq = arg.indexOf('=');
    if (eq < 1)
      throw new UsageError(`Content argument ${index + 1} is not key=value (nor key#base64=value, key#file=path); it is not shown, as it may be secret.`);
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    if (key.endsWith('#file')) content.files[key.slice(0, -'#file'.length)] = isAbsolute(value) ? value : resolve(cwd, value);
    else if (key.endsWith('#base64')) content.base64[key.slice(0, -'#base64'.length)] = value;
    else content.values[key] = value;
  }
  return content;
}

export const ROTATE_POLICIES = ['never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type RotatePolicyName = (typeof ROTATE_POLICIES)[number];

/** The flags `secret add` and `secret set` share with Juju's secret-add and secret-set. */
export abstract class SecretUpsertCommand extends ClientCommand {
  label = Option.String('--label', { description: 'A label the charm uses to find the secret in hooks' });
  description = Option.String('--description', { description: 'What the secret is' });
  expire = Option.String('--expire', { description: 'When the revision expires: a duration (24h, 90m) or a time (2025-01-01T06:00:00Z)' });
  rotate = Option.String('--rotate', { description: `How often Juju asks the owner to rotate it: ${ROTATE_POLICIES.join(', ')}` });

  protected metadata(): { label?: string; description?: string; expire?: string; rotate?: RotatePolicyName } {
    if (this.rotate !== undefined && !(ROTATE_POLICIES as readonly string[]).includes(this.rotate)) {
      throw new UsageError(`Invalid --rotate "${this.rotate}": expected one of ${ROTATE_POLICIES.join(', ')}`);
    }
    return {
      ...(this.label !== undefined ? { label: this.label } : {}),
      ...(this.description !== undefined ? { description: this.description } : {}),
      ...(this.expire !== undefined ? { expire: this.expire } : {}),
      ...(this.rotate !== undefined ? { rotate: this.rotate as RotatePolicyName } : {}),
    };
  }
}

/** `secret:<id>` or a bare 20-character id. */
export function looksLikeSecretId(text: string): boolean {
  return /^secret:/.test(text) || /^[0-9a-v]{20}$/.test(text);
}
