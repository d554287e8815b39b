/** What a workload (`<container>-pebble-*`) hook is about: its notice or its check, checked against the hook's name. */

export interface PebbleNoticeInfo {
  /** Pebble's notice id (JUJU_NOTICE_ID). */
  readonly id: string;
  /** `custom` for `-pebble-custom-notice` (JUJU_NOTICE_TYPE). */
  readonly type: string;
  /** e.g. `example.com/reload` (JUJU_NOTICE_KEY). */
  readonly key: string;
}

export interface WorkloadHookOptions {
  /** `<container>-pebble-custom-notice` only: the notice that fired it. */
  readonly notice?: PebbleNoticeInfo;
  /** `<container>-pebble-check-failed`/`-recovered` only: the check (JUJU_PEBBLE_CHECK_NAME). */
  readonly checkName?: string;
}

const NOTICE_HOOK = /^.+-pebble-custom-notice$/;
const CHECK_HOOK = /^.+-pebble-check-(?:failed|recovered)$/;

/** The context fields of a workload hook; throws when the options do not fit the hook, as the uniter never sends them. */
export function selectWorkload(hook: string, options: WorkloadHookOptions): { notice?: { id: string; type: string; key: string }; checkName?: string } {
  if (NOTICE_HOOK.test(hook)) {
    if (options.checkName !== undefined) throw new Error(`checkName applies to <container>-pebble-check-failed/-recovered hooks only, not "${hook}".`);
    if (options.notice === undefined) throw new Error(`${hook} needs the notice that fired it: pass notice { id, type, key }.`);
    return { notice: { id: options.notice.id, type: options.notice.type, key: options.notice.key } };
  }
  if (CHECK_HOOK.test(hook)) {
    if (options.notice !== undefined) throw new Error(`notice applies to <container>-pebble-custom-notice hooks only, not "${hook}".`);
    if (options.checkName === undefined || options.checkName === '') throw new Error(`${hook} needs the check's name: pass checkName.`);
    return { checkName: options.checkName };
  }
  if (options.notice !== undefined || options.checkName !== undefined) {
    throw new Error(
      `"${hook}" is not a Pebble notice or check hook; notice and checkName apply to <container>-pebble-custom-notice and -check-failed/-recovered only.`,
    );
  }
  return {};
}

/** The hook variables of a workload hook's notice or check (Juju's HookVars for workload hooks). */
export function workloadHookVariables(context: { readonly notice?: PebbleNoticeInfo; readonly checkName?: string }): Record<string, string> {
  const env: Record<string, string> = {};
  if (context.notice) {
    env.JUJU_NOTICE_ID = context.notice.id;
    env.JUJU_NOTICE_TYPE = context.notice.type;
    env.JUJU_NOTICE_KEY = context.notice.key;
  }
  if (context.checkName !== undefined) env.JUJU_PEBBLE_CHECK_NAME = context.checkName;
  return env;
}
