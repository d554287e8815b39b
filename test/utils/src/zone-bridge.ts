import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = fileURLToPath(new URL('./zone-bridge-hook.mjs', import.meta.url));

/**
 * Makes every push to the bare repository `gitDir` publish its zone files' TXT records in
 * pebble-challtestsrv (its management API at `management`), through a post-receive hook:
 * the push waits for it, so a record is in DNS as soon as the provider's present answered,
 * and gone once its cleanup answered. `stateFile` keeps what it published.
 */
export async function installZoneBridge(gitDir: string, management: string, stateFile: string): Promise<void> {
  const hook = join(gitDir, 'hooks', 'post-receive');
  await writeFile(
    hook,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(HOOK)} ${JSON.stringify(management)} ${JSON.stringify(stateFile)}\n`,
  );
  await chmod(hook, 0o755);
}
