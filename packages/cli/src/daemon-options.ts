import { Command, Option } from 'clipanion';
import { ErrorCode, LuckyError, resolveDataDir, resolveSocketPath } from '@lucky/core/client';
import { callerCwd } from './fast/caller.js';

/** Where a unit's daemon lives, from options or the hook environment. */
export interface DaemonLocation {
  readonly unit: string;
  readonly charmDir: string;
  readonly dataDir: string;
  readonly socketPath: string;
}

/** Options shared by the daemon commands and `dispatch`. */
export abstract class DaemonCommand extends Command {
  unitName = Option.String('--unit-name', { env: 'JUJU_UNIT_NAME', description: 'Juju unit name (default: $JUJU_UNIT_NAME)' });
  charmDir = Option.String('--charm-dir', { env: 'JUJU_CHARM_DIR', description: 'Charm directory (default: $JUJU_CHARM_DIR, else the current directory)' });
  dataDir = Option.String('--data-dir', { env: 'LUCKY_DATA_DIR', description: 'Unit data directory (default: /var/lib/lucky/<unit>)' });
  socketPath = Option.String('--socket-path', { env: 'LUCKY_DAEMON_SOCKET', description: 'Daemon socket (default: /run/lucky/<unit>/daemon.sock)' });

  protected location(): DaemonLocation {
    const unit = this.unitName;
    // Not a usage error: the same command line works in a hook (exit 1, as for every client command).
    if (!unit) throw new LuckyError(ErrorCode.NotInHookContext, 'Not in a hook context: JUJU_UNIT_NAME is not set; pass --unit-name <app/N>.');
    const env = this.context.env;
    return {
      unit,
      charmDir: this.charmDir ?? callerCwd(this.context),
      dataDir: this.dataDir ?? resolveDataDir(unit, { ...env, LUCKY_DATA_DIR: undefined }),
      socketPath: this.socketPath ?? resolveSocketPath(unit, { ...env, LUCKY_DAEMON_SOCKET: undefined }),
    };
  }
}
