/**
 * Patroni's dynamic configuration (`GET` and `PATCH /config`, stored in the DCS, so every node
 * sees the same) and a node's own view of its replication (`/patroni`: each standby's `sync_state`
 * as the primary's pg_stat_replication has it). A PATCH merges keys; a key set to null is removed.
 */
import type { ClusterNode } from './cluster-nodes';
import { firstAccepting, firstAnswer } from './patroni-rest';

const TIMEOUT_MS = 5000;

export type PatroniConfig = Record<string, unknown>;

/** Where a lose-writes drill keeps the replication settings it changed, in the dynamic configuration. */
export const SAVED_KEY = 'faultline_saved_replication';
/** The settings a drill changes (and saves first). */
export const REPLICATION_SETTINGS = ['synchronous_mode', 'synchronous_mode_strict', 'maximum_lag_on_failover'] as const;

/** A drill's saved settings left in the configuration: its restore has not run. */
export const drillUnrestored = (config: PatroniConfig | undefined): boolean => config?.[SAVED_KEY] != null;

/** Synchronous replication is on (`true`, or a mode such as Patroni 4's `quorum`). */
export const synchronousModeOn = (config: PatroniConfig | undefined): boolean => {
  const mode = config?.synchronous_mode;
  return mode === true || (typeof mode === 'string' && mode !== 'off' && mode !== 'false');
};

/** The dynamic configuration, as the first node that answers gives it; undefined when none does. */
export async function patroniConfig(nodes: ClusterNode[]): Promise<PatroniConfig | undefined> {
  return await firstAnswer(nodes, '/config', (body) => body as PatroniConfig, TIMEOUT_MS);
}

/** PATCH /config on the first node that takes it; the configuration after, or an error naming why. */
export async function patchPatroniConfig(nodes: ClusterNode[], patch: PatroniConfig): Promise<PatroniConfig> {
  const text = await firstAccepting(nodes, 'PATCH', '/config', patch, 'the configuration change', TIMEOUT_MS);
  return JSON.parse(text) as PatroniConfig;
}

/** The node's own view (`/patroni`): the standbys it streams to, and its WAL position. */
async function nodeView(node: ClusterNode): Promise<{
  replication?: Array<{ application_name: string; sync_state: string }>;
  xlog?: { location?: number; received_location?: number };
}> {
  if (!node.restUrl) return {};
  const response = await fetch(`${node.restUrl}/patroni`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return (await response.json()) as Awaited<ReturnType<typeof nodeView>>;
}

/** Each standby the node streams to, as it says: its name and `sync_state` (`sync`, `async`, ...). */
export async function replicationOf(node: ClusterNode): Promise<Array<{ name: string; syncState: string }>> {
  const { replication = [] } = await nodeView(node);
  return replication.map((r) => ({ name: r.application_name, syncState: r.sync_state }));
}

/** The node's WAL position as it says (`xlog.location` on a primary, `received_location` on a replica). */
export async function walPositionOf(node: ClusterNode): Promise<number | null> {
  const { xlog } = await nodeView(node);
  return xlog?.location ?? xlog?.received_location ?? null;
}

/**
 * Puts back the replication settings a drill saved (none saved: nothing to do) and verifies them;
 * the action taken (or null), and the configuration as it now is.
 */
export async function restoreReplicationSettings(
  nodes: ClusterNode[],
): Promise<{ action: string | null; config: PatroniConfig }> {
  const config = await patroniConfig(nodes);
  if (!config) throw new Error('no node of the cluster answers GET /config: its replication settings are unchecked');
  const saved = config[SAVED_KEY] as Record<string, unknown> | null | undefined;
  if (saved == null) return { action: null, config };
  const back = Object.fromEntries(REPLICATION_SETTINGS.map((k) => [k, saved[k] ?? null]));
  // Verified on the PATCH's own answer: a GET on another node may still serve its cached copy.
  const after = await patchPatroniConfig(nodes, { ...back, [SAVED_KEY]: null });
  const wrong = REPLICATION_SETTINGS.filter((k) => (after[k] ?? null) !== back[k]);
  if (drillUnrestored(after) || wrong.length)
    throw new Error(
      `the replication settings were not put back (${wrong.join(', ') || SAVED_KEY}): ${JSON.stringify(after)}`,
    );
  return { action: 'replication-settings-restored', config: after };
}
