/**
 * Patroni faults: the cluster is found by its scope, its leader asked of Patroni at inject time.
 *
 *   switchover        POST /switchover to the candidate (planned: the leader steps down cleanly)
 *   failover          POST /failover to the candidate (Patroni's manual failover)
 *   kill-leader       the leader's container gets SIGKILL; its leader key expires after the TTL
 *   partition-leader  the leader's container is black-holed (see network-fault.ts): it loses the
 *                     DCS and demotes itself, the clients' packets are dropped, a replica takes over
 *   lose-writes       replication made asynchronous, the replicas' WAL held back, then the leader
 *                     killed: the commits it acknowledged meanwhile are lost (patroni-lose-writes.ts)
 *
 * The inject waits for another member to lead and be promoted (or for electionTimeoutSeconds, then
 * records that no failover happened). The restore is in patroni-restore.ts.
 */
import { ApplicationFailure } from '@temporalio/common';
import { docker } from '../../platform/docker';
import { logger } from '../../platform/logger';
import { clusterNodes, type ClusterNode } from '../../platform/patroni/cluster-nodes';
import {
  leadersOf,
  patroniCluster,
  patroniMove,
  patroniSystemIdentifier,
  type PatroniCluster,
} from '../../platform/patroni/patroni-rest';
import type { PatroniFault } from '../../shared/experiment-schema';
import type { PatroniInjection, Locked, ResolvedDockerTarget, ResolvedPatroniTarget } from '../../shared/fault-types';
import { systemIdentifierOf } from '../../platform/database/system-identifier';
import { resolveDockerTarget } from './docker-fault';
import { applyNetworkFault } from './network-fault';
import { loseWrites, refuseUnrestoredDrill } from './patroni-lose-writes';
import { timelineOf, waitForNewLeader } from './patroni-election';
import { patroniTouches } from '../../shared/touched-things';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'TargetRefused');

interface Cluster {
  nodes: ClusterNode[];
  view: PatroniCluster;
  leader: ClusterNode;
}

/** The cluster and its leader, or a refusal naming what is wrong; never touches anything. */
async function readCluster(fault: PatroniFault): Promise<Cluster> {
  const nodes = await clusterNodes(fault.cluster);
  if (nodes.length === 0)
    throw refuse(`fault.cluster: no container carries the label faultline.patroni.scope=${fault.cluster}`);
  for (const node of nodes) await resolveDockerTarget({ target: { container: node.container } }); // opted in?
  const view = await patroniCluster(nodes);
  if (!view) throw refuse(`fault.cluster: no node of ${fault.cluster} answers Patroni's REST API on 127.0.0.1`);
  const leaders = leadersOf(view).filter((m) => m.state === 'running');
  if (leaders.length !== 1)
    throw refuse(
      `fault.cluster: ${fault.cluster} has ${leaders.length} running leaders; refusing to fault a cluster that is not healthy`,
    );
  const leader = nodes.find((n) => n.member === leaders[0]!.name);
  if (!leader) throw refuse(`fault.cluster: the leader ${leaders[0]!.name} is not a container faultline can see`);
  await refuseUnrestoredDrill(nodes, fault.cluster);
  return { nodes, view, leader };
}

/** The paths whose server has the cluster's system identifier (through HAProxy, PgBouncer or not). */
async function pathsInCluster(nodes: Cluster['nodes'], paths: string[]): Promise<string[]> {
  const cluster = await patroniSystemIdentifier(nodes);
  if (cluster === undefined) return paths; // not known: every path is taken to reach it, as before
  const ids = await Promise.all(paths.map((p) => systemIdentifierOf(p)));
  return paths.filter((_, i) => ids[i] === cluster || ids[i] === null); // null: down already, so not untouched
}

/** The replica to promote: the one named, or the running replica with the least lag. */
function candidateOf(fault: PatroniFault, cluster: Cluster): string {
  const replicas = cluster.view.members.filter((m) => m.name !== cluster.leader.member && m.state === 'running');
  if (fault.candidate) {
    if (!replicas.some((m) => m.name === fault.candidate))
      throw refuse(
        `fault.candidate: "${fault.candidate}" is not a running replica of ${fault.cluster} (replicas: ${replicas.map((m) => m.name).join(', ') || 'none'})`,
      );
    return fault.candidate;
  }
  const lag = (l: unknown) => (typeof l === 'number' ? l : Number.MAX_SAFE_INTEGER);
  const best = [...replicas].sort((a, b) => lag(a.lag) - lag(b.lag))[0];
  if (!best) throw refuse(`fault.cluster: ${fault.cluster} has no running replica to take over`);
  return best.name;
}

/**
 * The cluster as it is now; it touches the cluster and every node's container (any of them may lead
 * when the fault lands), each node found by its label as readCluster finds them.
 */
