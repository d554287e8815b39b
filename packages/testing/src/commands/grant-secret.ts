import type { CommandClass } from '@lucky/core';
import { grantUserSecret } from '../secrets/user.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim grant-secret <name|id> <app>[,<app>…]`: `juju grant-secret`. */
export function simGrantSecretCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimGrantSecretCommand extends SimCommand {
    static override paths = [['sim', 'grant-secret']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'let applications read a user secret, like `juju grant-secret`',
      examples: [
        ['By name', 'lucky sim grant-secret db-creds web'],
        ['By id, to two applications', 'lucky sim grant-secret secret:d0l4ft3ndudj2q1f2d6g web,worker'],
      ],
    });

    secret = Option.String({ name: 'secret' });
    apps = Option.String({ name: 'application[,application…]' });

    async execute(): Promise<number> {
      const model = await this.open();
      await grantUserSecret(
        model.dir,
        this.secret,
        this.apps.split(',').filter((app) => app !== ''),
      );
      return 0;
    }
  };
}
