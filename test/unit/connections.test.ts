/** A DSN that cannot be parsed never reaches an error message or a log. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { resolveConnection } from '../../src/platform/connections';
import { LOGGER_OPTIONS } from '../../src/platform/logger';

const PASSWORD = 'p/a@ss#w%rd-Zq9';

describe('named connections (unit)', () => {
  afterEach(() => delete process.env.FAULTLINE_CONNECTION_BROKEN);

  it('refuses a DSN that new URL cannot parse, without the DSN in the message', () => {
    process.env.FAULTLINE_CONNECTION_BROKEN = `postgres://app:${PASSWORD}@db.internal:5432/app`;
    let error: unknown;
    try {
      resolveConnection('broken');
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof Error);
    assert.match(
      error.message,
      /FAULTLINE_CONNECTION_BROKEN is not a valid postgres:\/\/ URL .* the value is not shown/,
    );
    const everything = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).stack);
    for (const part of [PASSWORD, 'ss#w', 'db.internal']) assert.ok(!everything.includes(part), `${part} leaks`);
  });

  it("keeps Node's URL error out of faultline's logs too (its `input` is redacted)", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino(LOGGER_OPTIONS, sink);
    let urlError: unknown;
    try {
      new URL(`postgres://app:${PASSWORD}@db.internal:5432/app`);
    } catch (err) {
      urlError = err;
    }
    log.error({ err: urlError }, 'connection failed');
    assert.ok(lines.length === 1 && !lines[0]!.includes(PASSWORD.slice(0, 8)), lines[0]);
  });

  it('resolves a percent-encoded password', () => {
    process.env.FAULTLINE_CONNECTION_BROKEN = `postgres://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/app`;
    const resolved = resolveConnection('broken');
    assert.equal(resolved.display, '127.0.0.1:5432/app');
    assert.ok(!resolved.display.includes('ss'));
  });
});
