/**
 * What went wrong, in the classes an SRE reads an outage by. Keeps the SQLSTATE when there is one.
 *
 *   connection_refused  nothing listens, or the server refuses new sessions (57P03 starting up)
 *   connection_reset    an open connection broke (ECONNRESET, EPIPE, terminated, SQLSTATE 08xxx)
 *   admin_shutdown      the server ended the session: 57P01 admin_shutdown, 57P02 crash_shutdown
 *   read_only           25006 read_only_sql_transaction (a writer that became a reader)
 *   timeout             connect or query timeout, 57014 query_canceled, PgBouncer's query_wait_timeout
 *   other               anything else (constraint violations, bugs)
 */
import type { ErrorClass } from '../shared/workload-types';

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

function fields(err: unknown): { code: string | undefined; message: string } {
  const e = (err ?? {}) as PgLikeError;
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

/** A SQLSTATE is five characters of digits and capitals; Node's codes (ECONNREFUSED) are not. */
export function sqlState(err: unknown): string | undefined {
  if (err instanceof ClassifiedError) return err.code;
  const { code } = fields(err);
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** An error its maker already classified (an HTTP answer: `http_status` with its status as the code). */
export class ClassifiedError extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ClassifiedError';
  }
}

export function classifyError(err: unknown): ErrorClass {
  if (err instanceof ClassifiedError) return err.errorClass;
  const { code, message } = fields(err);
  const text = message.toLowerCase();
  if (code === '57P01' || code === '57P02' || text.includes('terminating connection due to administrator command')) {
    return 'admin_shutdown';
  }
  if (code === '25006') return 'read_only';
  if (code === '57014' || text.includes('timeout') || text.includes('timed out') || code === 'ETIMEDOUT')
    return 'timeout';
  if (
    code === 'ECONNREFUSED' ||
    code === '57P03' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    text.includes('connect econnrefused') ||
    // libpq's wording, as clients built on it report these (no SQLSTATE)
    text.includes('connection refused') ||
    text.includes('the database system is shutting down') ||
    text.includes('the database system is starting up')
  ) {
    return 'connection_refused';
  }
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    // undici's (Node's fetch): the socket closed under a request
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CLOSED' ||
    (code !== undefined && code.startsWith('08')) ||
    text.includes('connection terminated') ||
    text.includes('server conn crashed') ||
    text.includes('server closed the connection') ||
    text.includes('connection ended') ||
    text.includes('not queryable') ||
    // libpq's wording
    text.includes('connection reset by peer') ||
    text.includes('no connection to the server') ||
    text.includes('could not send data to server') ||
    text.includes('could not receive data from server')
  ) {
    return 'connection_reset';
  }
  return 'other';
}

/**
 * Whether the connection a failed query ran on must be thrown away:
 * - a socket error or a client-side timeout (no SQLSTATE): the connection is gone or busy;
 * - an error the server sent with severity FATAL or PANIC: it closes the session;
 * - read-only (25006): after a failover the old writer is a reader; a new connection finds the writer.
 * An ordinary ERROR (a proxy's "server conn crashed?", a statement timeout) leaves the session usable:
 * keeping it matters behind a proxy, which may refuse new logins while its server is away.
 */
export function isConnectionLevelError(err: unknown): boolean {
  const state = sqlState(err);
  if (state === undefined) return classifyError(err) !== 'other';
  const severity = (err as { severity?: unknown }).severity;
  return severity === 'FATAL' || severity === 'PANIC' || state === '25006';
}
