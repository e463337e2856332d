/** Every Docker action: in the schema, with its entry in the action table and the facts it promises (pure logic). */
import assert from 'node:assert/strict';
import { DOCKER_ACTIONS, type DockerAction } from '../../src/activities/faults/docker-actions';
import { parseExperiment } from '../../src/shared/experiment-schema';

/** One row per action: a new action without its row here does not compile. */
const EXPECTED: Record<
  DockerAction,
  { healsByItself: boolean; undoneBeyondRunningAgain: boolean; actsOnTheNetwork: boolean }
> = {
  stop: { healsByItself: false, undoneBeyondRunningAgain: false, actsOnTheNetwork: false },
  kill: { healsByItself: false, undoneBeyondRunningAgain: false, actsOnTheNetwork: false },
  pause: { healsByItself: false, undoneBeyondRunningAgain: false, actsOnTheNetwork: false },
  restart: { healsByItself: true, undoneBeyondRunningAgain: false, actsOnTheNetwork: false },
  'network-disconnect': { healsByItself: false, undoneBeyondRunningAgain: true, actsOnTheNetwork: true },
};

describe('Docker actions', () => {
  for (const [action, expected] of Object.entries(EXPECTED) as Array<[DockerAction, (typeof EXPECTED)[DockerAction]]>) {
    it(`${action}: accepted by the schema, and as its entry says`, () => {
      const fault = { kind: 'docker', action, target: { container: 'faultline-db' } };
      assert.equal(parseExperiment({ name: 'action', fault }).fault?.action, action);
      const entry = DOCKER_ACTIONS[action];
      assert.equal(entry.healsByItself, expected.healsByItself);
      assert.equal(entry.restore !== undefined, expected.undoneBeyondRunningAgain);
      assert.equal(entry.actsOnTheNetwork, expected.actsOnTheNetwork);
    });
  }
});
