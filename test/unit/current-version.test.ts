/**
 * When a worker takes its deployment's current version (platform/current-version.ts): the pure
 * rule. test/integration/worker-versioning.test.ts checks it against a real server: a build started
 * beside a served one leaves it current, and takes over once that build's worker is gone.
 */
import assert from 'node:assert/strict';
import { currentVersionPolicy, isServed } from '../../src/platform/current-version';
import { LIVE_POLLER_MS } from '../../src/platform/task-queue-pollers';

describe('current version: which build serves a deployment', () => {
  const now = Date.parse('2026-12-02T07:00:00Z');

  it('is served while a worker of the current build polled within the live window', () => {
    assert.equal(isServed('a', [{ identity: 'w', buildId: 'a', lastAccessMs: now - 55_000 }], now), true);
    assert.equal(isServed('a', [{ identity: 'w', buildId: 'a', lastAccessMs: now - LIVE_POLLER_MS }], now), true);
  });

  it('is unserved without a current build, or when only other builds, or stale pollers, are left', () => {
    assert.equal(isServed(undefined, [{ identity: 'w', buildId: 'a', lastAccessMs: now }], now), false);
    assert.equal(isServed('a', [], now), false);
    assert.equal(isServed('a', [{ identity: 'w', buildId: 'b', lastAccessMs: now }], now), false);
    assert.equal(
      isServed('a', [{ identity: 'w', buildId: undefined, lastAccessMs: now }], now),
      false,
      'an unversioned poller',
    );
    assert.equal(
      isServed('a', [{ identity: 'w', buildId: 'a', lastAccessMs: now - LIVE_POLLER_MS - 1 }], now),
      false,
      'gone',
    );
  });

  it('reads FAULTLINE_BECOME_CURRENT, when-unserved by default, and names the variable when it is wrong', () => {
    assert.equal(currentVersionPolicy({}), 'when-unserved');
    assert.equal(currentVersionPolicy({ FAULTLINE_BECOME_CURRENT: ' on-start ' }), 'on-start');
    assert.equal(currentVersionPolicy({ FAULTLINE_BECOME_CURRENT: 'never' }), 'never');
    assert.throws(
      () => currentVersionPolicy({ FAULTLINE_BECOME_CURRENT: 'always' }),
      /FAULTLINE_BECOME_CURRENT: "always" is not one of when-unserved, on-start, never/,
    );
  });
});
