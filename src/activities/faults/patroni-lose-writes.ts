/**
 * The `lose-writes` drill: a cluster that really loses acknowledged writes, and is put back after.
 *
 *   1. Replication is switched to asynchronous through Patroni's dynamic configuration
 *      (synchronous mode off, a maximum_lag_on_failover of 1 GiB, so the lagging replica may still
 *      be promoted). The values it had are kept in the same configuration, under SAVED_KEY, so any
 *      restore (the workflow's, the watchdog's after a lost worker) finds and puts them back.
 *   2. Once the leader says every standby streams asynchronously, the leader is cut off from its
 *      replicas (a black hole towards them in its namespace): it keeps acknowledging the clients'
 *      commits, which no replica receives, for holdSeconds.
 *   3. The leader is killed. A replica without those commits takes over: they are lost.
 *
 * With `asynchronous: false` step 1 only saves the settings (the mark of a drill under way) and
 * changes none: a synchronous cluster's commits wait for the held replica, and the synchronous
 * standby that takes over has every commit that was acknowledged.
 *
 * The restore (patroni-restore.ts) starts the node, heals the network, puts the saved replication
 * settings back (restoreReplicationSettings in patroni-config.ts) and waits until the cluster is
 * whole, synchronous again if it was.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { docker } from '../../platform/docker';
import type { ClusterNode } from '../../platform/patroni/cluster-nodes';
import {
  drillUnrestored,
  patchPatroniConfig,
  patroniConfig,
  REPLICATION_SETTINGS,
  replicationOf,
  SAVED_KEY,
  walPositionOf,
} from '../../platform/patroni/patroni-config';
import type { PatroniFault } from '../../shared/experiment-schema';
import { DEFAULT_HOLD_SECONDS } from '../../shared/patroni-fault-schema';
import type { ResolvedDockerTarget } from '../../shared/fault-types';
import { beatWaiting } from './heartbeat-marker';
import { waitFor } from './container-state';
import { applyNetworkFault } from './network-fault';

const ASYNCHRONOUS = { synchronous_mode: false, synchronous_mode_strict: false, maximum_lag_on_failover: 2 ** 30 };

type Note = (message: string, source?: 'faultline' | 'patroni') => void;

/** A WAL position as PostgreSQL writes it (`0/312F3A0`). */
export const lsnText = (bytes: number | null): string =>
  bytes === null
    ? 'unknown'
    : `${Math.floor(bytes / 2 ** 32)
        .toString(16)
        .toUpperCase()}/${(bytes % 2 ** 32).toString(16).toUpperCase()}`;

/** Refuses any fault on a cluster a drill left marked, most often asynchronous (its restore has not run yet). */
export async function refuseUnrestoredDrill(nodes: ClusterNode[], scope: string): Promise<void> {
  if (drillUnrestored(await patroniConfig(nodes)))
    throw ApplicationFailure.nonRetryable(
      `fault.cluster: ${scope} still runs with the replication settings of a lose-writes drill whose restore ` +
        `has not run (${SAVED_KEY} in its /config): its lease's restore puts them back (\`faultline leases --sweep\` once it expired), or PATCH /config with the values saved there`,
      'TargetRefused',
    );
}

/**
 * Step 1: the settings before saved in /config, in both modes (the key also marks a drill under
 * way, so a retried inject is refused rather than kill the new leader); then, unless
 * `asynchronous: false`, asynchronous replication, verified on the leader.
 */
async function prepareReplication(
  fault: PatroniFault,
  nodes: ClusterNode[],
  leader: ClusterNode,
  note: Note,
): Promise<void> {
  const config = await patroniConfig(nodes);
  if (!config) throw new Error('no node of the cluster answers GET /config');
  const saved = Object.fromEntries(REPLICATION_SETTINGS.map((k) => [k, config[k] ?? null]));
  const asynchronous = fault.asynchronous !== false;
  await patchPatroniConfig(nodes, { ...(asynchronous ? ASYNCHRONOUS : {}), [SAVED_KEY]: saved });
  if (!asynchronous) {
    note(`replication left as it is (asynchronous: false); the drill is marked in /config as ${SAVED_KEY}`);
    return;
  }
  note(
    `replication switched to asynchronous (synchronous_mode off, maximum_lag_on_failover 1 GiB); ` +
      `the settings before are kept in /config as ${SAVED_KEY}`,
  );
  let standbys: Awaited<ReturnType<typeof replicationOf>> = [];
  await waitFor(
    `every standby of ${leader.member} to stream asynchronously`,
    async () => {
      standbys = await replicationOf(leader).catch(() => []);
      return standbys.length > 0 && standbys.every((s) => s.syncState === 'async');
    },
    30_000,
  );
  note(`${leader.member} streams to ${standbys.map((s) => `${s.name} (${s.syncState})`).join(', ')}`, 'patroni');
}

/** A cancelled inject goes no further (the restore then puts the cluster back); outside an activity, nothing. */
function stopIfCancelled(before: string): void {
  let signal: AbortSignal;
  try {
    signal = Context.current().cancellationSignal;
  } catch {
    return;
  }
  if (signal.aborted) throw new CancelledFailure(`the inject was cancelled before ${before}`);
}

/** Steps 1 to 3 on the leader's container, each noted with the WAL positions Patroni gives; when the kill was asked for. */
export async function loseWrites(
  fault: PatroniFault,
  nodes: ClusterNode[],
  leader: ClusterNode,
  container: ResolvedDockerTarget,
  note: Note,
): Promise<string> {
  const holdSeconds = fault.holdSeconds ?? DEFAULT_HOLD_SECONDS;
  await prepareReplication(fault, nodes, leader, note);
  const replicas = nodes.filter((n) => n.member !== leader.member);
  stopIfCancelled('the replicas were cut off');
  await applyNetworkFault({ action: 'blackhole', jitterMs: 0, towards: replicas.map((r) => r.container) }, container);
  const heldFrom = await walPositionOf(leader).catch(() => null);
  note(
    `${leader.member} cut off from ${replicas.map((r) => r.member).join(', ')} at WAL ${lsnText(heldFrom)}: ` +
      (fault.asynchronous === false
        ? `its commits wait for a replica, for ${holdSeconds} s`
        : `it goes on acknowledging commits that no replica receives, for ${holdSeconds} s`),
  );
  for (const until = Date.now() + holdSeconds * 1000; Date.now() < until;) {
    beatWaiting(`the replicas' WAL held back (${holdSeconds} s)`);
    await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, until - Date.now()))));
  }
  stopIfCancelled('the leader was killed');
  const killedAt = await walPositionOf(leader).catch(() => null);
  const at = new Date().toISOString();
  await docker.getContainer(container.id).kill({ signal: 'SIGKILL' });
  note(`leader ${leader.member} killed at WAL ${lsnText(killedAt)} (container ${container.name}, SIGKILL)`);
  return at;
}
