import { isIP } from 'node:net';
import { ErrorCode, LuckyError } from '@lucky/core';

/** The variable that tells the runtime which host address published ports bind to. */
export const HOST_IP_VARIABLE = 'LUCKY_DOCKER_HOST_IP';

/**
 * The host address published container ports bind to: the option, else
 * `LUCKY_DOCKER_HOST_IP`, else '' (every address, as on a Juju machine). The
 * simulator sets the variable to each unit's own address (`127.0.1.N`), so units
 * sharing one engine can publish the same port side by side.
 */
export function resolveHostIp(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromOption = option !== undefined;
  const value = (fromOption ? option : (env[HOST_IP_VARIABLE] ?? '')).trim();
  if (value === '' || isIP(value) !== 0) return value;
  const where = fromOption ? 'the Docker plugin option "hostIp"' : HOST_IP_VARIABLE;
  throw new LuckyError(
    ErrorCode.InvalidArgument,
    `Invalid host address "${value}" in ${where}: expected an IPv4 or IPv6 address (e.g. 127.0.1.2), or nothing to publish ports on every address.`,
  );
}