const targetOf = (fault: PatroniFault, cluster: Cluster): Locked<ResolvedPatroniTarget> => ({
  kind: 'patroni',
  name: fault.cluster,
  scope: fault.cluster,
  leader: cluster.leader.member,
  members: cluster.view.members.map((m) => m.name),
  touches: patroniTouches(
    fault.cluster,
    cluster.nodes.map((n) => n.container),
  ),
});

export async function resolvePatroniTarget(fault: PatroniFault): Promise<Locked<ResolvedPatroniTarget>> {
  const cluster = await readCluster(fault);
  candidateOf(fault, cluster); // a failover needs somewhere to go
  return targetOf(fault, cluster);
}

/** What a Patroni inject has done once its action is taken, before any wait. */
export interface PatroniActed {
  target: ResolvedPatroniTarget;
  injectRequestedAt: string;
  targetDownAt: string | null;
  patroni: PatroniInjection;
}

export interface PatroniInjectOptions {
  /** Runs before a node's container is touched (the lease of the dead man's switch). */
  beforeAction: (container: ResolvedDockerTarget) => Promise<void>;
  /** The experiment's paths: which of them reach this cluster is recorded before anything is done. */
  paths?: string[];
  /** Told right after the action, before the election wait (the inject's heartbeat marker). */
  onActed?: (acted: PatroniActed) => void;
  /** A retried inject: the first attempt acted already; only the waits are resumed. */
  resume?: PatroniActed;
}

export async function injectPatroniFault(fault: PatroniFault, options: PatroniInjectOptions): Promise<PatroniActed> {
  if (options.resume) return await resumePatroniFault(fault, options.resume);
  const { beforeAction, paths = [] } = options;
  const cluster = await readCluster(fault);
  const oldLeader = cluster.leader.member;
  const target = targetOf(fault, cluster);
  const events: PatroniInjection['events'] = [];
  const note = (message: string, source: 'faultline' | 'patroni' = 'faultline') =>
    events.push({ at: new Date().toISOString(), source, message });
  const injection: PatroniInjection = {
    action: fault.action,
    oldLeader,
    newLeader: null,
    leaderChangedAt: null,
    promotedAt: null,
    timelineBefore: timelineOf(cluster.view, oldLeader),
    timelineAfter: null,
    reachedPaths: await pathsInCluster(cluster.nodes, paths),
    events,
  };
  const injectRequestedAt = new Date().toISOString();
  logger.info({ action: fault.action, cluster: fault.cluster, leader: oldLeader }, 'injecting patroni fault');
  if (fault.action === 'switchover' || fault.action === 'failover') {
    const candidate = candidateOf(fault, cluster);
    note(`${fault.action} requested: ${oldLeader} -> ${candidate}`);
    const askedAt = new Date().toISOString();
    const answer = await patroniMove(cluster.nodes, fault.action, { leader: oldLeader, candidate });
    note(answer, 'patroni');
    const how = `stepped down (${fault.action} to ${candidate})`;
    injection.leaderLost = { at: askedAt, until: new Date().toISOString(), how };
  } else {
    const container = await resolveDockerTarget({ target: { container: cluster.leader.container } });
    injection.faultedContainer = container.name;
    await beforeAction(container);
    if (fault.action === 'kill-leader') {
      const at = new Date().toISOString();
      await docker.getContainer(container.id).kill({ signal: 'SIGKILL' });
      note(`leader ${oldLeader} killed (container ${container.name}, SIGKILL)`);
      injection.leaderLost = { at, until: new Date().toISOString(), how: 'killed (SIGKILL)' };
    } else if (fault.action === 'lose-writes') {
      const at = await loseWrites(fault, cluster.nodes, cluster.leader, container, note);
      injection.leaderLost = { at, until: new Date().toISOString(), how: 'killed (SIGKILL) after the WAL hold' };
    } else if (fault.action === 'partition-leader') {
      const at = new Date().toISOString();
      await applyNetworkFault({ action: 'blackhole', jitterMs: 0 }, container);
      note(`leader ${oldLeader} partitioned (container ${container.name}: every packet in and out dropped)`);
      injection.leaderLost = { at, until: new Date().toISOString(), how: 'partitioned (every packet dropped)' };
    } else fault.action satisfies never; // a new action does not compile until it has its branch
  }
  const acted: PatroniActed = { target, injectRequestedAt, targetDownAt: null, patroni: injection };
  options.onActed?.(acted);
  await waitForNewLeader(fault, cluster.nodes, injection, note);
  return acted;
}

/** A retry after the action: the same injection, its waits taken up again; nothing acts twice. */
async function resumePatroniFault(fault: PatroniFault, acted: PatroniActed): Promise<PatroniActed> {
  const injection = acted.patroni;
  const note = (message: string, source: 'faultline' | 'patroni' = 'faultline') =>
    injection.events.push({ at: new Date().toISOString(), source, message });
  note(`inject retried: ${fault.action} was already done, waiting for the new leader again`);
  if (!injection.newLeader || !injection.promotedAt)
    await waitForNewLeader(fault, await clusterNodes(fault.cluster), injection, note);
  return acted;
}
