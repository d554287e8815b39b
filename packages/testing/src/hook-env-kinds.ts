/**
 * Per-kind hook variables of Juju 3.6 (§1.2) for hooks the simulator fires only by
 * name (`LocalModel.run`): the series-upgrade hooks and `meter-status-changed`.
 */

/** The base a simulated machine is upgraded to: the current Ubuntu LTS. */
const TARGET = { base: 'ubuntu@24.04', series: 'noble' } as const;

export function kindHookVariables(hook: string): Record<string, string> {
  if (hook === 'pre-series-upgrade' || hook === 'post-series-upgrade') return { JUJU_TARGET_BASE: TARGET.base, JUJU_TARGET_SERIES: TARGET.series };
  // A model without metering: the meter status Juju reports when none was set.
  if (hook === 'meter-status-changed') return { JUJU_METER_STATUS: 'NOT SET', JUJU_METER_INFO: '' };
  return {};
}
