/** The workload connection's password logins against their specifications' own examples. */
import assert from 'node:assert/strict';
import {
  md5PasswordHash,
  scramClientFinal,
  scramClientFirst,
  verifyScramServerFinal,
} from '../../src/platform/database/wire/scram';

// RFC 7677, section 3: user "user", password "pencil".
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL =
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe('SCRAM-SHA-256 and MD5 logins', () => {
  it('answers RFC 7677’s exchange byte for byte and accepts its server signature', async () => {
    const first = scramClientFirst(CLIENT_NONCE, 'user');
    assert.equal(first.response, `n,,n=user,r=${CLIENT_NONCE}`);
    const final = await scramClientFinal(first, 'pencil', SERVER_FIRST);
    assert.equal(final.response, CLIENT_FINAL);
    verifyScramServerFinal(final, SERVER_FINAL);
  });

  it('refuses a server signature that does not match, and a server error', async () => {
    const final = await scramClientFinal(scramClientFirst(CLIENT_NONCE, 'user'), 'pencil', SERVER_FIRST);
    assert.throws(
      () => verifyScramServerFinal(final, 'v=AAAATRBjHvOgpKQPCUYBAv14xtjqDWBo0b3bCkZ5/qI='),
      /server signature does not match/,
    );
    assert.throws(() => verifyScramServerFinal(final, 'v='), /server signature does not match/);
    assert.throws(() => verifyScramServerFinal(final, 'e=invalid-proof'), /refused the login \(invalid-proof\)/);
  });

  it('refuses a server-first message that breaks the protocol', async () => {
    const first = scramClientFirst(CLIENT_NONCE, 'user');
    const refused = (serverFirst: string, password = 'pencil') => scramClientFinal(first, password, serverFirst);
    await assert.rejects(
      refused('r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
      /does not extend the client nonce/,
    );
    await assert.rejects(refused(`r=${CLIENT_NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`), /does not extend/);
    await assert.rejects(refused(`r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0`), /iteration count/);
    await assert.rejects(refused(`r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000000`), /exceeds the maximum/);
    await assert.rejects(refused(`r=${CLIENT_NONCE}x,i=4096`), /salt missing/);
    await assert.rejects(refused(SERVER_FIRST, ''), /non-empty/);
  });

  it('a fresh client-first message has a random nonce and pg’s "*" user', () => {
    const a = scramClientFirst();
    const b = scramClientFirst();
    assert.match(a.response, /^n,,n=\*,r=[A-Za-z0-9+/]{24}$/);
    assert.notEqual(a.nonce, b.nonce);
  });

  it('hashes an MD5 answer as PostgreSQL does: md5(md5(password + user) + salt)', () => {
    // md5("postgrespostgres") = 3175bce1d3201d16594cebf9d7eb3f9d, the stored hash of postgres/postgres
    assert.equal(
      md5PasswordHash('postgres', 'postgres', Buffer.from([1, 2, 3, 4])),
      'md5' + '68be9ed08db75f318087ab337aaea044',
    );
  });
});
