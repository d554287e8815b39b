import { join } from 'node:path';
import { writeLuckyShim } from '@lucky/core';
import { LocalModel } from '@lucky/testing';
import { LUCKY_BIN, tempDir, writeCharm } from '@lucky/test-utils';
import { writeFileSync } from 'node:fs';
const dir = await tempDir('lucky-noop-');
const bin = join(dir, 'bin');
writeLuckyShim(bin, process.execPath, LUCKY_BIN);
const noop = await writeCharm(join(dir, 'noop'), {
  'metadata.yaml': 'name: noop\nsummary: does nothing\n',
  'lucky.yaml': 'use-docker: false\nhooks:\n  noop:\n    - inline-host-script: "true"\n',
  dispatch: '#!/bin/sh\nexec lucky dispatch\n',
});
const bare = await LocalModel.create(join(dir, 'noop-model'), { path: [bin] });
await bare.deploy(noop);
for (let i = 0; i < 5; i++) await bare.run('noop/0', 'noop');
writeFileSync('/tmp/exp/go', String(process.pid));

const t = [];
for (let i = 0; i < 30; i++) { const s = performance.now(); await bare.run('noop/0', 'noop'); t.push((performance.now() - s).toFixed(1)); }
console.log(t.join(' '));
await bare.destroy();
