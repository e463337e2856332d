/**
 * The connections an experiment opens, per named connection and moment, summed
 * per server over the paths that reach it, against what the server accepts (pure logic; the
 * servers' settings are given, nothing connects).
 */
import assert from 'node:assert/strict';
import { tallyConnections, type ConnectionLocation, type ServerLimit } from '../../src/shared/connection-budget';
import { connectionDemand, type DemandInput } from '../../src/shared/connection-demand';
import { parseExperiment } from '../../src/shared/experiment-schema';
import { pgbouncerLimit, postgresLimit } from '../../src/shared/server-limits';

const stop = { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } };
const demandOf = (definition: Record<string, unknown>, serviceConnection?: string): DemandInput => ({
  ...parseExperiment({ name: 'budget', ...definition }),
  ...(serviceConnection ? { serviceConnection } : {}),
});
const termsOf = (definition: Record<string, unknown>) =>
  connectionDemand(demandOf(definition)).map((t) => [t.what, t.connections, t.moments.join(' ')]);

const lab: ServerLimit = {
  key: 'postgres 7312 started 1',
  label: 'the PostgreSQL server at 172.18.0.2:5432 (system 7312)',
  ...postgresLimit({ maxConnections: 300, superuserReservedConnections: 3, reservedConnections: null }),
};
const bouncer = pgbouncerLimit({
  max_client_conn: '2000',
  default_pool_size: '60',
  reserve_pool_size: '0',
  max_db_connections: '200',
  max_user_connections: '0',
});
const labLocations: ConnectionLocation[] = [
  { connection: 'direct', server: lab },
  {
    connection: 'proxy',
    pooler: {
      key: 'pooler 127.0.0.1:16432',
      label: 'the pooler at 127.0.0.1:16432',
      accepts: bouncer.accepts,
      limit: bouncer.limit,
    },
    server: lab,
    serverConnections: bouncer.serverConnections,
  },
];

