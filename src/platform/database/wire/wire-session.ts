/**
 * A workload worker's session on a connection it owns (wire-connection.ts opens and logs it in):
 * it reads and writes the socket itself, one statement at a time (wire-messages.ts). pg's query
 * path builds a query object, a result, a parser per column and a parsed value per field of every
 * row, for rows the workload only counts; here a statement is one write and its answer is read in
 * place.
 *
 * A statement settles on ReadyForQuery, with the first error the server sent if any (a pg
 * DatabaseError, SQLSTATE and severity included), or when the socket ends: with the error the server
 * sent before closing (57P01 on a shutdown), else the socket's (ECONNRESET), else "Connection
 * terminated unexpectedly", as pg reports them.
 */
import type { Duplex } from 'node:stream';
import { serialize } from 'pg-protocol';
import {
  commandTag,
  decodeColumns,
  decodeError,
  decodeRow,
  encodeCopyFail,
  encodeReadOnly,
  encodeStatement,
  READ_ONLY_STATEMENT_TAG,
  taggedCommand,
  taggedRows,
  type Columns,
  type TypeParsers,
} from './wire-messages';

/** A statement's rows (parsed as pg parses them), its command ("SELECT", "UPDATE") and row count. */
export interface StatementRows {
  rows: Array<Record<string, unknown>>;
  command: string;
  rowCount: number;
}

interface Pending {
  wantRows: boolean;
  columns: Columns | undefined;
  rows: Array<Record<string, unknown>>;
  tag: string;
  /** Which CommandComplete is the statement's (-1: the last), and how many have come. */
  tagIndex: number;
  tagsSeen: number;
  error: unknown;
  timer: NodeJS.Timeout | undefined;
  resolve(value: number | StatementRows): void;
  reject(err: unknown): void;
}

export interface WireSessionOptions {
  /** The client's type parsers (`types` in its config), for rows that are wanted; pg's by default. */
  types?: TypeParsers;
  /**
   * Client-side statement timeout (pg's `query_timeout`, which works through PgBouncer too): past it
   * the statement fails with pg's "Query read timeout" and the session is cut, as its answer may
   * still come.
   */
  readTimeoutMs?: number;
  /** Bytes the login read past its ReadyForQuery (wire-login.ts), read before the socket's. */
  received?: Buffer | undefined;
  /** The login's BackendKeyData process id: the server backend's pid, or a pooler's key for it. */
  processId?: number | undefined;
}

const TERMINATE = serialize.end();
/** How long close() waits for the server to close after Terminate before cutting the socket. */
const CLOSE_WAIT_MS = 1000;

const MESSAGE = { dataRow: 0x44, commandComplete: 0x43, rowDescription: 0x54, error: 0x45, ready: 0x5a, copyIn: 0x47 };

export class WireSession {
  private pending: Pending | undefined;
  private leftover: Buffer | undefined;
  /** The transaction status of the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' failed. */
  private status = 'I';
  /** Why the session can run nothing more (the socket ended, or the server said FATAL). */
  private endReason: unknown;

