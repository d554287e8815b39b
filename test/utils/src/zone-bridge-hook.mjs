// A bare repository's post-receive hook (installed by zone-bridge.ts): publishes the TXT
// records of the pushed zone files (`<domain>.domain` at the root of HEAD) in
// pebble-challtestsrv, so pebble validates DNS-01 against what the provider pushed. It runs
// inside the push, before `git push` returns, so a record is served once present answered.
// argv: <challtestsrv management URL> <state file: the records it published last>.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [management, stateFile] = process.argv.slice(2);
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' });

/** host (FQDN with the final dot) → sorted TXT values, from every zone file at HEAD. */
function records() {
  const found = {};
  for (const file of git('ls-tree', '--name-only', 'HEAD').split('\n')) {
    if (!file.endsWith('.domain')) continue;
    const zone = file.slice(0, -'.domain'.length);
    for (const line of git('show', `HEAD:${file}`).split('\n')) {
      const match = /^(\S+)\s+(?:\d+\s+)?IN\s+TXT\s+"([^"]*)"\s*$/.exec(line);
      if (!match || line.startsWith(';')) continue;
      const name = match[1];
      const host = name === '@' || name === '.' ? `${zone}.` : name.endsWith('.') ? name : `${name}.${zone}.`;
      (found[host] ??= []).push(match[2]);
    }
  }
  for (const values of Object.values(found)) values.sort();
  return found;
}

async function post(path, body) {
  const response = await fetch(`${management}/${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`challtestsrv ${path}: ${response.status} ${await response.text()}`);
}

const before = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
const after = records();
for (const host of new Set([...Object.keys(before), ...Object.keys(after)])) {
  const old = JSON.stringify(before[host] ?? []);
  const now = after[host] ?? [];
  if (old === JSON.stringify(now)) continue;
  // clear-txt removes every value of the host; set-txt adds one.
  await post('clear-txt', { host });
  for (const value of now) await post('set-txt', { host, value });
  console.log(`zone bridge: ${host} TXT ${now.length === 0 ? '(none)' : now.join(' ')}`);
}
writeFileSync(stateFile, JSON.stringify(after));