describe('connection budget (unit, pure)', () => {
  it('counts each path: its workload, its steady-state checks and, with a fault, the probe', () => {
    assert.deepEqual(termsOf({ fault: stop }), [
      ['workload.concurrentWorkers 3 (workload.client dedicated) on direct', 3, 'inject-restore beside-workload'],
      ["the steady-state check's workload.concurrentWorkers 3 on direct", 3, 'steady-state-before beside-workload'],
      ["the probe's logins 6 on direct", 6, 'inject-restore'],
      ["the business-write audit's 1 on direct", 1, 'audit'],
    ]);
  });

  it('shards split the workers and the pool, never multiply them; a pool gives each shard at least 1', () => {
    const [dedicated] = termsOf({ workload: { concurrentWorkers: 200, poolSize: 200, shards: 2 } });
    assert.deepEqual(dedicated, [
      'workload.concurrentWorkers 200 (workload.client dedicated) over workload.shards 2 on direct',
      200,
      'beside-workload',
    ]);
    const [pooled] = termsOf({ workload: { concurrentWorkers: 8, poolSize: 2, shards: 4 } });
    assert.deepEqual(pooled!.slice(0, 2), [
      'workload.poolSize 2 (workload.client pool) over workload.shards 4, at least 1 each = 4 on direct',
      4,
    ]);
  });

  it('background pgbench, the payment service pool and the audit, on their own connections', () => {
    const terms = connectionDemand(
      demandOf(
        { workload: { pgbench: { enabled: true, clients: 20 } }, payments: { auditConnection: 'ledger' } },
        'shop',
      ),
    ).map((t) => [t.connection, t.connections, t.what]);
    assert.deepEqual(terms.slice(2), [
      ['direct', 20, 'workload.pgbench.clients 20 on direct'],
      ['shop', 10, "the payment service's pool 10 on shop (payments; FAULTLINE_SERVICE_CONNECTION)"],
      ['ledger', 1, "the audit's 1 on payments.auditConnection ledger"],
      ['direct', 1, "the business-write audit's 1 on direct"],
    ]);
  });

  it('the lab with its defaults fits: the peak is the largest moment, not every term added up', () => {
    const budget = tallyConnections(
      connectionDemand(demandOf({ paths: ['direct', 'proxy'], fault: stop })),
      labLocations,
    );
    assert.equal(budget.exceeded, undefined);
    assert.deepEqual(budget.unchecked, []);
    const server = budget.servers.find((s) => s.server === lab.label)!;
    assert.deepEqual([server.peak, server.accepts, server.during], [9 + 9, 297, 'the inject and the restore']);
    assert.deepEqual(server.reachedBy, ['direct', 'proxy']);
    const pooler = budget.servers.find((s) => s.server === 'the pooler at 127.0.0.1:16432')!;
    assert.deepEqual([pooler.peak, pooler.accepts], [9, 2000]);
  });

  it('over max_connections: refused, naming every field and number, summed over the paths to the server', () => {
    const budget = tallyConnections(
      connectionDemand(
        demandOf({ paths: ['direct', 'proxy'], fault: stop, workload: { concurrentWorkers: 200, poolSize: 200 } }),
      ),
      labLocations,
    );
    assert.equal(
      budget.exceeded,
      'connection budget: workload.concurrentWorkers 200 (workload.client dedicated) on direct + ' +
        "the steady-state check's workload.concurrentWorkers 200 on direct + " +
        "the pooler at 127.0.0.1:16432's server connections min(400 clients, default_pool_size 60 + reserve_pool_size 0, max_db_connections 200) = 60 via proxy " +
        '= 460 connections on the PostgreSQL server at 172.18.0.2:5432 (system 7312) during the steady-state checks beside the workload (recovery, after), ' +
        'which accepts 297 (max_connections 300 − superuser_reserved_connections 3). Lower these fields, or use fewer paths to that server',
    );
  });

  it("behind the pooler, its max_client_conn is the limit; the server sees only its pool's connections", () => {
    const budget = tallyConnections(
      connectionDemand(demandOf({ paths: ['proxy'], workload: { concurrentWorkers: 512, poolSize: 512 } })),
      [{ ...labLocations[1]!, pooler: { ...(labLocations[1] as { pooler: ServerLimit }).pooler, accepts: 1000 } }],
    );
    assert.match(budget.exceeded ?? '', /= 1024 connections on the pooler at 127\.0\.0\.1:16432 .*which accepts 1000/);
    assert.equal(budget.servers.find((s) => s.server === lab.label)?.peak, 60);
  });

  it('a limit not read, or a connection not reached, is said and not guessed: no refusal', () => {
    const unknown: ConnectionLocation = {
      ...(labLocations[1] as Extract<ConnectionLocation, { pooler: ServerLimit }>),
      pooler: { key: 'pooler x', label: 'the pooler at x', accepts: null, limit: 'its admin console did not answer' },
      serverConnections: null,
    };
    const budget = tallyConnections(
      connectionDemand(demandOf({ paths: ['proxy', 'gone'], workload: { concurrentWorkers: 512, poolSize: 512 } })),
      [unknown, { connection: 'gone', unreached: 'connect ECONNREFUSED 127.0.0.1:9' }],
    );
    assert.equal(budget.exceeded, undefined);
    assert.deepEqual(budget.unchecked, [
      'gone: not reached (connect ECONNREFUSED 127.0.0.1:9)',
      `${lab.label}: the server connections of the pooler at x (via proxy) are not known, and not counted`,
      'the pooler at x: its admin console did not answer; its 1024 connections are not checked',
    ]);
  });

  it("reads PostgreSQL's reserved slots (16+) and PgBouncer's pool caps", () => {
    assert.deepEqual(postgresLimit({ maxConnections: 100, superuserReservedConnections: 3, reservedConnections: 5 }), {
      accepts: 92,
      limit: 'max_connections 100 − superuser_reserved_connections 3 − reserved_connections 5',
    });
    assert.deepEqual(bouncer, {
      accepts: 2000,
      limit: "PgBouncer's max_client_conn 2000",
      serverConnections: { most: 60, text: 'default_pool_size 60 + reserve_pool_size 0, max_db_connections 200' },
    });
    assert.equal(pgbouncerLimit({ default_pool_size: '20', reserve_pool_size: '5' }).serverConnections?.most, 25);
    assert.equal(pgbouncerLimit({}).accepts, null);
  });
});
