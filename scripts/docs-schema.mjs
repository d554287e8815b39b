#!/usr/bin/env node
// Writes the JSON Schema of lucky.yaml, converted from the valibot schema that Lucky itself
// validates with (packages/core/src/config/schema.ts), to the docs site
// (docs/public/lucky.schema.json) and to the @lucky/cli package (packages/cli/lucky.schema.json,
// committed: the template's lucky.yaml names it so that editors check charms offline).
// `--check` writes nothing and exits 1 when the package's copy is not what the schema gives.
// Run after `pnpm build` (it reads @lucky/core's compiled schema).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { luckyJsonSchema } from './lucky-json-schema.mjs';

const packaged = fileURLToPath(new URL('../packages/cli/lucky.schema.json', import.meta.url));
// Formatted as `pnpm lint` (prettier --check) expects the committed copy to be.
const text = await format(JSON.stringify(luckyJsonSchema()), { ...(await resolveConfig(packaged)), filepath: packaged });
if (process.argv.includes('--check')) {
  if (readFileSync(packaged, 'utf8') !== text) {
    process.stderr.write(`Error: ${packaged} is not the schema of packages/core/src/config/schema.ts; run pnpm docs:generate and commit it.\n`);
    process.exit(1);
  }
  process.stdout.write(`${packaged} is up to date\n`);
} else {
  for (const file of [fileURLToPath(new URL('../docs/public/lucky.schema.json', import.meta.url)), packaged]) {
    mkdirSync(dirname(file), { recursive: true }); // docs/public holds only generated files, none in git
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
