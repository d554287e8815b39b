import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Files of a charm: path → content; paths under host_scripts/, bin/ or named dispatch are made executable. */
export type CharmFiles = Readonly<Record<string, string>>;

export async function writeCharm(dir: string, files: CharmFiles): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    if (/^(host_scripts|container_scripts|bin|hooks)\//.test(path) || path === 'dispatch') await chmod(file, 0o755);
  }
  return dir;
}
