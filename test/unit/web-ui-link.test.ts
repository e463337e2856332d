/** The Web UI link uses the configured UI address and namespace, never hard-coded ones. */
import assert from 'node:assert/strict';
import { temporalTarget, workflowUiUrl } from '../../src/platform/temporal-target';

describe('Web UI link (unit)', () => {
  const saved = { ...process.env };
  const keys = [
    'FAULTLINE_TEMPORAL_UI_URL',
    'FAULTLINE_TEMPORAL_UI_PORT',
    'FAULTLINE_TEMPORAL_PORT',
    'TEMPORAL_NAMESPACE',
  ];
  afterEach(() => {
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  const target = (env: Record<string, string>) =>
    temporalTarget({ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml', ...env });

  it('follows the dev server port and the namespace', () => {
    process.env.FAULTLINE_TEMPORAL_PORT = '17233';
    assert.equal(
      workflowUiUrl('db outage/1', target({ FAULTLINE_TEMPORAL_PORT: '17233', TEMPORAL_NAMESPACE: 'chaos-drills' })),
      'http://127.0.0.1:18233/namespaces/chaos-drills/workflows/db%20outage%2F1',
    );
  });

  it('uses FAULTLINE_TEMPORAL_UI_URL for a Temporal server elsewhere', () => {
    process.env.FAULTLINE_TEMPORAL_UI_URL = 'https://temporal.example.internal/';
    const t = target({ TEMPORAL_ADDRESS: 'temporal.example.internal:7233', TEMPORAL_NAMESPACE: 'prod' });
    assert.equal(workflowUiUrl('x', t), 'https://temporal.example.internal/namespaces/prod/workflows/x');
  });

  it("links Temporal Cloud's UI for a Cloud address, and none for an unknown server", () => {
    const cloud = target({ TEMPORAL_ADDRESS: 'prod.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'prod.a1b2c' });
    assert.equal(workflowUiUrl('x', cloud), 'https://cloud.temporal.io/namespaces/prod.a1b2c/workflows/x');
    assert.equal(workflowUiUrl('x', target({ TEMPORAL_ADDRESS: 'temporal.internal:7233' })), null);
  });
});
