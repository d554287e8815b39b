// lucky-runtime-recorder: a complete third-party container runtime for Lucky.
//
// Instead of running containers it appends every call Lucky makes to a JSON-lines file (the
// `log` option), answers container scripts with a line of output, serves the RPC method
// `recorder.calls`, and adds the command `lucky recorder calls` that calls it. A charm selects
// it in lucky.yaml with `runtime: lucky-runtime-recorder` and lists it, with its options, under
// `plugins:` as `[lucky-runtime-recorder, { log: /path/to/calls.jsonl }]`.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import * as v from 'valibot';

/** The plugin factory: Lucky calls it with the options of `[name, {options}]` in lucky.yaml. */
export default function recorder(options) {
  if (typeof options?.log !== 'string')
    throw new Error('lucky-runtime-recorder needs a log file: list it in lucky.yaml as [lucky-runtime-recorder, { log: <path> }]');
  const record = (entry) => appendFileSync(options.log, JSON.stringify(entry) + '\n');
  const calls = () =>
    existsSync(options.log)
      ? readFileSync(options.log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
  // The containers the last apply defined; a real runtime would ask its engine.
  let running = new Set();

  return {
    name: 'lucky-runtime-recorder',

    // The container runtime: Lucky calls these, never the scripts directly.
    runtime: {
      name: 'recorder',
      // Where container scripts are, as seen inside a container.
      scriptsDir: '/recorded/scripts',
      // The environment that lets `lucky` inside a container reach the unit's daemon.
      clientEnvironment: (container) => ({ LUCKY_DAEMON_SOCKET: `/in-${container || 'default'}/lucky.sock` }),
      // In the install hook: make sure the engine exists.
      async ensureEngine(daemon) {
        record({ call: 'ensureEngine', hook: daemon.currentHook()?.hook });
      },
      // After each script that changed a definition (and in start, update-status, upgrade-charm):
      // make the containers match `definitions` (container name → image, env, volumes, ports…).
      async apply(definitions, daemon, opts) {
        record({ call: 'apply', hook: daemon.currentHook()?.hook, definitions, force: opts?.force ?? false });
        running = new Set(Object.keys(definitions));
      },
      async isRunning(name) {
        return running.has(name);
      },
      // container-script and inline-container-script entries: run `command` in container `name`
      // with `opts.env`, stream its output through `opts.output`, return its exit code.
      async exec(name, command, opts, daemon) {
        record({ call: 'exec', container: name, command, hook: daemon.currentHook()?.hook });
        opts.output('stdout', `recorded exec of ${command.join(' ')}\n`);
        return 0;
      },
      // In stop and remove: remove every container of the unit.
      async removeAll(daemon) {
        record({ call: 'removeAll', hook: daemon.currentHook()?.hook });
        running = new Set();
      },
    },

    // RPC methods, checked with valibot on both sides of the daemon's socket.
    rpc: {
      'recorder.calls': {
        params: v.object({ call: v.optional(v.string()) }),
        result: v.object({ count: v.number() }),
        handler: ({ call }) => ({ count: calls().filter((entry) => call === undefined || entry.call === call).length }),
      },
    },

    // `lucky recorder calls [--call <name>]`, for scripts of the charms that list this plugin.
    commands: ({ Command, Option, ClientCommand }) => [
      class RecorderCallsCommand extends ClientCommand {
        static paths = [['recorder', 'calls']];
        static usage = Command.Usage({
          category: 'Recorder',
          description: 'count the runtime calls the recorder saw',
          examples: [['Count the container scripts run', 'lucky recorder calls --call exec']],
        });
        only = Option.String('--call', { description: 'Only calls of this runtime method' });
        async execute() {
          const { count } = await this.call('recorder.calls', this.only === undefined ? {} : { call: this.only });
          this.context.stdout.write(`${count}\n`);
          return 0;
        }
      },
    ],
  };
}
