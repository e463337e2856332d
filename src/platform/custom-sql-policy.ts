/**
 * Whoever can start a workflow on faultline's task queue can have the worker run `workload.custom`,
 * the definition's own SQL, with a named connection's role. The worker's operator decides, not the
 * definition, whether that is allowed: `FAULTLINE_CUSTOM_SQL` is
 *
 *   allow          (the default) custom statements run on any connection
 *   refuse         they run on none
 *   shop,ledger    they run only on these named connections
 *
 * Read where a custom statement would run (the plan check, the engine), before any connection opens.
 */
import { ApplicationFailure } from '@temporalio/common';
import { CONNECTION_NAME } from '../shared/schema-fields';

export const CUSTOM_SQL_VARIABLE = 'FAULTLINE_CUSTOM_SQL';

export type CustomSqlPolicy = { allow: 'all' } | { allow: 'none' } | { allow: 'named'; connections: string[] };

/** The worker's policy, from `FAULTLINE_CUSTOM_SQL`; an invalid value throws, naming the variable. */
export function customSqlPolicy(raw = process.env[CUSTOM_SQL_VARIABLE]): CustomSqlPolicy {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'allow') return { allow: 'all' };
  if (value === 'refuse') return { allow: 'none' };
  const connections = value.split(',').map((name) => name.trim());
  const invalid = connections.filter((name) => !CONNECTION_NAME.test(name));
  if (invalid.length)
    throw ApplicationFailure.nonRetryable(
      `${CUSTOM_SQL_VARIABLE} must be allow, refuse or a comma-separated list of connection names; ` +
        `${invalid.map((name) => JSON.stringify(name)).join(', ')} is not a connection name (got "${raw}")`,
      'InvalidWorkerSetting',
    );
  return { allow: 'named', connections };
}

/** Why custom statements may not run on this connection, or undefined when they may. */
export function customSqlRefusal(connection: string, policy = customSqlPolicy()): string | undefined {
  if (policy.allow === 'all') return undefined;
  if (policy.allow === 'named' && policy.connections.includes(connection)) return undefined;
  const allowed =
    policy.allow === 'none'
      ? 'refuses them on every connection'
      : `allows them only on ${policy.connections.join(', ')}`;
  return `workload.custom: this worker does not run custom statements on path ${connection} (${CUSTOM_SQL_VARIABLE} ${allowed})`;
}

/** Throws a non-retryable `CustomSqlRefused` when custom statements may not run on this connection. */
export function assertCustomSqlAllowed(connection: string): void {
  const refusal = customSqlRefusal(connection);
  if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'CustomSqlRefused');
}
