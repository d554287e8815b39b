import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isFqdnCompliant, isValidDomain } from '../src/names.js';
import { validateChallenge } from '../src/http/form.js';

const test = suite('forms: FQDN rules as Canonical');

test('is_fqdn_compliant accept and reject table (the hostname after _acme-challenge.)', () => {
  for (const host of ['', 'com', 'ex..ample.com', '-example.com', 'example-.com', 'exa$mple.com', '*.example.com', 'a_b.example.com']) {
    assert.not.ok(isFqdnCompliant(`_acme-challenge.${host}`), host);
  }
  for (const host of ['smth.example.com', 'example.com', 'example.com.', 'EXAMPLE.com', 'xn--bcher-kva.example', `${'a'.repeat(63)}.com`]) {
    assert.ok(isFqdnCompliant(`_acme-challenge.${host}`), host);
  }
  assert.not.ok(isFqdnCompliant(`_acme-challenge.${'a'.repeat(64)}.com`), 'a 64-character label');
  assert.not.ok(isFqdnCompliant('example.com'), 'the prefix is required');
  assert.not.ok(isFqdnCompliant('_acme-challenge.'), 'a prefix alone');
});

test("grant names: Django's Domain validator", () => {
  for (const ok of ['example.com', 'sub.example.co.uk', 'a-b.example.es']) assert.ok(isValidDomain(ok), ok);
  for (const bad of ['example', 'x.c', '-a.com', 'a-.com', 'example.c0m', '_acme-challenge.example.com', '*.example.com', 'example.com.'])
    assert.not.ok(isValidDomain(bad), bad);
});

test('the form: trailing dots stripped, values trimmed, RAW bodies turned into a record', () => {
  assert.equal(validateChallenge({ fqdn: '_acme-challenge.example.com.', value: ' v ' }), { challenge: { fqdn: '_acme-challenge.example.com', value: 'v' } });
  assert.equal(validateChallenge({ fqdn: '_acme-challenge.example.com', value: 42 }), { challenge: { fqdn: '_acme-challenge.example.com', value: '42' } });
  assert.equal(validateChallenge({ domain: '*.example.com', token: 't', keyAuth: 'abc' }), {
    challenge: { fqdn: '_acme-challenge.example.com', value: 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0' },
  });
  for (const value of ['a"b', 'a\nevil 600 IN A 192.0.2.6', 'a b', 'a\\', 'é', 'x'.repeat(256)]) {
    assert.equal(
      validateChallenge({ fqdn: '_acme-challenge.example.com', value }),
      { errors: { value: [{ message: 'Enter a valid value.', code: 'invalid' }] } },
      value,
    );
  }
  assert.equal(validateChallenge({ value: 'v' }), { errors: { fqdn: [{ message: 'Please provide a valid FQDN', code: 'invalid' }] } });
});

test.run();
