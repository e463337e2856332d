/** An audit's account in the one vocabulary, as lines for the console and the HTML (payment, HTTP). */
import type { WriteAccount } from '../../shared/write-audit-types';
import { count } from './report-format';

/**
 * The first line (HOLDS or VIOLATED, and the acknowledged writes' fate, with `extra` checks
 * appended) and what the callers not told "taken" got, and what the table shows of them.
 */
export function writeAccountLines(a: WriteAccount, holds: boolean, extra: string[] = []): string[] {
  const u = a.unknown;
  return [
    [
      `${holds ? 'HOLDS' : 'VIOLATED'}: ${count(a.acknowledged)} acknowledged, ${count(a.found)} found, ${count(a.lost)} lost, ${count(a.duplicated)} duplicated`,
      ...extra,
    ].join(', '),
    `${count(a.refused)} refused, ${count(a.writtenDespiteRefusal)} of them written anyway; ${count(a.failed)} failed, ${count(a.writtenDespiteFailure)} written anyway`,
    `${count(u.count)} without an answer (timeout, reset, a lost worker): ${count(u.written)} written, ${count(u.absent)} not`,
    ...(a.unaudited ? [`${count(a.unaudited)} writes past the ledger's capacity, not audited`] : []),
    ...(a.incompleteSegments
      ? [
          `${a.incompleteSegments} attempt(s) lost with their worker: what they sent after their last checkpoint is known only from the table`,
        ]
      : []),
  ];
}
