import { resolve } from 'node:path';
import type { CommandClass } from '@lucky/core';
import { failureText, PROGRESS_LOG_END, progressHeader, progressLog, resultText, type RunFormat } from '../actions/juju-run-output.js';
import { mergeParams, parseActionArgs, readParamsFile } from '../actions/params.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim run <unit> <action> [key=value…]`: `juju run` on the simulated model. */
export function simRunCommand({ Command, Option, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimRunCommand extends SimCommand {
    static override paths = [['sim', 'run']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'run an action on a unit, like juju run: results, status and logs',
      details: `
        Params are \`key=value\`, dots nesting keys (\`file.kind=xz\`); values are read as YAML (\`count=3\` is a number,
        \`y\` a boolean) unless \`--string-args\` is given. \`--params\` reads a YAML file of params first; arguments
        override it. Params are checked against the charm's actions.yaml as Juju does (types, \`required\`,
        \`additionalProperties\`) and its defaults are filled in.

        Progress and \`action-log\` messages go to stderr. Plain output is Juju's: a failed action's message, its results
        as YAML, then its stdout and stderr; \`--format yaml|json\` print the whole task. The exit code is 1 when the
        action failed (non-zero exit or \`action-fail\`). Hooks the action's changes trigger run afterwards. Hooks are
        fired with \`lucky sim hook\`.
      `,
      examples: [
        ['Run an action', 'lucky sim run web/0 backup'],
        ['With params', 'lucky sim run web/0 backup filename=today.tar.gz compression.kind=xz'],
        ['Params from a file, as JSON', 'lucky sim run web/0 backup --params params.yaml --format json'],
      ],
    });

    unit = Option.String({ name: 'unit' });
    action = Option.String({ name: 'action' });
    args = Option.Rest({ name: 'key=value' });
    formatOption = Option.String('--format', 'plain', { description: 'plain, yaml or json' });
    override streamHooks = false;
    paramsFile = Option.String('--params', { description: 'YAML file of params' });
    stringArgs = Option.Boolean('--string-args', false, { description: 'Keep key=value values as strings' });

    async execute(): Promise<number> {
      const format = this.formatOption as RunFormat;
      if (!['plain', 'yaml', 'json'].includes(format)) throw new UsageError(`Invalid --format "${this.formatOption}": expected plain, yaml or json`);
      const model = await this.open();
      const fromFile = this.paramsFile === undefined ? {} : await readParamsFile(resolve(this.paramsFile));
      const params = mergeParams(fromFile, parseActionArgs(this.args, this.stringArgs));
      // Like juju run: the operation first, each action-log message as it comes, then the results.
      let logged = false;
      model.listener = {
        actionStarted: (action) => this.context.stderr.write(progressHeader(action)),
        actionLog: (_unit, _name, entry) => {
          logged = true;
          this.context.stderr.write(progressLog(entry));
        },
      };
      const result = await model.runAction(this.unit, this.action, params).finally(() => (model.listener = null));
      if (logged) this.context.stderr.write(PROGRESS_LOG_END);
      this.context.stdout.write(await resultText(result, format));
      let hooksFailed = false;
      for (const hook of result.hooks) {
        const ok = hook.exitCode === 0;
        hooksFailed ||= !ok;
        this.context.stderr.write(`${hook.unit.padEnd(12)} ${hook.hook.padEnd(32)} ${ok ? 'ok' : `failed (exit ${hook.exitCode})`}\n`);
      }
      if (result.status === 'failed') {
        this.context.stderr.write(failureText(result));
        return 1;
      }
      return hooksFailed ? 1 : 0;
    }
  };
}
