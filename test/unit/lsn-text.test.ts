import assert from 'node:assert/strict';
import { lsnText } from '../../src/activities/faults/patroni-lose-writes';

describe('WAL positions as PostgreSQL writes them', () => {
  it('splits the byte position into its high and low 32 bits, in upper-case hex', () => {
    // Patroni's xlog.location is the byte position; pg_current_wal_lsn() writes 51573664 as 0/312F3A0.
    assert.equal(lsnText(51573664), '0/312F3A0');
    assert.equal(lsnText(2 ** 32 + 255), '1/FF');
    assert.equal(lsnText(0), '0/0');
    assert.equal(lsnText(null), 'unknown');
  });
});
