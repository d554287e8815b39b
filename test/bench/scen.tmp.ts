import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLuckyShim } from '@lucky/core';
import { LocalModel } from '@lucky/testing';
import { LUCKY_BIN, removeDir, tempDir } from '@lucky/test-utils';
const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const DB = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));
const dir = await tempDir('lucky-scen-');
const bin = join(dir, 'bin');
writeLuckyShim(bin, process.execPath, LUCKY_BIN);
for (let i = 0; i < 3; i++) {
  const model = await LocalModel.create(join(dir, `s${i}`), { path: [bin] });
  const t0 = performance.now();
  const times: string[] = [];
  let t = t0;
  const mark = (what: string) => { const n = performance.now(); times.push(`${what} ${(n - t).toFixed(0)}`); t = n; };
  await model.deploy(DEMO, { name: 'demo', units: 2 }); mark('demo');
  await model.deploy(DB, { name: 'db' }); mark('db');
  await model.relate('demo:db', 'db'); mark('relate');
  console.log(`total ${(performance.now() - t0).toFixed(0)} ms: ${times.join(', ')}`);
  await model.destroy();
}
await removeDir(dir);
