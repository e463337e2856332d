/**
 * The experiment's activities, stubbed for the workflow unit tests on the time-skipping test server
 * (chaos-workflow.test.ts and its kin): a Docker target that resolves, a connection budget that
 * fits, a steady state that holds, a measurement, a fault injected and restored, a report, and
 * every search attribute registered (as workflow-env.ts registers them). Each stub records what it
 * did in `calls`; a test overrides only the activities its scenario changes.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type * as activities from '../../../src/activities';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../../src/shared/experiment-contract';
import { emptyWriteAccount } from '../../../src/shared/write-audit-types';

type Activities = typeof activities;
export type Stubs = Partial<Activities>;
type Defaults = Pick<
  Activities,
  | 'resolveFaultTarget'
  | 'lockOwner'
  | 'checkConnectionBudget'
  | 'setupSchema'
  | 'checkSteadyState'
  | 'measurePath'
  | 'injectFault'
  | 'restoreFault'
  | 'writeReport'
  | 'registeredSearchAttributes'
  | 'auditBusinessWrites'
>;

export const iso = () => new Date().toISOString();
const target = { kind: 'docker' as const, id: 'abc', name: 'faultline-db', networks: [] };

/** A steady-state check on the direct path that holds, or fails on its success rate. */
export const steadyState = (holds: boolean) => ({
  holds,
  checkedAt: iso(),
  paths: [
    {
      path: 'direct',
      attempts: 10,
      successRate: holds ? 1 : 0.4,
      p99Ms: 2,
      downAtEnd: false,
      holds,
      ...(holds ? {} : { reason: 'success rate 40.00% < 99.00%' }),
    },
  ],
});

/** The default stubs, with `overrides` in place of those a test changes. */
export function stubActivities(calls: string[], overrides: Stubs = {}): Defaults & Stubs {
  const defaults: Defaults = {
    resolveFaultTarget: async () => (calls.push('resolve'), target),
    lockOwner: async () => 'lock-holder',
    checkConnectionBudget: async () => (calls.push('budget'), { servers: [], unchecked: [] }),
    setupSchema: async (path) => (calls.push(`setup ${path}`), { connection: path, users: 1, products: 1, orders: 1 }),
    checkSteadyState: async () => (calls.push('check'), steadyState(true)),
    measurePath: async (input) => {
      calls.push(`measure ${input.connection}${input.continueFrom ? ' (continued)' : ''}`);
      return {
        connection: input.connection,
        checkpointFile: `/tmp/${input.connection}.json`,
        attempts: 100,
        failures: 10,
        downtimeMs: 1000,
        openAtEnd: false,
        openSince: null,
        gaps: [],
        stoppedBy: 'signal',
        writeLedgerFile: `/tmp/${input.connection}.writes.json`,
      };
    },
    auditBusinessWrites: async (input) => {
      calls.push(`audit writes ${input.path}`);
      const kind = { acknowledged: 10, unknown: 0 };
      return {
        ...emptyWriteAccount(),
        audited: 30,
        acknowledged: 30,
        found: 30,
        path: input.path,
        connection: input.connection,
        writer: '127.0.0.1:5432',
        checkedAt: iso(),
        waitedMs: 10,
        partialPurchases: 0,
        kinds: { create_order: kind, insert_log: kind, purchase: kind },
        holds: true,
      };
    },
    injectFault: async () => (calls.push('inject'), { target, injectRequestedAt: iso(), targetDownAt: iso() }),
    restoreFault: async () => (
      calls.push('restore'),
      { restoreRequestedAt: iso(), action: 'start', targetRunningAt: iso(), servingAgainAt: iso() }
    ),
    registeredSearchAttributes: async () => SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name),
    writeReport: async () => (
      calls.push('report'),
      { files: { json: '/tmp/r.json', html: '/tmp/r.html', console: '/tmp/s.txt' }, summary: '' }
    ),
  };
  return { ...defaults, ...overrides };
}

/**
 * Stubs for the activities the workflow must not reach: each records its name (the value given
 * for it in `names`) and fails, not to be retried.
 */
export function mustNotRun(calls: string[], names: Partial<Record<keyof Activities, string>>): Stubs {
  const unexpected = (name: string) => async () => {
    calls.push(name);
    throw ApplicationFailure.nonRetryable(`${name} must not run`);
  };
  return Object.fromEntries(Object.entries(names).map(([activity, name]) => [activity, unexpected(name)]));
}

/** What the default stubs record, in order, for one experiment with a fault that runs to its report. */
export const FULL_RUN_CALLS = [
  'resolve',
  'budget',
  'setup direct',
  'check',
  'measure direct',
  'inject',
  'restore',
  'check',
  'check',
  'audit writes direct',
  'report',
];
