/**
 * Which Temporal server faultline uses (temporal-target.ts): the temporal CLI's config file and
 * TEMPORAL_* variables, read by @temporalio/envconfig, the lab's dev server when nothing is set,
 * and the lab's workers kept on the lab whatever a shell configures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { explainTlsError } from '../../src/platform/temporal-diagnosis';
import { labTemporalEnv, temporalTarget } from '../../src/platform/temporal-target';

const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-temporal-target-'));
const NO_FILE = { TEMPORAL_CONFIG_FILE: path.join(dir, 'absent.toml') };
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const pem = file('x.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

describe('Temporal target (unit)', () => {
  it("is the lab's dev server when nothing is configured", () => {
    const t = temporalTarget({ ...NO_FILE, FAULTLINE_TEMPORAL_PORT: '17233' });
    assert.deepEqual(
      [t.address, t.namespace, t.tls, t.apiKey, t.lab],
      ['127.0.0.1:17233', 'default', 'none', false, true],
    );
    assert.match(t.source, /nothing configured/);
  });

  it('takes a config file without profiles (comments only) as no configuration', () => {
    const t = temporalTarget({ TEMPORAL_CONFIG_FILE: file('comments.toml', '# nothing here\n') });
    assert.equal(t.lab, true);
  });

  it('takes TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, and another address is not the lab', () => {
    const t = temporalTarget({ ...NO_FILE, TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'drills' });
    assert.deepEqual([t.address, t.namespace, t.lab], ['temporal.internal:7233', 'drills', false]);
    assert.match(t.source, /TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE/);
  });

  it("reads a profile of the config file, its TLS files, and TEMPORAL_PROFILE's choice", () => {
    const config = file(
      'temporal.toml',
      `[profile.default]\naddress = "127.0.0.1:7233"\n[profile.prod]\naddress = "prod.example:7233"\nnamespace = "prod"\n` +
        `[profile.prod.tls]\nserver_ca_cert_path = "${pem}"\nclient_cert_path = "${pem}"\nclient_key_path = "${pem}"\nserver_name = "temporal.prod"\n`,
    );
    const t = temporalTarget({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod' });
    assert.deepEqual([t.address, t.namespace, t.tls, t.lab], ['prod.example:7233', 'prod', 'mTLS', false]);
    assert.match(t.source, new RegExp(`profile "prod" of ${config}`));
    const tls = t.connection.tls as { serverNameOverride?: string; serverRootCACertificate?: Uint8Array };
    assert.equal(tls.serverNameOverride, 'temporal.prod');
    assert.ok(tls.serverRootCACertificate && tls.serverRootCACertificate.length > 0);
    const lab = temporalTarget({ TEMPORAL_CONFIG_FILE: config });
    assert.equal(lab.lab, true, 'the default profile names the lab address, without TLS');
  });

  it('turns TLS on for an API key, and an API key or TLS on the lab address is not the lab', () => {
    const t = temporalTarget({ ...NO_FILE, TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_API_KEY: 'k' });
    assert.deepEqual([t.tls, t.apiKey, t.lab, t.connection.tls], ['TLS', true, false, true]);
    assert.doesNotMatch(JSON.stringify({ ...t, connection: undefined }), /"k"/, 'the key is not in what is printed');
  });

  it('names TEMPORAL_PROFILE and the file when the profile does not exist', () => {
    const config = file('one.toml', '[profile.default]\naddress = "a:1"\n');
    assert.throws(
      () => temporalTarget({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'nope' }),
      (err: Error) => err.message.includes('TEMPORAL_PROFILE=nope') && err.message.includes(config),
    );
  });

  it("gives the lab's processes the lab's dev server, whatever the shell configures", () => {
    const env = labTemporalEnv({
      TEMPORAL_ADDRESS: 'prod.example:7233',
      TEMPORAL_API_KEY: 'secret',
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_TLS: 'true',
      FAULTLINE_TEMPORAL_PORT: '17233',
      PATH: '/bin',
    });
    assert.equal(env.TEMPORAL_ADDRESS, '127.0.0.1:17233');
    assert.equal(env.TEMPORAL_NAMESPACE, 'default');
    assert.equal(env.PATH, '/bin');
    for (const gone of ['TEMPORAL_API_KEY', 'TEMPORAL_PROFILE', 'TEMPORAL_TLS'])
      assert.equal(env[gone], undefined, gone);
    assert.equal(temporalTarget(env).lab, true);
  });

  it('explains TLS failures with the setting to change', () => {
    const t = temporalTarget({ ...NO_FILE, TEMPORAL_ADDRESS: 'x:1', TEMPORAL_TLS: 'true' });
    const says = (code: string) => explainTlsError({ code, message: code }, t);
    assert.match(says('SELF_SIGNED_CERT_IN_CHAIN'), /TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
    assert.match(says('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), /TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
    assert.match(says('ERR_TLS_CERT_ALTNAME_INVALID'), /TEMPORAL_TLS_SERVER_NAME/);
    assert.match(says('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), /TEMPORAL_TLS_CLIENT_CERT_PATH/);
    assert.match(says('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), /refused the client certificate/);
  });
});
