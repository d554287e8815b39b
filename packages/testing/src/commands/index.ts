// `@lucky/testing/commands`: the simulator as `lucky sim …`, a plugin whose
// commands the `lucky` CLI loads when its first word is `sim`.
import { definePlugin, type Plugin } from '@lucky/core';
import { simAddUnitCommand } from './add-unit.js';
import { simAdvanceCommand } from './advance.js';
import { simAddSecretCommand } from './add-secret.js';
import { simGrantSecretCommand } from './grant-secret.js';
import { simSecretsCommand } from './secrets.js';
import { simShowSecretCommand } from './show-secret.js';
import { simConfigCommand } from './config.js';
import { simDeployCommand } from './deploy.js';
import { simDestroyCommand } from './destroy.js';
import { simLogCommand } from './log.js';
import { simNotifyCommand } from './notify.js';
import { simRelateCommand } from './relate.js';
import { simRemoveRelationCommand } from './remove-relation.js';
import { simRemoveUnitCommand } from './remove-unit.js';
import { simRemoveApplicationCommand } from './remove-application.js';
import { simResolvedCommand } from './resolved.js';
import { simRestartContainerCommand } from './restart-container.js';
import { simRunCommand } from './run.js';
import { simHookCommand } from './hook.js';
import { simCommandBase } from './sim-command.js';
import { simStatusCommand } from './status.js';
import { simUpgradeCommand } from './upgrade.js';

export { formatStatus } from './status-table.js';
export { jujuStatus, jujuDocument, type JujuStatus } from './status-juju.js';

/** The `lucky sim` commands, in help order. */
export default function simulatorPlugin(): Plugin {
  return definePlugin({
    name: '@lucky/testing',
    commands(kit) {
      const sim = { ...kit, SimCommand: simCommandBase(kit) };
      return [
        simDeployCommand(sim),
        simAddUnitCommand(sim),
        simRemoveUnitCommand(sim),
        simRemoveApplicationCommand(sim),
        simConfigCommand(sim),
        simRelateCommand(sim),
        simRemoveRelationCommand(sim),
        simHookCommand(sim),
        simRunCommand(sim),
        simResolvedCommand(sim),
        simUpgradeCommand(sim),
        simAdvanceCommand(sim),
        simAddSecretCommand(sim),
        simGrantSecretCommand(sim),
        simSecretsCommand(sim),
        simShowSecretCommand(sim),
        simNotifyCommand(sim),
        simRestartContainerCommand(sim),
        simStatusCommand(sim),
        simLogCommand(sim),
        simDestroyCommand(sim),
      ];
    },
  });
}
