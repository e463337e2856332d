/**
 * Starts (or reuses) the real lab once per test run: containers, Temporal dev server, workers.
 * A part that cannot start fails the run with a message naming it; nothing is skipped.
 * Every wait has a stated bound: containers 90 s, Temporal 60 s, each worker 120 s.
 */
import { labUp } from '../../src/lab/lab';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(6 * 60_000);
    await labUp();
  },
};
