import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { removeDir, tempDir } from '@lucky/test-utils';
import { allowDomains, createUser } from '../../templates/httpreq-provider/src/db/commands.js';
import { emptyDatabase } from '../../templates/httpreq-provider/src/db/schema.js';
import { writeDatabase } from '../../templates/httpreq-provider/src/db/store.js';
import { parseRepositoryUrl } from '../../templates/httpreq-provider/src/git/repo-url.js';
import { ZoneRepository } from '../../templates/httpreq-provider/src/git/zone-repository.js';
import { startServer } from '../../templates/httpreq-provider/src/http/server.js';
import { median, ms, percentile, report, timed } from './stats.js';

const git = (cwd: string, ...args: string[]) => execa('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', '-c', 'init.defaultBranch=main', ...args], { cwd });

/**
 * Issue 11's provider: one present or cleanup through HTTP (Basic auth, the kept working clone,
 * commit, push to a local bare repository whose tree is 16 MB) against Canonical's git steps for
 * the same change (a fresh shallow clone, commit, push), which is its known bottleneck (defect k).
 */
export async function benchHttpreq(): Promise<void> {
  const dir = await tempDir('lucky-bench-httpreq-');
  try {
    const seed = join(dir, 'seed');
    await mkdir(seed);
    await git(dir, 'init', '-q', '--bare', 'zones.git');
    await git(seed, 'init', '-q');
    await writeFile(join(seed, 'example.com.domain'), 'site 600 IN A 192.0.2.1\n');
    for (let i = 0; i < 2000; i++) await writeFile(join(seed, `zone${i}.txt`), randomBytes(6000).toString('base64'));
    await git(seed, 'add', '-A');
    await git(seed, 'commit', '-qm', 'zones');
    const bare = join(dir, 'zones.git');
    await git(seed, 'push', '-q', bare, 'HEAD:refs/heads/main');

    let db = (await createUser(emptyDatabase(), 'bench', 'bench-pw')).db!;
    db = allowDomains(db, 'bench', ['example.com'], []).db!;
    await writeDatabase(join(dir, 'users.json'), db);
    const repository = new ZoneRepository({ location: parseRepositoryUrl(`${bare}@main`), workdir: join(dir, 'work') });
    const server = await startServer({ host: '127.0.0.1', port: 0, db: join(dir, 'users.json'), repository, log: () => undefined });
    const auth = `Basic ${Buffer.from('bench:bench-pw').toString('base64')}`;
    const post = async (path: string, value: string) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: `${JSON.stringify({ fqdn: '_acme-challenge.example.com.', value })}\n`,
      });
      if (res.status !== 204) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    };
    try {
      await post('/present', 'warm');
      await post('/cleanup', 'warm');
      const kept: number[] = [];
      for (let i = 0; i < 20; i++) {
        kept.push(await timed(() => post('/present', `v${i}`)));
        kept.push(await timed(() => post('/cleanup', `v${i}`)));
      }
      const fresh: number[] = [];
      for (let i = 0; i < 10; i++) {
        const clone = join(dir, `clone${i}`);
        fresh.push(
          await timed(async () => {
            await git(dir, 'clone', '-q', '--depth', '1', '--branch', 'main', bare, clone);
            await writeFile(join(clone, 'example.com.domain'), `site 600 IN A 192.0.2.1\n_acme-challenge 600 IN TXT "v${i}"\n`);
            await git(clone, 'commit', '-qam', `Add _acme-challenge.example.com record`);
            await git(clone, 'push', '-q', 'origin', 'HEAD:main');
          }),
        );
        await removeDir(clone);
      }
      report('httpreq present/cleanup over HTTP, kept clone (median)', `${ms(median(kept))} (p90 ${ms(percentile(kept, 90))}, n=${kept.length})`, {
        ok: median(kept) < median(fresh),
        text: `< Canonical's git steps, ${ms(median(fresh))}`,
      });
      report("Canonical's git steps: shallow clone + commit + push (median)", `${ms(median(fresh))} (p90 ${ms(percentile(fresh, 90))}, n=${fresh.length})`);
    } finally {
      await server.close();
    }
  } finally {
    await removeDir(dir);
  }
}
