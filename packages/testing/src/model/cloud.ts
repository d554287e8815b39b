/**
 * The cloud the simulated model runs on, as `credential-get` reports it (Juju's
 * params.CloudSpec): the machine's own LXD, reached locally, whose credential
 * holds no secret (auth type `empty`). Node builtins only: tool processes import it.
 */
import { GoStruct } from '../tools/format.js';

export function simulatedCloudSpec(): GoStruct {
  // params.CloudSpec has only json tags, so go-yaml uses the lower-cased field names.
  const credential = new GoStruct([
    { name: 'auth-type', value: 'empty', only: 'json' },
    { name: 'authtype', value: 'empty', only: 'yaml' },
    { name: 'attrs', value: {}, only: 'json', omitEmpty: true },
    { name: 'attributes', value: {}, only: 'yaml' },
    { name: 'redacted', value: [], only: 'json', omitEmpty: true },
    { name: 'redacted', value: [], only: 'yaml' },
  ]);
  return new GoStruct([
    { name: 'type', value: 'lxd' },
    { name: 'name', value: 'localhost' },
    { name: 'region', value: 'localhost', only: 'json', omitEmpty: true },
    { name: 'region', value: 'localhost', only: 'yaml' },
    { name: 'endpoint', value: '', only: 'json', omitEmpty: true },
    { name: 'endpoint', value: '', only: 'yaml' },
    { name: 'identity-endpoint', value: '', only: 'json', omitEmpty: true },
    { name: 'identityendpoint', value: '', only: 'yaml' },
    { name: 'storage-endpoint', value: '', only: 'json', omitEmpty: true },
    { name: 'storageendpoint', value: '', only: 'yaml' },
    { name: 'credential', value: credential },
    { name: 'cacertificates', value: [], only: 'json', omitEmpty: true },
    { name: 'cacertificates', value: [], only: 'yaml' },
    { name: 'skip-tls-verify', value: false, only: 'json', omitEmpty: true },
    { name: 'skiptlsverify', value: false, only: 'yaml' },
    { name: 'is-controller-cloud', value: true, only: 'json', omitEmpty: true },
    { name: 'iscontrollercloud', value: true, only: 'yaml' },
  ]);
}
