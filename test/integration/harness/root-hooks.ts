/**
 * Starts (or reuses) the real lab once per test run: containers, Temporal dev server, workers,
 * and the lab's Aurora, the RDS API emulator the worker's RDS client is pointed at.
 * A part that cannot start fails the run with a message naming it; nothing is skipped.
 * Every wait has a stated bound: containers 90 s, Temporal 60 s, the RDS API 60 s, each worker 120 s.
 */
import { labRdsEndpoint, labRdsEnv } from '../../../src/lab/aurora-lab';
import { labUp } from '../../../src/lab/lab';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(6 * 60_000);
    // Tests never reach real AWS: the lab's RDS API (it is moto's, for every other cluster a test
    // creates), its dummy credentials, a fixed region; `up` starts it.
    Object.assign(process.env, labRdsEnv({ FAULTLINE_RDS_ENDPOINT: labRdsEndpoint() }));
    await labUp();
  },
};
