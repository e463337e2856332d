/**
 * Starts (or reuses) the real lab once per test run: containers, Temporal dev server, workers,
 * and the moto server (RDS API emulator) that the worker's RDS client is pointed at.
 * A part that cannot start fails the run with a message naming it; nothing is skipped.
 * Every wait has a stated bound: containers 90 s, Temporal 60 s, moto 60 s, each worker 120 s.
 */
import { labUp } from '../../../src/lab/lab';
import { startMotoServer, stopMotoServer } from '../../../src/lab/moto-server';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(6 * 60_000);
    // Tests never reach real AWS: the emulator, dummy credentials, a fixed region.
    process.env.FAULTLINE_RDS_ENDPOINT = await startMotoServer();
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'faultline-test-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'faultline-test-secret';
    await labUp();
  },
  async afterAll() {
    await stopMotoServer();
  },
};
