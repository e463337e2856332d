/** The JUnit XML of a report, and `faultline run`'s exit code per verdict. */
import assert from 'node:assert/strict';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { EXIT_CODES, junitXml } from '../../src/cli/junit-report';

function report(verdict: ExperimentReport['verdict'], verdictReason: string): ExperimentReport {
  const check = (holds: boolean) => ({
    holds,
    checkedAt: '2026-01-01T00:00:10Z',
    paths: [
      {
        path: 'direct',
        attempts: 40,
        successRate: holds ? 1 : 0.5,
        p99Ms: 12,
        downAtEnd: !holds,
        holds,
        ...(holds ? {} : { reason: 'success rate 50 % < 99 %' }),
      },
    ],
  });
  return {
    name: 'db <outage> & "more"',
    experimentId: 'exp-1',
    startedAt: '2026-01-01T00:00:00Z',
    endedAt: '2026-01-01T00:01:00Z',
    verdict,
    verdictReason,
    steadyState: { before: check(true), after: check(verdict === 'held') },
    paths: [
      {
        path: 'direct',
        downtimeMs: 5250,
        overall: { total: { successes: 90, failures: 10 } },
        cycles: [{ cycle: 1, recovery: verdict === 'held' ? 'recovered' : 'not-recovered' }],
      },
    ],
  } as unknown as ExperimentReport;
}

describe('JUnit report', () => {
  it('a held experiment: a passing case per steady-state check, per path and for the verdict', () => {
    const out = junitXml(report('held', 'the steady state held'));
    assert.match(out, /<testsuites name="faultline" tests="4" failures="0" errors="0" skipped="0" time="60.000">/);
    assert.match(out, /<testsuite name="faultline.db &lt;outage&gt; &amp; &quot;more&quot;"/, 'names are escaped');
    assert.match(
      out,
      /name="path direct" time="5.250"><system-out>detected downtime 5.25 s; 90 of 100 operations succeeded/,
    );
    assert.match(out, /name="verdict: held"/);
  });

  it('violated fails its checks with the reasons; aborted is an error; not-run is skipped', () => {
    const violated = junitXml(report('violated', 'the steady state did not return'));
    assert.match(violated, /failures="3"/);
    assert.match(violated, /name="steady state after: direct"[^>]*><failure message="success rate 50 % &lt; 99 %"/);
    assert.match(violated, /name="path direct"[^>]*><failure message="did not recover after the restore \(cycle 1\)"/);
    assert.match(junitXml(report('aborted', 'abort signal')), /<error message="abort signal" type="aborted"\/>/);
    assert.match(junitXml(report('not-run', 'target locked')), /<skipped message="target locked"\/>/);
  });

  it('gives every verdict its own exit code, none of them the error code 1', () => {
    const codes = Object.values(EXIT_CODES);
    assert.equal(new Set(codes).size, codes.length);
    assert.equal(EXIT_CODES.held, 0);
    assert.ok(!codes.includes(1));
  });
});
