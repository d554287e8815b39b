import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { ErrorCode, LuckyError, type Logger } from '@lucky/core';
import { writeFileAtomic } from '@lucky/core/system';
import { unreachable, type Engine } from './engine.js';

export interface InstallOptions {
  /** The environment of the hook that installs (proxies, PATH), over the daemon's. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where systemd units live; the proxy drop-in goes to `<dir>/docker.service.d/http-proxy.conf`. */
  readonly systemdDir: string;
  readonly log: Logger;
  /** How long to wait for the engine after starting it. */
  readonly startTimeoutMs: number;
  readonly attempts?: number;
  readonly retryDelayMs?: number;
}

const PROXIES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const;

type ProxyName = (typeof PROXIES)[number];

/** Each proxy that is set, with the variable it was read from. */
function proxySources(env: Readonly<Record<string, string | undefined>>): Array<{ name: ProxyName; variable: string; value: string }> {
  const found: Array<{ name: ProxyName; variable: string; value: string }> = [];
  for (const name of PROXIES) {
    const variable = [name, name.toLowerCase(), `JUJU_CHARM_${name}`].find((candidate) => env[candidate]);
    if (variable) found.push({ name, variable, value: env[variable]! });
  }
  return found;
}

/** The proxy settings of the hook: `HTTP_PROXY`, `http_proxy`, then Juju's `JUJU_CHARM_HTTP_PROXY`. */
export function proxySettings(env: Readonly<Record<string, string | undefined>>): Partial<Record<ProxyName, string>> {
  const settings: Partial<Record<ProxyName, string>> = {};
  for (const { name, value } of proxySources(env)) settings[name] = value;
  return settings;
}

/** C0 and C1 control characters and DEL: no proxy URL or host list holds one. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One `Environment=` line, quoted by systemd's rules (systemd.syntax(7), systemd.unit(5)):
 * inside double quotes a backslash starts a C escape, so `\` and `"` are escaped; `%`
 * starts a specifier even inside quotes, so it is doubled; `$` means nothing here. A
 * control character cannot be written safely (a newline would end the line and add
 * settings of its own to the unit), so such a value is refused, naming its variable
 * but not its value, which may hold a password.
 */
function environmentLine(name: ProxyName, variable: string, value: string): string {
  const bad = CONTROL.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    const what =
      code === 0x0a
        ? 'a newline'
        : code === 0x0d
          ? 'a carriage return'
          : code === 0x09
            ? 'a tab'
            : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `The proxy setting ${variable} contains ${what}, which cannot be written safely into Docker's systemd unit (a newline would add settings of its own), so Lucky did not install Docker. Correct ${variable} (under Juju: the model's juju-http-proxy, juju-https-proxy or juju-no-proxy setting) and retry.`,
      { data: { variable } },
    );
  }
  return `Environment="${`${name}=${value}`.replace(/(["\\])/g, '\\$1').replace(/%/g, '%%')}"`;
}

/**
 * The systemd drop-in that gives dockerd the proxies, or undefined when there are none.
 * Throws a LuckyError naming the variable when a value holds a control character.
 */
export function proxyDropIn(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const lines = proxySources(env).map(({ name, variable, value }) => environmentLine(name, variable, value));
  return lines.length === 0 ? undefined : `# Written by Lucky: proxies for the Docker engine.\n[Service]\n${lines.join('\n')}\n`;
}

async function findExecutable(name: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function childEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.DEBIAN_FRONTEND = 'noninteractive';
  return out;
}

/** Runs a command with an argument array, retrying; the error names the command and its last output. */
async function run(what: string, file: string, args: readonly string[], options: InstallOptions, attempts: number): Promise<void> {
  const line = [file, ...args].join(' ');
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    options.log.info(`Running ${line}${attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''}`);
    const result = await execa(file, args, { env: childEnv(options.env), extendEnv: false, reject: false, stdin: 'ignore', all: true });
    if (!result.failed) return;
    const output = String(result.all ?? '')
      .trim()
      .split('\n')
      .slice(-5)
      .join(' | ');
    last = result.exitCode === undefined ? String(result.originalMessage ?? result.shortMessage) : `exit code ${result.exitCode}${output ? `: ${output}` : ''}`;
    options.log.warn(`${line} failed: ${last}`);
    if (attempt < attempts) await sleep(options.retryDelayMs ?? 2_000);
  }
  throw new LuckyError(ErrorCode.ContainerFailed, `Could not ${what}: "${line}" failed${attempts > 1 ? ` ${attempts} times; last:` : ':'} ${last}`);
}

/**
 * Makes sure a Docker engine answers (DMN-60, GAP-22 fixed): if it does not,
 * `apt-get update` and `apt-get install -y docker.io` (non-interactive, retried),
 * write the proxy drop-in (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) when the hook has
 * proxies, `systemctl daemon-reload` + `restart docker` when systemd is there,
 * and wait, bounded, for the engine to answer.
 */
export async function ensureEngine(engine: Engine, options: InstallOptions): Promise<void> {
  const { log } = options;
  if ((await engine.ping()) === undefined) {
    log.debug(`Docker engine answers at ${engine.socketPath}`);
    return;
  }
  const attempts = options.attempts ?? 3;
  const aptGet = await findExecutable('apt-get', options.env);
  if (!aptGet) {
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      `Docker engine unreachable at ${engine.socketPath}, and apt-get was not found to install it: Lucky installs Docker on Debian and Ubuntu only; install and start Docker by hand`,
    );
  }
  // Checked before anything is installed: a proxy value that cannot be written is refused up front.
  const dropIn = proxyDropIn(options.env);
  log.info(`No Docker engine at ${engine.socketPath}; installing docker.io`);
  await run('install Docker', aptGet, ['update'], options, attempts);
  await run('install Docker', aptGet, ['install', '-y', '-o', 'DPkg::Lock::Timeout=300', 'docker.io'], options, attempts);

  if (dropIn) {
    const dir = join(options.systemdDir, 'docker.service.d');
    const file = join(dir, 'http-proxy.conf');
    try {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(file, dropIn);
    } catch (error) {
      throw new LuckyError(ErrorCode.ContainerFailed, `Could not write the Docker proxy settings to ${file}: ${(error as Error).message}`);
    }
    log.info(`Wrote Docker proxy settings to ${file}`);
  }

  // A failed systemctl (no systemd as PID 1, say) is not the end: the package may have started dockerd.
  const systemctl = await findExecutable('systemctl', options.env);
  let started = 'there is no systemctl to start it';
  if (systemctl) {
    try {
      await run('start Docker', systemctl, ['daemon-reload'], options, 1);
      await run('start Docker', systemctl, ['restart', 'docker'], options, 2);
      started = 'docker was restarted';
    } catch (error) {
      started = (error as Error).message.replace(/^Could not start Docker: /, '');
    }
  } else {
    log.warn('systemctl not found: cannot (re)start the Docker engine; waiting for it to come up on its own');
  }

  const deadline = Date.now() + options.startTimeoutMs;
  let reason = await engine.ping(1_000);
  while (reason !== undefined && Date.now() < deadline) {
    await sleep(250);
    reason = await engine.ping(1_000);
  }
  if (reason !== undefined) {
    throw unreachable(
      engine.socketPath,
      `${reason}; docker.io was installed and ${started}, yet the engine did not answer within ${options.startTimeoutMs} ms`,
    );
  }
  log.info(`Docker engine installed and answering at ${engine.socketPath}`);
}
