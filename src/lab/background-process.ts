/**
 * Processes the lab starts in the background: detached, logging to .lab/logs/NAME.log, with their
 * pid and a small JSON state in .lab/state/NAME.json, so `faultline down` (or another process)
 * can find and stop exactly what faultline started. A state can outlive its process and the pid be
 * another's by then: the state records when the process started (process-identity.ts), and a pid
 * that started at another time is not ours, never signalled.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { labSettings } from '../platform/settings';
import { processStartedAtMs, processStartTime } from './process-identity';

export interface ProcessState {
  pid: number;
  startedAt: string;
  command: string;
  /** What the process runs (for workers: a hash of the sources), to tell a stale one. */
  version?: string;
  /** When the process started (processStartTime), to tell it from a later one with its pid. */
  startTime?: string;
}

/** A state written before start times were recorded: its process started this close to startedAt. */
const UNRECORDED_START_TOLERANCE_MS = 2000;

function stateFile(name: string): string {
  return path.join(labSettings().labDir, 'state', `${name}.json`);
}

export function logFile(name: string): string {
  return path.join(labSettings().labDir, 'logs', `${name}.log`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process a state names runs, and is the one faultline started (not a later one with its pid). */
function isOurs(state: ProcessState): boolean {
  if (!isAlive(state.pid)) return false;
  if (state.startTime !== undefined) return processStartTime(state.pid) === state.startTime;
  const startedAt = processStartedAtMs(state.pid);
  return startedAt !== undefined && Math.abs(startedAt - Date.parse(state.startedAt)) <= UNRECORDED_START_TOLERANCE_MS;
}

/** The state of a process faultline started, if it is still running. */
export function runningProcess(name: string): ProcessState | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(name), 'utf8')) as ProcessState;
    return isOurs(state) ? state : undefined;
  } catch {
    return undefined;
  }
}

export function startBackgroundProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; version?: string } = {},
): ProcessState {
  const settings = labSettings();
  mkdirSync(path.join(settings.labDir, 'state'), { recursive: true });
  mkdirSync(path.join(settings.labDir, 'logs'), { recursive: true });
  const out = openSync(logFile(name), 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new Error(`could not start ${name}: ${command}`);
    child.unref();
    const state: ProcessState = {
      pid: child.pid,
      startedAt: new Date().toISOString(),
      command: [command, ...args].join(' '),
      version: options.version,
      startTime: processStartTime(child.pid),
    };
    writeFileSync(stateFile(name), JSON.stringify(state, null, 2));
    return state;
  } finally {
    closeSync(out);
  }
}

/**
 * SIGTERM, then SIGKILL after the grace period, to the process the state names as long as it is
 * the one faultline started. Returns whether something was stopped.
 */
export async function stopBackgroundProcess(name: string, graceMs = 10_000): Promise<boolean> {
  const state = runningProcess(name);
  rmSync(stateFile(name), { force: true });
  if (!state) return false;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-state.pid, signal);
    } catch {
      try {
        process.kill(state.pid, signal);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  // Checked again each time: gone, its pid may already be another's.
  while (isOurs(state) && Date.now() < deadline) await sleep(100);
  if (isOurs(state)) signalGroup('SIGKILL');
  while (isOurs(state)) await sleep(50);
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Gives a running process's state another name (its log file stays the one it writes). */
export function renameProcessState(from: string, to: string): void {
  renameSync(stateFile(from), stateFile(to));
}

/** The names of the states on record whose name starts with `prefix`. */
export function processStateNames(prefix: string): string[] {
  const dir = path.join(labSettings().labDir, 'state');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length));
}
