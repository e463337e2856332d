/**
 * `faultline down` never signals a process that is not the one it started. A
 * state file (.lab/state/NAME.json) can outlive its process and the pid be another's by then; the
 * state records when the process started, and a pid that started at another time is left alone.
 * The stranger here is the test's own child `sleep`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  isAlive,
  runningProcess,
  sleep,
  startBackgroundProcess,
  stopBackgroundProcess,
  type ProcessState,
} from '../../src/lab/background-process';
import { processStartedAtMs, processStartTime } from '../../src/lab/process-identity';

describe('faultline down signals only the processes it started (issue 25)', () => {
  let dir = '';
  let stranger: ChildProcess;
  const saved = process.env.FAULTLINE_LAB_DIR;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lab-state-'));
    mkdirSync(path.join(dir, 'state'));
    process.env.FAULTLINE_LAB_DIR = dir;
  });
  beforeEach(() => {
    stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
  });
  afterEach(() => {
    stranger.kill('SIGKILL');
  });
  after(() => {
    if (saved === undefined) delete process.env.FAULTLINE_LAB_DIR;
    else process.env.FAULTLINE_LAB_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const writeState = (name: string, state: Partial<ProcessState>) =>
    writeFileSync(
      path.join(dir, 'state', `${name}.json`),
      JSON.stringify({ pid: stranger.pid, command: 'bin/faultline worker', ...state }),
    );
  const strangerUntouched = async () => {
    await sleep(200);
    assert.equal(stranger.exitCode, null);
    assert.equal(stranger.signalCode, null, 'the stranger was signalled');
    assert.ok(isAlive(stranger.pid!));
  };

  it('a state naming a live pid that started at another time: not running, not stopped, not signalled', async () => {
    const startTime = processStartTime(stranger.pid!);
    assert.ok(startTime, 'the start time of a live process is known');
    writeState('worker', { startedAt: new Date().toISOString(), startTime: `${startTime}0` });
    assert.equal(runningProcess('worker'), undefined);
    assert.equal(await stopBackgroundProcess('worker', 200), false);
    await strangerUntouched();
  });

  it('a state written before start times were recorded: its pid must have started when it says', async () => {
    writeState('old-worker', { startedAt: new Date(Date.now() - 3_600_000).toISOString() });
    assert.equal(runningProcess('old-worker'), undefined);
    assert.equal(await stopBackgroundProcess('old-worker', 200), false);
    await strangerUntouched();
    const startedAt = processStartedAtMs(stranger.pid!)!;
    assert.ok(Math.abs(startedAt - Date.now()) < 5000, `started at ${new Date(startedAt).toISOString()}`);
    writeState('old-worker', { startedAt: new Date(startedAt).toISOString() });
    assert.equal(runningProcess('old-worker')?.pid, stranger.pid);
  });

  it('what it started it stops', async () => {
    const state = startBackgroundProcess('sleeper', 'sleep', ['30']);
    assert.equal(state.startTime, processStartTime(state.pid));
    assert.equal(runningProcess('sleeper')?.pid, state.pid);
    assert.equal(await stopBackgroundProcess('sleeper', 2000), true);
    assert.equal(processStartTime(state.pid), undefined, 'still there');
    await strangerUntouched();
  });
});
