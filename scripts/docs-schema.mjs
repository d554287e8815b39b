#!/usr/bin/env node
// Writes the JSON Schema of lucky.yaml, converted from the valibot schema that Lucky itself
// validates with (packages/core/src/config/schema.ts), to the docs site
// (docs/public/lucky.schema.json) and to the @lucky/cli package (packages/cli/lucky.schema.json),
// which the template's lucky.yaml names so that editors check charms offline.
// Run after `pnpm build` (it reads @lucky/core's compiled schema).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { luckyJsonSchema } from './lucky-json-schema.mjs';

const text = JSON.stringify(luckyJsonSchema(), null, 2) + '\n';
for (const target of ['../docs/public/lucky.schema.json', '../packages/cli/lucky.schema.json']) {
  const file = fileURLToPath(new URL(target, import.meta.url));
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
