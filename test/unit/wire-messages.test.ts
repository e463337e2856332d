/** The wire messages of a workload statement, byte by byte against the protocol's message formats. */
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  decodeColumns,
  decodeError,
  decodeRow,
  encodeCopyFail,
  encodeReadOnly,
  encodeStatement,
  READ_ONLY_STATEMENT_TAG,
  taggedCommand,
  taggedRows,
} from '../../src/platform/database/wire/wire-messages';

/** Splits a buffer of messages into [type, body] pairs. */
function messages(buf: Buffer): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (let at = 0; at < buf.length;) {
    const length = buf.readInt32BE(at + 1);
    out.push([String.fromCharCode(buf[at]!), buf.subarray(at + 5, at + 1 + length)]);
    at += 1 + length;
  }
  return out;
}

const cstrings = (...parts: string[]) => Buffer.from(parts.map((p) => `${p}\0`).join(''));
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

describe('wire messages', () => {
  it('a statement is Parse, Bind (text values, NULL as -1), Execute (all rows), Sync; Describe only when rows are wanted', () => {
    const sql = 'SELECT $1::text, $2::int, $3::bool, $4';
    const buf = encodeStatement(sql, ['é ✓', 42, true, null]);
    const parts = messages(buf);
    assert.deepEqual(
      parts.map(([t]) => t),
      ['P', 'B', 'E', 'S'],
    );
    assert.deepEqual(parts[0]![1], Buffer.concat([cstrings('', sql), int16(0)]));
    const value = (s: string) => Buffer.concat([int32(Buffer.byteLength(s)), Buffer.from(s)]);
    assert.deepEqual(
      parts[1]![1],
      Buffer.concat([
        cstrings('', ''),
        int16(0),
        int16(4),
        value('é ✓'),
        value('42'),
        value('true'),
        int32(-1),
        int16(0),
      ]),
    );
    assert.deepEqual(parts[2]![1], Buffer.concat([cstrings(''), int32(0)]));
    assert.equal(parts[3]![1].length, 0);

    const described = messages(encodeStatement(sql, ['a', 1, false, 7n], true));
    assert.deepEqual(
      described.map(([t]) => t),
      ['P', 'B', 'D', 'E', 'S'],
    );
    assert.deepEqual(described[2]![1], Buffer.from('P\0'));
  });

  it('the same SQL encodes the same Parse bytes each time (cached), with new values', () => {
    const a = messages(encodeStatement('SELECT $1', ['x']));
    const b = messages(encodeStatement('SELECT $1', ['yy']));
    assert.deepEqual(a[0], b[0]);
    assert.notDeepEqual(a[1], b[1]);
  });

  it('refuses a parameter that cannot be text, naming it', () => {
    assert.throws(() => encodeStatement('SELECT $1, $2', [1, { a: 1 }]), /parameter \$2 \(Object\) cannot be sent/);
    assert.throws(() => encodeStatement('SELECT $1', [Symbol('s')]), /parameter \$1 \(symbol\) cannot be sent/);
  });

  it('CopyFail carries its reason and is followed by Sync', () => {
    const parts = messages(encodeCopyFail('no data'));
    assert.deepEqual(
      parts.map(([t]) => t),
      ['f', 'S'],
    );
    assert.deepEqual(parts[0]![1], cstrings('no data'));
  });

  it('rows by the CommandComplete tag: its last number', () => {
    assert.equal(taggedRows('SELECT 20'), 20);
    assert.equal(taggedRows('INSERT 0 3'), 3);
    assert.equal(taggedRows('UPDATE 0'), 0);
    assert.equal(taggedRows('BEGIN'), 0);
    assert.equal(taggedRows('CREATE TABLE'), 0);
  });

  it('the command by the CommandComplete tag: its first word', () => {
    assert.equal(taggedCommand('INSERT 0 3'), 'INSERT');
    assert.equal(taggedCommand('SELECT 20'), 'SELECT');
    assert.equal(taggedCommand('BEGIN'), 'BEGIN');
  });

  it('an ErrorResponse becomes pg’s DatabaseError with its fields', () => {
    const body = Buffer.concat([
      cstrings('SFATAL', 'VFATAL', 'C57P01', 'Mterminating connection due to administrator command', 'Rproc.c'),
      Buffer.from([0]),
    ]);
    const err = decodeError(body);
    assert.ok(err instanceof pg.DatabaseError);
    assert.equal(err.severity, 'FATAL');
    assert.equal(err.code, '57P01');
    assert.equal(err.message, 'terminating connection due to administrator command');
    assert.equal(err.routine, 'proc.c');
    assert.equal(err.detail, undefined);
  });

  it('a DataRow decodes by its RowDescription: names, parsers by type OID, NULLs', () => {
    const column = (name: string, typeOid: number) =>
      Buffer.concat([cstrings(name), int32(0), int16(0), int32(typeOid), int16(4), int32(-1), int16(0)]);
    const description = Buffer.concat([int16(3), column('id', 23), column('name', 25), column('stock', 23)]);
    const columns = decodeColumns(description);
    assert.deepEqual(columns.names, ['id', 'name', 'stock']);
    const field = (s: string) => Buffer.concat([int32(Buffer.byteLength(s)), Buffer.from(s)]);
    const row = Buffer.concat([int16(3), field('7'), field('caf\u00e9'), int32(-1)]);
    assert.deepEqual(decodeRow(row, columns), { id: 7, name: 'café', stock: null });
    const asText = decodeColumns(description, { getTypeParser: () => (v: string) => v });
    assert.deepEqual(decodeRow(row, asText), { id: '7', name: 'café', stock: null });
  });

  it('a read runs READ ONLY in one round trip: BEGIN READ ONLY, the statement, COMMIT, each P/B/E, one Sync', () => {
    const out = messages(encodeReadOnly('SELECT $1::int', [7]));
    assert.deepEqual(
      out.map(([type]) => type),
      ['P', 'B', 'E', 'P', 'B', 'E', 'P', 'B', 'E', 'S'],
    );
    const texts = out.filter(([type]) => type === 'P').map(([, body]) => body.toString('utf8').split('\0')[1]);
    assert.deepEqual(texts, ['BEGIN READ ONLY', 'SELECT $1::int', 'COMMIT']);
    assert.equal(READ_ONLY_STATEMENT_TAG, 1, "the statement's CommandComplete is the second of three");
    assert.ok(out[4]![1].includes(Buffer.from('7')), 'its parameter is bound to the statement, not to BEGIN');
  });
});
