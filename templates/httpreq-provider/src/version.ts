import { readFileSync } from 'node:fs';

/** This package's version; the bundle in the image inlines it (esbuild `define`). */
declare const __HTTPREQ_PROVIDER_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __HTTPREQ_PROVIDER_VERSION__ === 'string') return __HTTPREQ_PROVIDER_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const VERSION = readVersion();
