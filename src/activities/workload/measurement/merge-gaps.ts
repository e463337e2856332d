/**
 * A sharded path's measurement gaps from its shards': where every shard was in a gap at once,
 * nothing measured the path; where some were, the path was measured with part of its clients, and
 * each such gap names its shard and that shard's share of the clients (merge-shards.ts). Pure.
 */
import type { MeasurementGap } from '../../../shared/workload-types';

type Span = { start: number; end: number; cause: MeasurementGap['cause'] };

/** `spans` less the parts inside any of `cut` (both sorted). */
function without(spans: Span[], cut: Span[]): Span[] {
  return spans.flatMap((g) => {
    const pieces: Span[] = [];
    let from = g.start;
    for (const c of cut) {
      if (c.end <= from || c.start >= g.end) continue;
      if (c.start > from) pieces.push({ ...g, start: from, end: c.start });
      from = Math.max(from, c.end);
    }
    if (from < g.end) pieces.push({ ...g, start: from });
    return pieces;
  });
}

/**
 * The times every shard was in a gap (named by the first shard's gap there), and each shard's own
 * gaps besides, with its shard and share; in time order.
 */
export function mergeGaps(shards: MeasurementGap[][], shares: number[]): MeasurementGap[] {
  const spans = shards.map((gaps) =>
    gaps
      .filter((g) => g.shard === undefined)
      .map((g) => ({ start: Date.parse(g.start), end: Date.parse(g.end), cause: g.cause }))
      .sort((a, b) => a.start - b.start),
  );
  const [first, ...rest] = spans;
  let common = first ?? [];
  for (const other of rest)
    common = common.flatMap((g) =>
      other
        .filter((o) => o.start < g.end && o.end > g.start)
        .map((o) => ({ start: Math.max(g.start, o.start), end: Math.min(g.end, o.end), cause: g.cause })),
    );
  const iso = (g: Span) => ({
    start: new Date(g.start).toISOString(),
    end: new Date(g.end).toISOString(),
    cause: g.cause,
  });
  const own = spans.flatMap((gaps, index) =>
    without(gaps, common).map((g) => ({ ...iso(g), shard: index + 1, share: shares[index] ?? 1 / shards.length })),
  );
  return [...common.map(iso), ...own].sort((a, b) => a.start.localeCompare(b.start));
}
