/**
 * A network fault reports what the target's TCP did, read from its namespace's
 * /proc/net/snmp and /proc/net/netstat. The fixtures are those files as a Linux 6.18 host printed
 * them (per protocol, a line of names, then a line of values with the same prefix).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProcNet, tcpCountersOf, tcpDuringFault } from '../../src/activities/faults/tcp-counters';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const SNMP = fixture('proc-net-snmp.txt');
const NETSTAT = fixture('proc-net-netstat.txt');

/** The same files with these Tcp / TcpExt values in place of the fixture's. */
function withValues(values: Record<string, number>): string {
  return `${SNMP}${NETSTAT}`
    .split('\n')
    .reduce<string[]>((out, line, i, all) => {
      const header = all[i - 1]?.split(' ');
      const fields = line.split(' ');
      if (header && header[0] === fields[0] && /^(Tcp|TcpExt):$/.test(fields[0]!) && /^-?\d+$/.test(fields[1] ?? ''))
        return [
          ...out,
          fields.map((v, k) => (values[header[k]!] !== undefined ? String(values[header[k]!]) : v)).join(' '),
        ];
      return [...out, line];
    }, [])
    .join('\n');
}

describe("the target's TCP counters, from /proc/net/snmp and /proc/net/netstat (unit)", () => {
  it('reads every protocol: its names and values, paired by prefix (negative values too)', () => {
    const snmp = parseProcNet(SNMP);
    assert.deepEqual(Object.keys(snmp), ['Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite']);
    assert.equal(snmp.Tcp!.RtoMin, 200);
    assert.equal(snmp.Tcp!.MaxConn, -1);
    assert.equal(snmp.Tcp!.RetransSegs, 60890);
    const netstat = parseProcNet(NETSTAT);
    assert.deepEqual(Object.keys(netstat), ['TcpExt', 'IpExt', 'MPTcpExt']);
    assert.equal(netstat.TcpExt!.TCPTimeouts, 1187);
  });

  it("takes the TCP figures from both files read together, as the sidecar's cat prints them", () => {
    assert.deepEqual(tcpCountersOf(`${SNMP}${NETSTAT}`), {
      inSegs: 9140994,
      outSegs: 9919133,
      retransSegs: 60890,
      timeouts: 1187,
      lossProbes: 59588,
      synRetrans: 525,
    });
  });

  it("reads a terminal's line ends (the sidecar's output comes through a TTY: \\r\\n)", () => {
    assert.deepEqual(tcpCountersOf(`${SNMP}${NETSTAT}`.replace(/\n/g, '\r\n')), tcpCountersOf(`${SNMP}${NETSTAT}`));
  });

  it('without /proc/net/netstat: the Tcp figures, and no timeouts rather than 0', () => {
    const counters = tcpCountersOf(SNMP);
    assert.equal(counters.retransSegs, 60890);
    assert.equal('timeouts' in counters, false);
    assert.equal('lossProbes' in counters, false);
  });

  it('refuses what is not those files, saying what it got', () => {
    assert.throws(() => tcpCountersOf(''), /no Tcp counters InSegs, OutSegs, RetransSegs.*nothing/);
    assert.throws(() => tcpCountersOf('cat: /proc/net/snmp: No such file or directory'), /No such file/);
    // A header without its values (a truncated read) is no reading.
    assert.throws(() => tcpCountersOf(SNMP.split('\n').slice(0, 7).join('\n')), /no Tcp counters/);
  });

  it('during the fault: each counter from the inject reading to the restore reading', () => {
    const before = { at: '2026-12-01T10:00:00.000Z', counters: tcpCountersOf(`${SNMP}${NETSTAT}`) };
    const after = {
      at: '2026-12-01T10:00:09.000Z',
      counters: tcpCountersOf(
        withValues({ InSegs: 9141994, OutSegs: 9920333, RetransSegs: 61124, TCPTimeouts: 1199, TCPLossProbes: 59600 }),
      ),
    };
    assert.deepEqual(tcpDuringFault(before, after), {
      from: before.at,
      to: after.at,
      counters: { inSegs: 1000, outSegs: 1200, retransSegs: 234, timeouts: 12, lossProbes: 12, synRetrans: 0 },
    });
  });

  it('not read, and why, rather than a made-up 0: no reading, a failed one, a namespace made anew', () => {
    const ok = { at: '2026-12-01T10:00:00.000Z', counters: tcpCountersOf(`${SNMP}${NETSTAT}`) };
    const failed = { at: '2026-12-01T10:00:09.000Z', notRead: 'a sidecar could not read: no such container' };
    assert.match((tcpDuringFault(undefined, ok) as { notRead: string }).notRead, /inject recorded no reading/);
    assert.match((tcpDuringFault(failed, ok) as { notRead: string }).notRead, /^at the inject: .*no such container/);
    assert.match((tcpDuringFault(ok, failed) as { notRead: string }).notRead, /^at the restore: .*no such container/);
    const restarted = { at: ok.at, counters: tcpCountersOf(withValues({ InSegs: 10, OutSegs: 12, RetransSegs: 0 })) };
    assert.match(
      (tcpDuringFault(ok, restarted) as { notRead: string }).notRead,
      /inSegs, outSegs, retransSegs went back .* made anew/,
    );
  });
});
