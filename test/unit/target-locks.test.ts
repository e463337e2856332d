/**
 * One target, one fault: the locks an experiment takes are the physical things
 * its fault touches, whatever the fault's kind, sorted, none twice. Pure.
 */
import assert from 'node:assert/strict';
import type { ResolvedTarget } from '../../src/shared/fault-types';
import { containerTouches, patroniTouches, rdsTouches } from '../../src/shared/touched-things';
import { lockIdsOf, targetLock, targetLocks } from '../../src/workflows/target-lock';
import { TARGET_LOCK_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import { heldLocksText, onLabContainers } from '../../src/lab/held-locks';

const container = (name: string, patroniScope?: string): ResolvedTarget => ({
  kind: 'docker',
  id: `id-of-${name}`,
  name,
  networks: [],
  touches: containerTouches(name, patroniScope),
});
const cluster: ResolvedTarget = {
  kind: 'patroni',
  name: 'faultline-cluster',
  scope: 'faultline-cluster',
  leader: 'node1',
  members: ['node1', 'node2'],
  touches: patroniTouches('faultline-cluster', ['faultline-node2', 'faultline-node1']),
};

describe('target locks: one per thing a fault touches (unit)', () => {
  it('a Patroni fault locks the cluster and every member container', () => {
    assert.deepEqual(lockIdsOf('patroni', cluster), [
      'faultline-lock-container-faultline-node1',
      'faultline-lock-container-faultline-node2',
      'faultline-lock-patroni-faultline-cluster',
    ]);
  });

  it('a Docker fault on a member container locks the container and its cluster', () => {
    assert.deepEqual(lockIdsOf('docker', container('faultline-node1', 'faultline-cluster')), [
      'faultline-lock-container-faultline-node1',
      'faultline-lock-patroni-faultline-cluster',
    ]);
  });

  it("a network fault on a container has the Docker fault's container key: the kind is not in it", () => {
    const db = container('faultline-db');
    assert.deepEqual(lockIdsOf('network', db), ['faultline-lock-container-faultline-db']);
    assert.deepEqual(lockIdsOf('network', db), lockIdsOf('docker', db));
  });

  it('a Docker fault on a member and a Patroni fault on its cluster share keys (both)', () => {
    const docker = lockIdsOf('docker', container('faultline-node2', 'faultline-cluster'));
    const patroni = lockIdsOf('patroni', cluster);
    assert.deepEqual(
      docker.filter((id) => patroni.includes(id)),
      docker,
    );
  });

  it('an RDS fault locks its cluster id', () => {
    const rds: ResolvedTarget = {
      kind: 'rds',
      name: 'orders-aurora',
      cluster: 'orders-aurora',
      arn: 'arn:aws:rds:eu-west-1:000000000000:cluster:orders-aurora',
      writer: 'orders-1',
      members: ['orders-1', 'orders-2'],
      touches: rdsTouches('orders-aurora'),
    };
    assert.deepEqual(lockIdsOf('rds', rds), ['faultline-lock-rds-orders-aurora']);
  });

  it('sorted, none twice, each with what it is for people', () => {
    const target: ResolvedTarget = {
      ...cluster,
      touches: [
        { kind: 'patroni', name: 'b' },
        { kind: 'container', name: 'z' },
        { kind: 'container', name: 'a' },
        { kind: 'patroni', name: 'b' },
        { kind: 'container', name: 'z' },
      ],
    };
    assert.deepEqual(targetLocks('patroni', target), [
      { id: 'faultline-lock-container-a', what: 'container a' },
      { id: 'faultline-lock-container-z', what: 'container z' },
      { id: 'faultline-lock-patroni-b', what: 'Patroni cluster b' },
    ]);
  });

  it("a target resolved by older code (no touches) keeps the one lock of before, named by the fault's kind, and its container's", () => {
    const { touches: _, ...old } = container('faultline-db') as Extract<ResolvedTarget, { kind: 'docker' }>;
    assert.deepEqual(targetLocks('network', old), [
      { id: 'faultline-lock-container-faultline-db', what: 'container faultline-db' },
      { id: 'faultline-lock-network-faultline-db', what: 'faultline-db' },
    ]);
    assert.deepEqual(lockIdsOf('docker', old), [
      'faultline-lock-container-faultline-db',
      'faultline-lock-docker-faultline-db',
    ]);
    // A cluster's old lock was already the cluster's key.
    const { touches: __, ...oldCluster } = cluster as Extract<ResolvedTarget, { kind: 'patroni' }>;
    assert.deepEqual(targetLocks('patroni', oldCluster), [
      { id: 'faultline-lock-patroni-faultline-cluster', what: 'Patroni cluster faultline-cluster' },
    ]);
  });

  it('the lab start-up knows a lock by its workflow type, and which locks leave the containers as they are', () => {
    assert.equal(targetLock.name, TARGET_LOCK_WORKFLOW_TYPE);
    for (const id of [
      'faultline-lock-container-faultline-db',
      'faultline-lock-patroni-faultline-cluster',
      'faultline-lock-docker-faultline-db',
      'faultline-lock-network-faultline-proxy',
    ])
      assert.ok(onLabContainers(id), id);
    assert.ok(!onLabContainers('faultline-lock-rds-orders-aurora'), 'an RDS cluster is not in the lab');
    assert.equal(
      heldLocksText([
        { lockId: 'faultline-lock-container-faultline-db', owner: 'pause-db' },
        { lockId: 'faultline-lock-patroni-faultline-cluster', owner: null },
      ]),
      'experiment pause-db holds lock faultline-lock-container-faultline-db; experiment (unknown) holds lock faultline-lock-patroni-faultline-cluster',
    );
  });
});
