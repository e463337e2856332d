/**
 * Patroni's REST API, asked of whichever node answers: the cluster's members and roles (`/cluster`),
 * its timeline history (`/history`), a node's own view (`/patroni`), and the planned moves
 * (`/switchover`, `/failover`); patroni-config.ts asks `/config` through the same two. A node that is down, partitioned or paused simply does not answer
 * within the timeout; the next one is asked.
 */
import type { ClusterNode } from './cluster-nodes';

export interface PatroniMember {
  name: string;
  role: 'leader' | 'replica' | 'standby_leader' | 'sync_standby' | string;
  state: string;
  host?: string;
  timeline?: number;
  lag?: number | string;
}

export interface PatroniCluster {
  members: PatroniMember[];
  /** The node whose REST API answered. */
  answeredBy: string;
}

/** [timeline, lsn, reason, timestamp, new leader] per timeline switch. */
export type PatroniHistory = Array<[number, number, string, string, string?]>;

const TIMEOUT_MS = 1000;

async function request(url: string, init: RequestInit = {}, timeoutMs = TIMEOUT_MS): Promise<Response> {
  return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/** GET `path` of the first node that answers it with 2xx, parsed; undefined when none does. */
export async function firstAnswer<T>(
  nodes: ClusterNode[],
  path: string,
  parse: (body: unknown, node: ClusterNode) => T,
  timeoutMs = TIMEOUT_MS,
): Promise<T | undefined> {
  for (const node of nodes) {
    if (!node.running || !node.restUrl) continue;
    try {
      const response = await request(`${node.restUrl}${path}`, {}, timeoutMs);
      if (response.ok) return parse(await response.json(), node);
    } catch {
      // down, partitioned or slow: ask the next node
    }
  }
  return undefined;
}

/**
 * Sends a JSON body to `path` on the first node that takes it; the answer's text, or an error
 * naming `what` was refused. A 4xx ends the tries: the request itself is wrong, on any node.
 */
export async function firstAccepting(
  nodes: ClusterNode[],
  method: 'POST' | 'PATCH',
  path: string,
  body: unknown,
  what: string,
  timeoutMs: number,
): Promise<string> {
  let lastError = 'no node of the cluster answers its REST API';
  for (const node of nodes) {
    if (!node.running || !node.restUrl) continue;
    try {
      const response = await request(
        `${node.restUrl}${path}`,
        { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
        timeoutMs,
      );
      const text = (await response.text()).trim();
      if (response.ok) return text;
      lastError = `Patroni refused ${what} (HTTP ${response.status}): ${text}`;
      if (response.status >= 400 && response.status < 500) break;
    } catch (err) {
      lastError = `${node.member}: ${(err as Error).message}`;
    }
  }
  throw new Error(lastError);
}

/** The cluster as the first answering node sees it; undefined when no node answers. */
export async function patroniCluster(nodes: ClusterNode[]): Promise<PatroniCluster | undefined> {
  return await firstAnswer(nodes, '/cluster', (body, node) => ({
    members: ((body as { members?: PatroniMember[] }).members ?? []).map((m) => ({ ...m })),
    answeredBy: node.member,
  }));
}

/** One line per cluster for logs and reports: "node1 leader running tl2, node2 replica streaming tl2". */
export function membersText(cluster: PatroniCluster | undefined): string {
  return (cluster?.members ?? [])
    .map((m) => `${m.name} ${m.role} ${m.state}${m.timeline ? ` tl${m.timeline}` : ''}`)
    .join(', ');
}

export async function patroniHistory(nodes: ClusterNode[]): Promise<PatroniHistory> {
  return (await firstAnswer(nodes, '/history', (body) => body as PatroniHistory)) ?? [];
}

/** The cluster's database system identifier, as a node's own view (`/patroni`) gives it. */
export async function patroniSystemIdentifier(nodes: ClusterNode[]): Promise<string | undefined> {
  return await firstAnswer(nodes, '/patroni', (body) => {
    const id = (body as { database_system_identifier?: unknown }).database_system_identifier;
    return id === undefined ? undefined : String(id);
  });
}

/** POST /switchover or /failover on a node that answers; Patroni's answer text, or an error. */
export async function patroniMove(
  nodes: ClusterNode[],
  kind: 'switchover' | 'failover',
  body: { leader?: string; candidate?: string },
): Promise<string> {
  return await firstAccepting(nodes, 'POST', `/${kind}`, body, `the ${kind}`, 30_000);
}

/** Pure: the members that say they lead (more than one is a split brain). */
export function leadersOf(cluster: PatroniCluster | undefined): PatroniMember[] {
  return (cluster?.members ?? []).filter((m) => m.role === 'leader' || m.role === 'standby_leader');
}

/** Pure: one running leader and every other member a running replica with a known lag. */
export function clusterHealthy(cluster: PatroniCluster | undefined, expectedMembers: number): boolean {
  if (!cluster || cluster.members.length < expectedMembers) return false;
  const leaders = leadersOf(cluster);
  if (leaders.length !== 1 || leaders[0]!.state !== 'running') return false;
  return cluster.members
    .filter((m) => m !== leaders[0])
    .every((m) => m.state === 'running' && typeof m.lag === 'number' && m.timeline === leaders[0]!.timeline);
}
