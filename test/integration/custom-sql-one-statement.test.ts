/**
 * A custom statement is one statement by construction, and a read never writes,
 * on the real database, whatever the lexer thinks. Every case carries the canary second statement
 * (`; INSERT INTO canary VALUES (1)`); each is planned (`EXPLAIN`, the pre-inject check) and run on
 * both measuring clients (a dedicated wire session, a pg pool behind Kysely) as a read and as a
 * write, directly and through PgBouncer, the lexer's verdict bypassed. Afterwards the canary table
 * holds no 1: no case ran its second statement, and no read wrote.
 */
import assert from 'node:assert/strict';
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import { checkCustomOperations } from '../../src/activities/schema/check-custom-operations';
import { customCatalog } from '../../src/activities/workload/operations/custom-operations';
import { WorkerConnection } from '../../src/activities/workload/clients/worker-connection';
import { openDatabase, poolConfigFor } from '../../src/platform/database/open-database';
import type { CustomOperation } from '../../src/shared/workload-settings';
import { CANARY, canaryStatements } from '../reference/canary-statements';
import { sqlQuery } from './harness/lab-database';
import { labWorkloadLogin } from '../../src/platform/connections';

/** The shapes found by hand (issue 25), each with the canary after what hides it. */
const KNOWN = [
  `SELECT 1 /* a /* b */ ${CANARY} */`,
  `SELECT 1 /* a /* b */ */${CANARY}`,
  `SELECT name'\\'${CANARY} --'`,
  `SELECT e'\\'${CANARY} --'`,
  `SELECT U&'\\'${CANARY} --'`,
  `SELECT $a$ $b$ $a$${CANARY}`,
  `SELECT 1${CANARY}`,
];
const FUZZ = canaryStatements(150, 25_1).map((c) => c.statement);
/** A read that writes through a data-modifying CTE: READ ONLY refuses it. */
const WRITING_READ = 'WITH w AS (INSERT INTO canary VALUES (1) RETURNING a) SELECT a FROM w';

const op = (statement: string, type: 'read' | 'write'): CustomOperation =>
  ({ name: 'canary', weight: 1, statement, parameters: [], type }) as CustomOperation;

interface Outcome {
  ran: number;
  refused: number;
}

/** Plans and runs `statement` as `type` on `path` with both clients; counts what ran. */
async function tryEverywhere(
  statement: string,
  type: 'read' | 'write',
  path: string,
  clients: { dedicated: WorkerConnection; pool: Kysely<unknown> },
  outcome: Outcome,
): Promise<void> {
  const [entry] = customCatalog([op(statement, type)], path);
  const attempts: Array<() => Promise<unknown>> = [
    () => checkCustomOperations(path, [op(statement, type)]),
    () => entry!.run(clients.dedicated),
    () => entry!.run(clients.pool as never),
  ];
  for (const attempt of attempts)
    await attempt().then(
      () => outcome.ran++,
      () => outcome.refused++,
    );
}

