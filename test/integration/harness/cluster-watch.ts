/**
 * The Patroni cluster watched from outside faultline: which nodes take writes, asked of each node's
 * PostgreSQL inside its container (`docker exec psql`, which a network black hole does not stop:
 * `pg_is_in_recovery()` false), every 250 ms; and an acknowledged-writes ledger: a plain client that inserts numbered rows
 * through the writer endpoint and remembers which commits were acknowledged.
 */
import { Client } from 'pg';
import { docker } from '../../../src/platform/docker';
import { clusterNodes, type ClusterNode } from '../../../src/platform/patroni/cluster-nodes';
import { labSettings } from '../../../src/platform/settings';
import { labClientConfig } from './lab-client';

/**
 * Docker's answer for a container that runs nothing: 409 when the exec is created on a stopped or
 * paused one, 500 "container ... is not running" when it died between the exec's creation and its start.
 */
function notRunning(err: unknown): boolean {
  const { statusCode, message } = err as { statusCode?: number; message?: string };
  return statusCode === 409 || (statusCode === 500 && /is not running/.test(message ?? ''));
}

/**
 * Runs a command in a container; its output, or '' if it did not end within `timeoutMs` or the
 * container stopped between being listed and the command (a node just killed runs nothing).
 */
async function execIn(container: string, cmd: string[], timeoutMs = 2000): Promise<string> {
  let stream: NodeJS.ReadWriteStream & { destroy(): void };
  try {
    const exec = await docker.getContainer(container).exec({
      Cmd: ['timeout', String(Math.ceil(timeoutMs / 1000)), ...cmd],
      Env: ['PGCONNECT_TIMEOUT=1', 'PSQL_PAGER=cat', 'PAGER=cat'],
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    stream = (await exec.start({ hijack: true, stdin: false, Tty: true })) as typeof stream;
  } catch (err) {
    if (notRunning(err)) return '';
    throw err;
  }
  return await new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => (stream.destroy(), resolve(out)), timeoutMs + 1000);
    stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
    stream.on('end', () => (clearTimeout(timer), resolve(out)));
    stream.on('error', () => (clearTimeout(timer), resolve(out)));
  });
}

/** PostgreSQL's own word, asked locally on each running node: the members out of recovery (taking writes). */
export async function writableNodes(nodes?: ClusterNode[]): Promise<string[]> {
  const running = (nodes ?? (await clusterNodes(labSettings().clusterScope))).filter((n) => n.running);
  const answers = await Promise.all(
    running.map(async (n) => {
      const out = await localSql(n.container, 'postgres', 'SELECT pg_is_in_recovery()');
      return out.trim() === 'f' ? [n.member] : [];
    }),
  );
  return answers.flat();
}

/** The nodes that take writes, checked every 250 ms until stopped; `leaders` per check. */
export class RoleWatch {
  readonly checks: Array<{ at: number; leaders: string[] }> = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(scope = labSettings().clusterScope) {
    this.loop = (async () => {
      while (!this.stopped) {
        const nodes = (await clusterNodes(scope)).filter((n) => n.running);
        const writable = await writableNodes(nodes);
        this.checks.push({ at: Date.now(), leaders: writable });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** Whether the node accepts a write, asked locally (`psql` inside its container): the error when it does not. */
export async function localWrite(container: string): Promise<string> {
  return await localSql(
    container,
    labSettings().dbName,
    'CREATE TEMP TABLE faultline_split_brain_check (x int); INSERT INTO faultline_split_brain_check VALUES (1); SELECT 1',
  );
}

/** `psql` inside the node's container, on its socket: PostgreSQL's own answer, whatever the network. */
function localSql(container: string, database: string, sql: string): Promise<string> {
  return execIn(container, [
    'psql',
    '-h',
    '/var/run/postgresql',
    '-U',
    labSettings().dbUser,
    '-d',
    database,
    '-Atc',
    sql,
  ]);
}

/** Inserts numbered rows through a connection every 20 ms; `acknowledged` holds the ids whose COMMIT returned. */
export class AckLedger {
  readonly acknowledged: number[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;
  readonly run = `ledger-${Date.now()}`;

  constructor(private readonly port = labSettings().clusterPort) {
    this.loop = this.write();
  }

  static async prepare(port = labSettings().clusterPort): Promise<void> {
    await AckLedger.once(
      port,
      'CREATE TABLE IF NOT EXISTS faultline_ack_ledger (run text, id int, PRIMARY KEY (run, id))',
    );
  }

  private static async once(port: number, sql: string, params: unknown[] = []): Promise<unknown[]> {
    const client = new Client(labClientConfig(port, { connectionTimeoutMillis: 2000, query_timeout: 5000 }));
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async write(): Promise<void> {
    let id = 0;
    while (!this.stopped) {
      id++;
      try {
        await AckLedger.once(this.port, 'INSERT INTO faultline_ack_ledger VALUES ($1, $2)', [this.run, id]);
        this.acknowledged.push(id);
      } catch {
        // not acknowledged: it may or may not be there, and either is fine
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** The acknowledged ids missing from the table now. */
  async missing(): Promise<number[]> {
    const rows = (await AckLedger.once(this.port, 'SELECT id FROM faultline_ack_ledger WHERE run = $1', [
      this.run,
    ])) as Array<{ id: number }>;
    const present = new Set(rows.map((r) => r.id));
    return this.acknowledged.filter((id) => !present.has(id));
  }
}
