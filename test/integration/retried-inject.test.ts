/**
 * A retried inject acts once. Temporal retries an inject whose worker was lost or whose heartbeats
 * stopped; the retry gets the first attempt's last heartbeat. A Patroni fault marks what it did
 * right after its action, before the election wait, so a retry resumes waiting instead of reading
 * the cluster again and faulting the new leader. Run on the lab's Patroni cluster, the inject in
 * Temporal's mock activity environment (the heartbeats it sends are the ones a retry would get).
 */
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { injectFault } from '../../src/activities/faults/fault-activities';
import { clusterNodes } from '../../src/platform/patroni/cluster-nodes';
import { clusterHealthy, leadersOf, patroniCluster } from '../../src/platform/patroni/patroni-rest';
import { labSettings } from '../../src/platform/settings';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { InjectionRecord } from '../../src/shared/fault-types';

async function healthyLeader(timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = await clusterNodes(labSettings().clusterScope);
    const view = await patroniCluster(nodes);
    if (clusterHealthy(view, nodes.length)) return leadersOf(view)[0]!.name;
    if (Date.now() > deadline) throw new Error(`the cluster is not healthy: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const fault = parseExperiment({
  name: 'retried-inject',
  paths: ['cluster'],
  fault: { kind: 'patroni', action: 'switchover', cluster: labSettings().clusterScope, electionTimeoutSeconds: 60 },
}).fault!;

describe('a retried inject acts once', function () {
  this.timeout(300_000);

  it('Patroni switchover: marked before the election wait; a retry waits again and switches over no second time', async () => {
    const before = await healthyLeader();
    const beats: Array<Record<string, unknown>> = [];
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d: unknown) => beats.push(JSON.parse(JSON.stringify(d ?? {})) as Record<string, unknown>));
    const record: InjectionRecord = await first.run(injectFault, fault, {});
    const changedTo = record.patroni!.newLeader;
    assert.ok(changedTo && changedTo !== before, `the first attempt switched over: ${before} -> ${changedTo}`);

    const marked = beats.findIndex((b) => b.patroniActed);
    assert.ok(marked >= 0, 'the inject heartbeated its marker');
    const early = (beats[marked]!.patroniActed as { patroni: { newLeader: string | null } }).patroni;
    assert.equal(early.newLeader, null, 'the marker came before the election wait (no new leader known yet)');
    assert.ok(
      beats.slice(marked).every((b) => b.patroniActed),
      'every later heartbeat carries it (the waits keep the marker)',
    );

    await healthyLeader(); // the old leader rejoined as a replica: a second switchover would be possible now
    const retry = new MockActivityEnvironment({ heartbeatDetails: beats[marked] });
    const again: InjectionRecord = await retry.run(injectFault, fault, {});
    const after = await healthyLeader();
    process.stdout.write(`      leader ${before} -> ${changedTo}; after the retry ${after}\n`);
    assert.equal(after, changedTo, 'the retry did not switch over again');
    assert.equal(again.patroni!.newLeader, changedTo, "the retry reports the first attempt's new leader");
    assert.ok(
      again.patroni!.events.some((e) => /inject retried/.test(e.message)),
      'and says it resumed rather than acted',
    );
  });
});
