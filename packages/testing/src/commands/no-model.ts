/** What `lucky sim <command>` says when its model directory holds no model: the commands that make one or find it. */
export function noModelMessage(dir: string): string {
  return `There is no model in ${dir}: deploy a charm to create one ("lucky sim deploy <charm>"), or give the model's directory with --model <dir> (or LUCKY_SIM_MODEL).`;
}
