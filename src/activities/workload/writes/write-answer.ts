/**
 * What a business write's caller was told, in the audits' vocabulary (Jepsen's ok, fail, info):
 * acknowledged (it returned), refused (a purchase rolled back as out of stock: not bought, by
 * design), failed (it certainly did not commit), or unknown (it may have). Pure.
 *
 * Certainly not committed:
 * - a transaction's error before its COMMIT went out: the server never commits without it;
 * - the connection refused before the statement went out (`connection_refused`);
 * - the server answered the statement with an ERROR (a SQLSTATE), except 08xxx (a proxy's broken
 *   server connection); a FATAL or PANIC only at login (57P03, 53300, 28xxx, 3D000). Any other
 *   FATAL (57P01: a backend that ended while it waited for a standby has committed locally) or
 *   PANIC may come after the commit.
 * Everything else (a reset, a client-side timeout, a COMMIT without an answer) is unknown.
 */
import { classifyError, sqlState } from '../../../platform/error-classification';
import type { WriteAnswer } from '../../../shared/write-audit-types';

const beforeCommit = new WeakSet<object>();

/** Marks a transaction's error as thrown before its COMMIT went out; returns it. */
export function thrownBeforeCommit<E>(err: E): E {
  if (typeof err === 'object' && err !== null) beforeCommit.add(err);
  return err;
}

/** Errors a server sends at login, before any statement: nothing was sent to commit. */
const AT_LOGIN = /^(57P03|53300|28...|3D000)$/;

export function writeAnswerOf(err: unknown): WriteAnswer {
  if (typeof err === 'object' && err !== null && beforeCommit.has(err)) return 'failed';
  if (classifyError(err) === 'connection_refused') return 'failed';
  // Only the server's own errors carry a severity (Node's EPIPE looks like a SQLSTATE).
  const severity = (err as { severity?: unknown } | null)?.severity;
  const state = severity === undefined ? undefined : sqlState(err);
  if (!state) return 'unknown';
  if (severity === 'ERROR') return state.startsWith('08') ? 'unknown' : 'failed';
  // FATAL or PANIC: the session ended, perhaps after its commit (57P01 while waiting for a standby).
  return AT_LOGIN.test(state) ? 'failed' : 'unknown';
}
