import type { HookContextState } from '../model/schema.js';

/**
 * The variables Juju sets for an action (juju.md §1.2): its name and id, the path
 * `dispatch` reads (`actions/<name>`), and an empty JUJU_HOOK_NAME.
 */
export function actionHookVariables(context: HookContextState): Record<string, string> {
  const action = context.action;
  if (!action) return {};
  return {
    JUJU_HOOK_NAME: '',
    JUJU_DISPATCH_PATH: `actions/${action.name}`,
    JUJU_ACTION_NAME: action.name,
    JUJU_ACTION_UUID: action.id,
    JUJU_ACTION_TAG: `action-${action.id}`,
  };
}