  /** Takes a socket on which a login has just finished (the session's own: nothing else reads it). */
  constructor(
    private readonly socket: Duplex,
    private readonly options: WireSessionOptions = {},
  ) {
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => this.end(err));
    this.socket.on('close', () => this.end(new Error('Connection terminated unexpectedly')));
    if (options.received?.length) this.receive(options.received);
  }

  /**
   * The pid the login was given (BackendKeyData). A server gives its backend's pid, the one
   * `pg_backend_pid()` answers; a pooler (PgBouncer) gives a key of its own.
   */
  get processId(): number | undefined {
    return this.options.processId;
  }

  /** Whether the session can run nothing more: its socket ended, or the server said FATAL. */
  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** The rows the statement read or changed, by the server's own count. */
  count(sql: string, parameters: readonly unknown[]): Promise<number> {
    return this.run(() => encodeStatement(sql, parameters), false) as Promise<number>;
  }

  rows(sql: string, parameters: readonly unknown[]): Promise<StatementRows> {
    return this.run(() => encodeStatement(sql, parameters, true), true) as Promise<StatementRows>;
  }

  /**
   * The statement's row count, run READ ONLY in one round trip (encodeReadOnly). When it fails the
   * failed transaction is rolled back before the next statement, at the cost of a second round trip
   * on that failure only.
   */
  async countReadOnly(sql: string, parameters: readonly unknown[]): Promise<number> {
    try {
      return (await this.run(() => encodeReadOnly(sql, parameters), false, READ_ONLY_STATEMENT_TAG)) as number;
    } catch (err) {
      if (this.endReason === undefined && this.status !== 'I') await this.count('ROLLBACK', []).catch(() => undefined);
      throw err;
    }
  }

  /** Ends the session politely: Terminate, then the server closes (cut if it has not within a second). */
  async close(): Promise<void> {
    const open = this.endReason === undefined;
    this.end(new Error('Connection terminated'));
    if (!open || this.socket.destroyed) {
      this.socket.destroy();
      return;
    }
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    const cut = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
    this.socket.end(TERMINATE);
    await closed;
    clearTimeout(cut);
  }

  /** Cuts the socket (a statement in flight on a dead or paused server). */
  destroy(reason: unknown = new Error('Connection terminated')): void {
    this.end(reason);
    this.socket.destroy();
  }

  private run(encode: () => Buffer, wantRows: boolean, tagIndex = -1): Promise<number | StatementRows> {
    if (this.endReason !== undefined) return Promise.reject(this.endReason);
    if (this.pending) return Promise.reject(new Error('a wire session runs one statement at a time'));
    let message: Buffer;
    try {
      message = encode();
    } catch (err) {
      return Promise.reject(err); // a parameter that cannot be sent: nothing was
    }
    const { readTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer = readTimeoutMs
        ? setTimeout(() => this.destroy(new Error('Query read timeout')), readTimeoutMs)
        : undefined;
      this.pending = {
        wantRows,
        columns: undefined,
        rows: [],
        tag: '',
        tagIndex,
        tagsSeen: 0,
        error: undefined,
        timer,
        resolve,
        reject,
      };
      this.socket.write(message);
    });
  }

  /** Splits what arrived into messages; a message cut between chunks waits for its rest. */
  private receive(chunk: Buffer): void {
    const data = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    let at = 0;
    while (data.length - at >= 5) {
      const end = at + 1 + data.readInt32BE(at + 1);
      if (end > data.length) break;
      this.message(data[at]!, data.subarray(at + 5, end));
      at = end;
    }
    this.leftover = at < data.length ? data.subarray(at) : undefined;
  }

  private message(type: number, body: Buffer): void {
    const p = this.pending;
    switch (type) {
      case MESSAGE.dataRow:
        if (p?.columns) p.rows.push(decodeRow(body, p.columns));
        return;
      case MESSAGE.commandComplete:
        if (p && (p.tagIndex < 0 || p.tagsSeen === p.tagIndex)) p.tag = commandTag(body);
        if (p) p.tagsSeen++;
        return;
      case MESSAGE.rowDescription:
        if (p?.wantRows) p.columns = decodeColumns(body, this.options.types);
        return;
      case MESSAGE.error: {
        const err = decodeError(body);
        if (p) p.error ??= err;
        if (err.severity === 'FATAL' || err.severity === 'PANIC') this.endReason ??= err;
        return;
      }
      case MESSAGE.copyIn:
        // The Sync already sent was ignored in copy-in mode: the server answers ReadyForQuery after this one.
        this.socket.write(encodeCopyFail('a workload statement sends no COPY data'));
        return;
      case MESSAGE.ready:
        this.status = String.fromCharCode(body[0] ?? 0x49);
        if (p) this.settle(p);
        return;
      default:
      // ParseComplete, BindComplete, NoData, notices, parameter changes, notifications: nothing to do
    }
  }

  private settle(p: Pending): void {
    this.pending = undefined;
    clearTimeout(p.timer);
    if (p.error !== undefined) return p.reject(p.error);
    const rowCount = taggedRows(p.tag);
    if (!p.wantRows) return p.resolve(rowCount);
    p.resolve({ rows: p.rows, command: taggedCommand(p.tag), rowCount });
  }

  private end(reason: unknown): void {
    this.endReason ??= reason;
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(p.error ?? this.endReason);
  }
}
