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
const model = await LocalModel.create(join(dir, `s`), { path: [bin] });
const all: any[] = [];
const t0 = performance.now(); console.log('start', new Date().toISOString());
all.push(...await model.deploy(DEMO, { name: 'demo', units: 2 }));
all.push(...await model.deploy(DB, { name: 'db' }));
all.push(...await model.relate('demo:db', 'db'));
const total = performance.now() - t0;
let sum = 0;


console.log(`total ${total.toFixed(0)} hooks sum ${sum.toFixed(0)}`);
console.log(dir);