describe('custom SQL, one statement by construction (issue 25)', function () {
  this.timeout(240_000);

  before(async () => {
    await sqlQuery('CREATE TABLE IF NOT EXISTS canary (a integer)');
    await sqlQuery('TRUNCATE canary');
    // The workload's role may write the canary: only the mechanism stands between a case and it.
    await sqlQuery(`GRANT SELECT, INSERT ON canary TO ${labWorkloadLogin().user}`);
  });
  after(async () => {
    await sqlQuery('DROP TABLE IF EXISTS canary');
  });

  for (const path of ['direct', 'proxy'])
    it(`on ${path}: no hidden second statement runs and no read writes, on either client`, async () => {
      const dedicated = new WorkerConnection(poolConfigFor(path, { statementTimeoutMs: 10_000 }) as pg.ClientConfig);
      const pool = openDatabase(path, { statementTimeoutMs: 10_000 }) as unknown as Kysely<unknown>;
      const outcome: Outcome = { ran: 0, refused: 0 };
      try {
        for (const statement of [...KNOWN, ...FUZZ])
          for (const type of ['read', 'write'] as const)
            await tryEverywhere(statement, type, path, { dedicated, pool }, outcome);
        await tryEverywhere(WRITING_READ, 'read', path, { dedicated, pool }, outcome);
        // Not vacuous: the same clients do write when asked to, and a plain read runs.
        const [write] = customCatalog([op('INSERT INTO canary VALUES (2)', 'write')], path);
        await write!.run(dedicated);
        await write!.run(pool as never);
        const [read] = customCatalog([op('SELECT a FROM canary', 'read')], path);
        assert.equal((await read!.run(dedicated)).rows, 2, 'a read runs READ ONLY and reads');
      } finally {
        await dedicated.close();
        await pool.destroy();
      }
      const rows = await sqlQuery<{ a: number; n: string }>('SELECT a, count(*) AS n FROM canary GROUP BY a');
      const byValue = Object.fromEntries(rows.map((r) => [r.a, Number(r.n)]));
      assert.equal(byValue[1], undefined, `the canary ran: ${JSON.stringify(byValue)}`);
      assert.equal(byValue[2], 2, 'the deliberate writes landed');
      assert.ok(outcome.refused > 0 && outcome.ran + outcome.refused === (KNOWN.length + FUZZ.length) * 6 + 3);
      await sqlQuery('TRUNCATE canary');
    });

  for (const path of ['direct', 'proxy', 'cluster', 'cluster-proxy'])
    it(`on ${path}: the workload logs in as a role that can only read and write the business tables`, async () => {
      // A superuser's session, open on the same server while the workload tries to end it.
      const server = { proxy: 'direct', 'cluster-proxy': 'cluster' }[path] ?? path;
      const admin = new pg.Client(poolConfigFor(server, { role: 'setup' }));
      admin.on('error', () => undefined);
      await admin.connect();
      const adminPid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const workload = new WorkerConnection(poolConfigFor(path, { statementTimeoutMs: 10_000 }) as pg.ClientConfig);
      const run = (sql: string, parameters: unknown[] = []) =>
        workload.executeQuery(CompiledQuery.raw(sql, parameters)).then(
          (r) => r.rows as Array<Record<string, unknown>>,
          (err: { code?: string }) => err.code ?? 'failed',
        );
      try {
        const [me] = (await run(
          `SELECT current_user AS name, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolbypassrls,
                  pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signals,
                  has_database_privilege(current_database(), 'CREATE') AS create_db,
                  has_schema_privilege('public', 'CREATE') AS create_public,
                  (SELECT datdba = r.oid FROM pg_database WHERE datname = current_database()) AS owns_db
             FROM pg_roles r WHERE r.rolname = current_user`,
        )) as Array<Record<string, unknown>>;
        assert.deepEqual(me, {
          name: labWorkloadLogin().user,
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolbypassrls: false,
          signals: false,
          create_db: false,
          create_public: false,
          owns_db: false,
        });
        assert.equal(await run('CREATE TABLE smuggled (a int)'), '42501', 'no CREATE on public');
        assert.equal(await run('SELECT pg_terminate_backend($1)', [adminPid]), '42501', 'no signal to another role');
        assert.equal(await run('SELECT count(*) FROM pg_authid'), '42501', 'no catalog of passwords');
        assert.ok(Array.isArray(await run('SELECT id FROM business_users LIMIT 1')), 'reads the business tables');
        const [logged] = (await run(
          "INSERT INTO business_logs (action, details) VALUES ('role-test', 'x') RETURNING id",
        )) as Array<{ id: number }>;
        assert.ok(logged && logged.id > 0, 'writes them');
        await run('DELETE FROM business_logs WHERE id = $1', [logged.id]);
      } finally {
        await workload.close();
        await admin.end().catch(() => undefined);
      }
    });
});
