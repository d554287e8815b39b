/** The secret of a secret hook: chosen when its context opens, and given to the hook as JUJU_SECRET_*. */
import type { HookContextState } from '../model/schema.js';
import type { HookSecret } from './schema.js';

export const SECRET_HOOKS: ReadonlySet<string> = new Set(['secret-changed', 'secret-rotate', 'secret-expired', 'secret-remove']);

export interface SecretHookOptions {
  /** `secret-*` hooks: the secret (`id` is its URI, `secret:<xid>`), its label ('' for none) and revision (0: JUJU_SECRET_REVISION unset). */
  readonly secret?: HookSecret;
}

/**
 * The secret of hook `hook`: `options.secret`, else read back from JUJU_SECRET_* in the
 * extra environment (clock events carry it so). Secret hooks need one; other hooks take none.
 */
export function selectSecret(hook: string, options: SecretHookOptions & { readonly extraEnv?: Readonly<Record<string, string>> }): { secret?: HookSecret } {
  const env = options.extraEnv ?? {};
  const secret =
    options.secret ??
    (env.JUJU_SECRET_ID ? { id: env.JUJU_SECRET_ID, label: env.JUJU_SECRET_LABEL ?? '', revision: Number(env.JUJU_SECRET_REVISION ?? 0) || 0 } : undefined);
  if (!SECRET_HOOKS.has(hook)) {
    if (options.secret !== undefined) throw new Error(`"${hook}" is not a secret hook; secret applies to secret-changed, -rotate, -expired and -remove.`);
    return {};
  }
  if (!secret) throw new Error(`${hook} is about a secret: pass secret ({ id: "secret:<id>", label, revision }).`);
  return { secret };
}

/** JUJU_SECRET_ID, JUJU_SECRET_LABEL (set, maybe empty), JUJU_SECRET_REVISION (only when above 0), as Juju's HookVars. */
export function secretHookVariables(context: Pick<HookContextState, 'secret'>): Record<string, string> {
  const secret = context.secret;
  if (!secret) return {};
  return {
    JUJU_SECRET_ID: secret.id,
    JUJU_SECRET_LABEL: secret.label,
    ...(secret.revision > 0 ? { JUJU_SECRET_REVISION: String(secret.revision) } : {}),
  };
}
