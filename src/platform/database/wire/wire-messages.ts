/**
 * The PostgreSQL wire messages a workload statement needs, encoded and decoded without objects
 * per message: a statement goes out as one buffer (Parse, Bind, [Describe,] Execute, Sync; the
 * Parse bytes encoded once per SQL text), and the server's answer is read in place, rows counted
 * by the CommandComplete tag and decoded only when the caller wants them. The fixed messages are
 * pg's own (pg-protocol's serializer); Bind, the one built for every statement, is written here
 * straight into the statement's buffer.
 * Protocol: https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
import pg from 'pg';
import { serialize } from 'pg-protocol';

/** Execute (unnamed portal, all rows) and Sync. */
const EXECUTE_SYNC = Buffer.concat([serialize.execute(), serialize.sync()]);
const SYNC = serialize.sync();
/** Describe the unnamed portal (its columns, for a statement whose rows are wanted). */
const DESCRIBE_PORTAL = serialize.describe({ type: 'P' });

/** Parse messages by SQL text: the workload runs a handful of statements, each many times. */
const parseMessages = new Map<string, Buffer>();
const MAX_CACHED_PARSES = 1000;

function parseMessage(sql: string): Buffer {
  let message = parseMessages.get(sql);
  if (!message) {
    message = serialize.parse({ text: sql }); // the unnamed statement, no parameter types
    if (parseMessages.size < MAX_CACHED_PARSES) parseMessages.set(sql, message);
  }
  return message;
}

function asText(p: unknown, index: number): string | null {
  if (p === null || p === undefined) return null;
  switch (typeof p) {
    case 'string':
      return p;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(p);
    default: {
      const kind = typeof p === 'object' ? (p.constructor?.name ?? 'object') : typeof p;
      throw new TypeError(
        `parameter $${index + 1} (${kind}) cannot be sent: a workload statement sends strings, numbers, booleans and null`,
      );
    }
  }
}

/** One run of a statement: Parse + Bind + (Describe, if its rows are wanted) + Execute + Sync, in one buffer. */
export function encodeStatement(sql: string, parameters: readonly unknown[], describe = false, sync = true): Buffer {
  const parse = parseMessage(sql);
  const texts = parameters.map(asText);
  // Bind: length, portal "", statement "", 0 format codes (all text), the values, 0 result formats (all text)
  let bindLength = 4 + 1 + 1 + 2 + 2 + 2;
  for (const t of texts) bindLength += 4 + (t === null ? 0 : Buffer.byteLength(t));
  const executeTail = sync ? EXECUTE_SYNC.length : EXECUTE_SYNC.length - SYNC.length;
  const tail = describe ? DESCRIBE_PORTAL.length + executeTail : executeTail;
  const out = Buffer.allocUnsafe(parse.length + 1 + bindLength + tail);
  let at = parse.copy(out, 0);
  out[at++] = 0x42; // 'B'
  at = out.writeInt32BE(bindLength, at);
  out[at++] = 0;
  out[at++] = 0;
  at = out.writeInt16BE(0, at);
  at = out.writeInt16BE(texts.length, at);
  for (const t of texts) {
    if (t === null) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    const written = out.write(t, at + 4, 'utf8');
    out.writeInt32BE(written, at);
    at += 4 + written;
  }
  at = out.writeInt16BE(0, at);
  if (describe) at += DESCRIBE_PORTAL.copy(out, at);
  EXECUTE_SYNC.copy(out, at, 0, executeTail);
  return out;
}

/**
 * A read run READ ONLY in one round trip: BEGIN READ ONLY, the statement and COMMIT, each Parse +
 * Bind + Execute, under one Sync. The server runs them in order and answers once; an error skips
 * the rest up to the Sync, leaving the transaction failed (ReadyForQuery 'E') for a ROLLBACK.
 */
export function encodeReadOnly(sql: string, parameters: readonly unknown[]): Buffer {
  return Buffer.concat([
    encodeStatement('BEGIN READ ONLY', [], false, false),
    encodeStatement(sql, parameters, false, false),
    encodeStatement('COMMIT', [], false, false),
    SYNC,
  ]);
}

/** Which of a read-only pipeline's three CommandCompletes is the statement's. */
export const READ_ONLY_STATEMENT_TAG = 1;

/** CopyFail and Sync: a COPY FROM STDIN gets no data from a workload statement. */
export const encodeCopyFail = (reason: string): Buffer => Buffer.concat([serialize.copyFail(reason), serialize.sync()]);

/** The rows a CommandComplete tag reports: its last number ("INSERT 0 3" is 3), 0 for none ("BEGIN"). */
export function taggedRows(tag: string): number {
  const space = tag.lastIndexOf(' ');
  if (space < 0) return 0;
  const n = Number(tag.slice(space + 1));
  return Number.isInteger(n) ? n : 0;
}

/** The command a CommandComplete tag names: its first word ("INSERT 0 3" is INSERT). */
export function taggedCommand(tag: string): string {
  const space = tag.indexOf(' ');
  return space < 0 ? tag : tag.slice(0, space);
}

/** A CommandComplete message's tag (the body is one C string). */
export const commandTag = (body: Buffer): string => body.toString('utf8', 0, body.length - 1);

/** ErrorResponse's fields, as pg's DatabaseError carries them (same class, so callers see no difference). */
const ERROR_FIELDS: Record<string, keyof pg.DatabaseError> = {
  S: 'severity',
  C: 'code',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

export function decodeError(body: Buffer): pg.DatabaseError {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    fields[code] = body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  const error = new pg.DatabaseError(fields.M ?? 'unknown server error', body.length + 4, 'error');
  for (const [code, name] of Object.entries(ERROR_FIELDS))
    if (fields[code] !== undefined) (error as unknown as Record<string, string>)[name] = fields[code];
  return error;
}

/** A RowDescription's columns: names, and the parser of each (by type OID, text format). */
export interface Columns {
  names: string[];
  parsers: Array<(value: string) => unknown>;
}

/** Where parsers come from: pg's types, or the client's own (`types` in its config). */
export interface TypeParsers {
  getTypeParser(oid: number, format: 'text'): unknown;
}

export function decodeColumns(body: Buffer, types: TypeParsers = pg.types): Columns {
  const count = body.readInt16BE(0);
  const names: string[] = [];
  const parsers: Columns['parsers'] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const end = body.indexOf(0, at);
    names.push(body.toString('utf8', at, end));
    const typeOid = body.readInt32BE(end + 1 + 4 + 2);
    parsers.push(types.getTypeParser(typeOid, 'text') as (value: string) => unknown);
    at = end + 1 + 18; // table OID 4, column 2, type OID 4, size 2, modifier 4, format 2
  }
  return { names, parsers };
}

/** A DataRow as an object keyed by column name, each value parsed as pg would. */
export function decodeRow(body: Buffer, columns: Columns): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const count = body.readInt16BE(0);
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    const name = columns.names[i] ?? `?column${i}?`;
    if (length < 0) {
      row[name] = null;
      continue;
    }
    const text = body.toString('utf8', at, at + length);
    at += length;
    const parse = columns.parsers[i];
    row[name] = parse ? parse(text) : text;
  }
  return row;
}
