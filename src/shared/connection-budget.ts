/**
 * The connection budget: faultline's connections (connection-demand.ts) summed per server over the
 * named connections that reach it, at the moment they are most, against what the server accepts. A
 * pooler in front of a server (PgBouncer) is a server of its own for its clients, and opens at most
 * its pool's server connections on the server behind it. A limit that could not be read is said,
 * never guessed. Pure.
 */
import { BUDGET_MOMENTS, MOMENT_TEXT, type BudgetMoment, type DemandTerm } from './connection-demand';

/** A server (or a pooler) and what it accepts. */
export interface ServerLimit {
  /** The same key, the same server. */
  key: string;
  /** For people: what it is and where (never a password). */
  label: string;
  /** Connections it accepts; null when its limit could not be read. */
  accepts: number | null;
  /** How `accepts` was found, or why it was not: `max_connections 300 − superuser_reserved_connections 3`. */
  limit: string;
}

/** A named connection through a pooler (its login's backend pid is not its queries'). */
export interface PooledLocation {
  connection: string;
  pooler: ServerLimit;
  /** The server behind it, as its queries saw it. */
  server: ServerLimit;
  /** The most server connections its pool opens, and from which settings; null if not read. */
  serverConnections: { most: number; text: string } | null;
}

/** Where one named connection leads. */
export type ConnectionLocation =
  { connection: string; server: ServerLimit } | PooledLocation | { connection: string; unreached: string };

export interface ServerTally {
  server: string;
  /** The named connections whose connections it holds. */
  reachedBy: string[];
  accepts: number | null;
  limit: string;
  /** The most of faultline's connections it holds at once, during which moment, and their terms. */
  peak: number;
  during: string;
  terms: Array<{ what: string; connections: number }>;
}

export interface ConnectionBudget {
  servers: ServerTally[];
  /** What was not checked, and why. */
  unchecked: string[];
  /** A server asked for more than it accepts: the refusal, naming the fields and the numbers. */
  exceeded?: string;
}

type Term = { what: string; connections: number; connection: string };

interface Tally {
  limit: ServerLimit;
  reachedBy: Set<string>;
  byMoment: Map<BudgetMoment, Term[]>;
}

const sum = (terms: Term[]) => terms.reduce((n, t) => n + t.connections, 0);

class Tallies {
  readonly byKey = new Map<string, Tally>();

  add(limit: ServerLimit, reachedBy: string[], moments: BudgetMoment[], term: Term): void {
    let tally = this.byKey.get(limit.key);
    if (!tally) this.byKey.set(limit.key, (tally = { limit, reachedBy: new Set(), byMoment: new Map() }));
    for (const name of reachedBy) tally.reachedBy.add(name);
    for (const moment of moments) tally.byMoment.set(moment, [...(tally.byMoment.get(moment) ?? []), term]);
  }
}

/** Clients of each pooler (and the server behind it), per moment: its pool's share goes to that server. */
function poolerSides(tallies: Tallies, terms: DemandTerm[], locations: Map<string, ConnectionLocation>): string[] {
  const unchecked: string[] = [];
  const sides = new Map<string, { location: PooledLocation; via: Set<string> }>();
  for (const t of terms) {
    const l = locations.get(t.connection);
    if (!l || !('pooler' in l)) continue;
    const key = `${l.pooler.key}\n${l.server.key}`;
    const side = sides.get(key) ?? { location: l, via: new Set<string>() };
    side.via.add(t.connection);
    sides.set(key, side);
  }
  for (const { location: l, via } of sides.values()) {
    const clients = tallies.byKey.get(l.pooler.key)!.byMoment;
    const names = [...via].join(', ');
    if (!l.serverConnections) {
      unchecked.push(
        `${l.server.label}: the server connections of ${l.pooler.label} (via ${names}) are not known, and not counted`,
      );
      continue;
    }
    for (const moment of BUDGET_MOMENTS) {
      const n = sum((clients.get(moment) ?? []).filter((t) => via.has(t.connection)));
      if (n === 0) continue;
      const most = Math.min(n, l.serverConnections.most);
      tallies.add(l.server, [...via], [moment], {
        what: `${l.pooler.label}'s server connections min(${n} clients, ${l.serverConnections.text}) = ${most} via ${names}`,
        connections: most,
        connection: names,
      });
    }
  }
  return unchecked;
}

function peakOf(tally: Tally): ServerTally {
  let best: { moment: BudgetMoment; terms: Term[] } | undefined;
  for (const moment of BUDGET_MOMENTS) {
    const terms = tally.byMoment.get(moment);
    if (terms && (!best || sum(terms) > sum(best.terms))) best = { moment, terms };
  }
  const terms = best?.terms ?? [];
  return {
    server: tally.limit.label,
    reachedBy: [...tally.reachedBy].sort(),
    accepts: tally.limit.accepts,
    limit: tally.limit.limit,
    peak: sum(terms),
    during: best ? MOMENT_TEXT[best.moment] : 'never',
    terms: terms.map(({ what, connections }) => ({ what, connections })),
  };
}

/** The refusal's sentence for one server. */
export function exceededText(t: ServerTally): string {
  return (
    `${t.terms.map((term) => term.what).join(' + ')} = ${t.peak} connections on ${t.server} during ${t.during}, ` +
    `which accepts ${t.accepts} (${t.limit})`
  );
}

/** The budget: every server's peak, what could not be checked, and the refusal if one is over. */
export function tallyConnections(terms: DemandTerm[], locations: ConnectionLocation[]): ConnectionBudget {
  const where = new Map(locations.map((l) => [l.connection, l]));
  const tallies = new Tallies();
  const unchecked = new Set<string>();
  for (const t of terms) {
    const l = where.get(t.connection);
    const term: Term = { what: t.what, connections: t.connections, connection: t.connection };
    if (!l || 'unreached' in l) {
      unchecked.add(`${t.connection}: not reached (${l && 'unreached' in l ? l.unreached : 'not looked up'})`);
      continue;
    }
    tallies.add('pooler' in l ? l.pooler : l.server, [t.connection], t.moments, term);
  }
  for (const note of poolerSides(tallies, terms, where)) unchecked.add(note);
  const servers = [...tallies.byKey.values()].map(peakOf);
  for (const s of servers)
    if (s.accepts === null) unchecked.add(`${s.server}: ${s.limit}; its ${s.peak} connections are not checked`);
  const over = servers.filter((s) => s.accepts !== null && s.peak > s.accepts);
  return {
    servers,
    unchecked: [...unchecked],
    ...(over.length
      ? {
          exceeded: `connection budget: ${over.map(exceededText).join('; ')}. Lower these fields, or use fewer paths to that server`,
        }
      : {}),
  };
}
