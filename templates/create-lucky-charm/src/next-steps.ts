import { isAbsolute, relative } from 'node:path';
import type { TemplateName } from './scaffold.js';

/** The image @lucky/httpreq-provider builds offline (`pnpm --filter @lucky/httpreq-provider image`). */
const PROVIDER_IMAGE = 'lucky-httpreq-provider:0.1.0';

/** Commands of the package manager that ran us (`npm create` / `pnpm create` / `yarn create`). */
function packageManager(userAgent: string | undefined): { install: string; exec: string; run: (script: string) => string } {
  if (userAgent?.startsWith('pnpm/')) return { install: 'pnpm install', exec: 'pnpm lucky', run: (script) => `pnpm ${script}` };
  if (userAgent?.startsWith('yarn/')) return { install: 'yarn', exec: 'yarn lucky', run: (script) => `yarn ${script}` };
  return { install: 'npm install', exec: 'npx lucky', run: (script) => (script === 'test' ? 'npm test' : `npm run ${script}`) };
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What to do after the charm exists: build, simulate, deploy. */
export function nextSteps(dir: string, cwd: string, name: string, userAgent: string | undefined, template: TemplateName = 'default'): string {
  const pm = packageManager(userAgent);
  const fromHere = relative(cwd, dir);
  const cd = fromHere === '' ? [] : [`cd ${shellWord(fromHere.startsWith('..') || isAbsolute(fromHere) ? dir : fromHere)}`];
  const lines = [
    ...cd,
    `${pm.install.padEnd(34)}# the lucky CLI and the simulator`,
    ...(template === 'k8s'
      ? [
          `${'docker pull busybox:stable'.padEnd(34)}# the web container's image (Docker runs it)`,
          `${pm.exec} sim deploy . --resource web-image=busybox:stable  # install … start, web-pebble-ready`,
        ]
      : template === 'httpreq-provider'
        ? [
            `pnpm --filter @lucky/httpreq-provider image  # in the Lucky repository: builds ${PROVIDER_IMAGE} offline`,
            `${pm.exec} sim deploy . -n 2 --resource httpreq-image=${PROVIDER_IMAGE}  # waits for git-repo and git-ssh-key`,
          ]
        : [`${`${pm.exec} sim deploy .`.padEnd(34)}# run install, config-changed, start locally`]),
    `${`${pm.exec} sim status`.padEnd(34)}# see what the scripts set`,
    `${pm.run('test').padEnd(34)}# the charm's test (tests/charm.test.mjs)`,
    `${pm.run('build').padEnd(34)}# lucky charm build: a deployable charm in build/`,
    template === 'k8s'
      ? `juju deploy ./build/${name}.charm --resource web-image=busybox:stable`
      : template === 'httpreq-provider'
        ? `juju deploy ./build/${name}.charm --resource httpreq-image=<registry>/${PROVIDER_IMAGE}  # see README.md`
        : `juju deploy ./build/${name}.charm`,
  ];
  return `Next steps:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
