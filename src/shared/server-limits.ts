/**
 * What a server accepts, from its own settings: PostgreSQL's `max_connections` less the slots it
 * keeps for others, PgBouncer's `max_client_conn` (and how many server connections its pool opens
 * on the server behind it). Pure: the settings are read by platform/database/connection-limits.ts.
 */

export interface PostgresLimitSettings {
  maxConnections: number;
  superuserReservedConnections: number;
  /** PostgreSQL 16+: slots for roles with pg_use_reserved_connections; null before 16. */
  reservedConnections: number | null;
}

/**
 * What PostgreSQL accepts from faultline: max_connections less its reserved slots. The lab's user
 * is a superuser and could take the superuser's slots too; they are left to the administrators.
 */
export function postgresLimit(s: PostgresLimitSettings): { accepts: number; limit: string } {
  const reserved = s.reservedConnections ?? 0;
  const parts = [
    `max_connections ${s.maxConnections}`,
    `superuser_reserved_connections ${s.superuserReservedConnections}`,
    ...(s.reservedConnections !== null ? [`reserved_connections ${s.reservedConnections}`] : []),
  ];
  return {
    accepts: Math.max(0, s.maxConnections - s.superuserReservedConnections - reserved),
    limit: parts.join(' − '),
  };
}

export interface PoolerLimit {
  accepts: number | null;
  limit: string;
  serverConnections: { most: number; text: string } | null;
}

const whole = (value: string | undefined): number | null =>
  value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;

/**
 * From PgBouncer's `SHOW CONFIG` (key -> value): the clients it accepts (`max_client_conn`), and
 * the most server connections one pool opens (`default_pool_size` + `reserve_pool_size`, within
 * `max_db_connections` and `max_user_connections` when set). A database's own `pool_size` in
 * `[databases]` is not in SHOW CONFIG and is not seen.
 */
export function pgbouncerLimit(config: Record<string, string>): PoolerLimit {
  const maxClients = whole(config.max_client_conn);
  const poolSize = whole(config.default_pool_size);
  const reserve = whole(config.reserve_pool_size) ?? 0;
  const caps = (['max_db_connections', 'max_user_connections'] as const).flatMap((key) => {
    const n = whole(config[key]);
    return n !== null && n > 0 ? [{ key, n }] : [];
  });
  const serverConnections =
    poolSize === null
      ? null
      : {
          most: Math.min(poolSize + reserve, ...caps.map((c) => c.n)),
          text: [
            `default_pool_size ${poolSize} + reserve_pool_size ${reserve}`,
            ...caps.map((c) => `${c.key} ${c.n}`),
          ].join(', '),
        };
  return {
    accepts: maxClients,
    limit: maxClients === null ? 'SHOW CONFIG has no max_client_conn' : `PgBouncer's max_client_conn ${maxClients}`,
    serverConnections,
  };
}

/** The documented fallback for a pooler whose limit cannot be read: FAULTLINE_MAX_CLIENT_CONN_<NAME>. */
export const maxClientConnKey = (connection: string): string =>
  `FAULTLINE_MAX_CLIENT_CONN_${connection.toUpperCase().replace(/-/g, '_')}`;
