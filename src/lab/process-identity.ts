/**
 * What tells the process faultline started from another that got its pid later: when it started.
 * On Linux its start time in clock ticks after boot (/proc/PID/stat, field 22) with the boot's id;
 * elsewhere what `ps -o lstart=` says (to the second).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const hasProc = (): boolean => read('/proc/self/stat') !== undefined;

/** Field 22 of /proc/PID/stat: after the command name, in parentheses that may hold anything. */
function startTicks(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // After ") " comes field 3 (the state), so field 22 is the 20th.
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return Number.isInteger(ticks) ? ticks : undefined;
}

function psStart(pid: number): string | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() || undefined;
  } catch {
    return undefined; // no such process
  }
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // USER_HZ nearly everywhere
    }
  }
  return ticksPerSecond;
}

/** When the process with this pid started, as a key to compare; undefined when there is none. */
export function processStartTime(pid: number): string | undefined {
  if (!hasProc()) {
    const lstart = psStart(pid);
    return lstart === undefined ? undefined : `ps/${lstart}`;
  }
  const ticks = startTicks(pid);
  const boot = read('/proc/sys/kernel/random/boot_id')?.trim() ?? 'boot';
  return ticks === undefined ? undefined : `${boot}/${ticks}`;
}

/** When the process with this pid started, in ms since the epoch, to the second; undefined when unknown. */
export function processStartedAtMs(pid: number): number | undefined {
  if (!hasProc()) {
    const ms = Date.parse(psStart(pid) ?? '');
    return Number.isNaN(ms) ? undefined : ms;
  }
  const ticks = startTicks(pid);
  const bootSeconds = Number(/^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1]);
  if (ticks === undefined || !bootSeconds) return undefined;
  return bootSeconds * 1000 + (ticks * 1000) / clockTicksPerSecond();
}
