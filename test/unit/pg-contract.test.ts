/**
 * What the workload connection relies on in pg and pg-protocol, their public surfaces only: if an
 * upgrade changes one, this fails by name. (wire-connection.ts owns the connection; nothing under
 * pg/lib is imported.)
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { wireTarget } from '../../src/platform/database/wire/wire-target';

const SERIALIZERS = [
  'startup',
  'password',
  'requestSsl',
  'sendSASLInitialResponseMessage',
  'sendSCRAMClientFinalMessage',
  'parse',
  'describe',
  'execute',
  'sync',
  'end',
  'copyFail',
] as const;

describe('pg contract: the public surfaces the workload connection uses', () => {
  it('pg-protocol serializes the messages it sends, byte for byte', () => {
    for (const name of SERIALIZERS) assert.equal(typeof serialize[name], 'function', `serialize.${name}`);
    const startup = serialize.startup({ user: 'u', database: 'd' });
    assert.equal(startup.toString('latin1'), '\0\0\0\x30\0\x03\0\0user\0u\0database\0d\0client_encoding\0UTF8\0\0');
    assert.deepEqual([...serialize.requestSsl()], [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    assert.equal(serialize.password('pw').toString('latin1'), 'p\0\0\0\x07pw\0');
    assert.equal(
      serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=x').toString('latin1'),
      'p\0\0\0\x20SCRAM-SHA-256\0\0\0\0\x0an,,n=*,r=x',
    );
    assert.equal(serialize.sendSCRAMClientFinalMessage('c=biws').toString('latin1'), 'p\0\0\0\x0ac=biws');
    assert.equal(serialize.end().toString('latin1'), 'X\0\0\0\x04');
    assert.equal(serialize.sync().toString('latin1'), 'S\0\0\0\x04');
  });

  it('pg.DatabaseError takes (message, length, name) and the fields decodeError sets', () => {
    const err = new pg.DatabaseError('password authentication failed', 10, 'error');
    assert.ok(err instanceof Error);
    assert.equal(err.message, 'password authentication failed');
    for (const field of ['severity', 'code', 'detail', 'hint', 'position', 'where', 'routine'] as const) {
      err[field] = 'x';
      assert.equal(err[field], 'x', field);
    }
  });

  it('pg.types.getTypeParser(oid, "text") parses as pg does', () => {
    assert.equal(typeof pg.types.getTypeParser, 'function');
    assert.equal(pg.types.getTypeParser(23, 'text')('42'), 42);
    assert.equal(pg.types.getTypeParser(16, 'text')('t'), true);
    assert.equal(pg.types.getTypeParser(25, 'text')('x'), 'x');
  });

  describe('the login target reads a ClientConfig as pg.Client does', () => {
    const saved = { ...process.env };
    beforeEach(() => {
      for (const key of Object.keys(process.env)) if (key.startsWith('PG')) delete process.env[key];
    });
    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });
    const configs: Array<[string, pg.ClientConfig]> = [
      ['fields', { host: '10.0.0.5', port: 6432, user: 'w', password: 'p', database: 'shop' }],
      ['no database: the user’s', { host: 'db', user: 'w' }],
      ['a URL', { connectionString: 'postgres://w%40x:p%2Fq@db.example:5544/shop%20a?application_name=fl' }],
      ['a URL over fields', { host: 'ignored', port: 1, connectionString: 'postgresql://w:p@db/shop' }],
      ['ssl: true', { host: 'db', user: 'w', ssl: true }],
      ['sslmode=disable', { connectionString: 'postgres://w@db/shop?sslmode=disable' }],
      ['sslmode=verify-full', { connectionString: 'postgres://w@db/shop?sslmode=verify-full' }],
      ['sslmode=no-verify', { connectionString: 'postgres://w@db/shop?sslmode=no-verify' }],
      ['ssl=1', { connectionString: 'postgres://w@db/shop?ssl=1' }],
    ];
    for (const [name, config] of configs) {
      it(name, () => {
        const client = new pg.Client(config) as pg.Client & { ssl: unknown };
        const target = wireTarget(config);
        assert.deepEqual(
          { host: target.host, port: target.port, user: target.user, database: target.database, ssl: target.ssl },
          { host: client.host, port: client.port, user: client.user, database: client.database, ssl: client.ssl },
        );
        assert.equal(target.password, client.password ?? undefined);
      });
    }
  });
});
