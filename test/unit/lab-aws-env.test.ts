/** A lab worker signs the lab's RDS API with the lab's dummy key, never with this shell's AWS session. */
import assert from 'node:assert/strict';
import { labRdsEndpoint, labWorkerAwsEnv } from '../../src/lab/aurora-lab';

describe("a lab worker's AWS environment (unit)", () => {
  const shell = {
    PATH: '/usr/bin',
    AWS_ACCESS_KEY_ID: 'AKIAREALKEY',
    AWS_SECRET_ACCESS_KEY: 'real-secret',
    AWS_SESSION_TOKEN: 'real-session',
    AWS_PROFILE: 'prod',
    AWS_ROLE_ARN: 'arn:aws:iam::1:role/x',
  };

  it("drops this shell's session, profile and role on the lab's endpoint", () => {
    const env = labWorkerAwsEnv(shell);
    assert.equal(env.FAULTLINE_RDS_ENDPOINT, labRdsEndpoint());
    assert.equal(env.AWS_ACCESS_KEY_ID, 'faultline-lab');
    assert.equal(env.AWS_SECRET_ACCESS_KEY, 'faultline-lab');
    for (const key of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN']) assert.equal(env[key], undefined, key);
    assert.equal(env.PATH, '/usr/bin');
  });

  it('keeps them when this shell points the workers at another RDS endpoint', () => {
    const env = labWorkerAwsEnv({ ...shell, FAULTLINE_RDS_ENDPOINT: 'aws' });
    assert.equal(env.FAULTLINE_RDS_ENDPOINT, 'aws');
    assert.equal(env.AWS_SESSION_TOKEN, 'real-session');
    assert.equal(env.AWS_ACCESS_KEY_ID, 'AKIAREALKEY');
  });
});
