/** The Web UI link uses the configured UI address and namespace, never hard-coded ones. */
import assert from 'node:assert/strict';
import { labSettings, workflowUiUrl } from '../../src/platform/settings';

describe('Web UI link (unit)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of [
      'FAULTLINE_TEMPORAL_UI_URL',
      'FAULTLINE_TEMPORAL_UI_PORT',
      'FAULTLINE_TEMPORAL_PORT',
      'TEMPORAL_NAMESPACE',
    ]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('follows the dev server port and the namespace', () => {
    process.env.FAULTLINE_TEMPORAL_PORT = '17233';
    process.env.TEMPORAL_NAMESPACE = 'chaos-drills';
    assert.equal(
      workflowUiUrl('db outage/1', labSettings()),
      'http://127.0.0.1:18233/namespaces/chaos-drills/workflows/db%20outage%2F1',
    );
  });

  it('uses FAULTLINE_TEMPORAL_UI_URL for a Temporal server elsewhere', () => {
    process.env.FAULTLINE_TEMPORAL_UI_URL = 'https://temporal.example.internal/';
    process.env.TEMPORAL_NAMESPACE = 'prod';
    assert.equal(workflowUiUrl('x', labSettings()), 'https://temporal.example.internal/namespaces/prod/workflows/x');
  });
});
