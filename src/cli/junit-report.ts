/**
 * An experiment's report as JUnit XML, for CI systems (`faultline run --junit FILE`): one test suite
 * per experiment; a test case per steady-state check (before and after, per path, and the payment
 * service's), one per path (its downtime and recovery) and one for the verdict. Failures carry the
 * reason the report gives; an experiment that did not run is skipped, an aborted one is an error.
 * Pure.
 */
import type { ExperimentReport } from '../activities/report/report-types';
import type { Verdict } from '../shared/experiment-types';

/** `faultline run`'s exit code per verdict; an error (bad input, a failed workflow) exits 1. */
export const EXIT_CODES: Record<Verdict, number> = { held: 0, violated: 3, aborted: 4, 'not-run': 5 };

interface TestCase {
  name: string;
  seconds?: number;
  failure?: string;
  error?: string;
  skipped?: string;
  out?: string;
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function steadyStateCases(report: ExperimentReport): TestCase[] {
  const cases: TestCase[] = [];
  for (const when of ['before', 'after'] as const) {
    const check = report.steadyState[when];
    if (!check) continue;
    for (const p of check.paths) {
      cases.push({
        name: `steady state ${when}: ${p.path}`,
        out: `success rate ${p.successRate === null ? '-' : `${(p.successRate * 100).toFixed(1)} %`}, p99 ${p.p99Ms ?? '-'} ms, ${p.attempts} attempts`,
        ...(p.holds ? {} : { failure: p.reason ?? 'the steady state did not hold' }),
      });
    }
    const service = check.paymentService;
    if (service)
      cases.push({
        name: `steady state ${when}: payment service`,
        out: `health ${service.status ?? 'no answer'}`,
        ...(service.holds ? {} : { failure: service.reason ?? 'the payment service was not healthy' }),
      });
  }
  return cases;
}

function pathCases(report: ExperimentReport): TestCase[] {
  return report.paths.map((p) => {
    const notRecovered = p.cycles.filter((c) => c.recovery === 'not-recovered').map((c) => c.cycle);
    return {
      name: `path ${p.path}`,
      seconds: p.downtimeMs / 1000,
      out: `detected downtime ${(p.downtimeMs / 1000).toFixed(2)} s; ${p.overall.total.successes} of ${p.overall.total.successes + p.overall.total.failures} operations succeeded`,
      ...(notRecovered.length
        ? { failure: `did not recover after the restore (cycle ${notRecovered.join(', ')})` }
        : {}),
    };
  });
}

function verdictCase(report: ExperimentReport): TestCase {
  const name = `verdict: ${report.verdict}`;
  if (report.verdict === 'violated') return { name, failure: report.verdictReason };
  if (report.verdict === 'aborted') return { name, error: report.verdictReason };
  if (report.verdict === 'not-run') return { name, skipped: report.verdictReason };
  return { name, out: report.verdictReason };
}

function caseXml(suite: string, c: TestCase): string {
  const inner = [
    c.failure !== undefined ? `<failure message="${xml(c.failure)}" type="violated"/>` : '',
    c.error !== undefined ? `<error message="${xml(c.error)}" type="aborted"/>` : '',
    c.skipped !== undefined ? `<skipped message="${xml(c.skipped)}"/>` : '',
    c.out !== undefined ? `<system-out>${xml(c.out)}</system-out>` : '',
  ].join('');
  return `    <testcase classname="${xml(suite)}" name="${xml(c.name)}" time="${(c.seconds ?? 0).toFixed(3)}">${inner}</testcase>`;
}

export function junitXml(report: ExperimentReport): string {
  const suite = `faultline.${report.name}`;
  const cases = [...steadyStateCases(report), ...pathCases(report), verdictCase(report)];
  const count = (key: 'failure' | 'error' | 'skipped') => cases.filter((c) => c[key] !== undefined).length;
  const seconds = (Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(suite)}" id="${xml(report.experimentId)}" timestamp="${xml(report.startedAt)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds.toFixed(3)}">`,
    ...cases.map((c) => caseXml(suite, c)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
