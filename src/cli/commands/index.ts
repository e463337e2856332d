/** The CLI's commands, by name. */
import { benchCommand } from './bench';
import { doctorCommand } from './doctor';
import { downCommand } from './down';
import { probeCommand } from './probe';
import { runCommand } from './run';
import { schemaCommand } from './schema';
import { scheduleCommand } from './schedule';
import { historyCommand } from './history';
import { initCommand } from './init';
import { leasesCommand } from './leases';
import { abortCommand, startCommand, statusCommand } from './control';
import { serviceCommand } from './service';
import { setupCommand } from './setup';
import { upCommand } from './up';
import { workerCommand } from './worker';
import type { CommandEntry } from '../command';

export const COMMANDS: Record<string, CommandEntry> = {
  up: upCommand,
  down: downCommand,
  doctor: doctorCommand,
  init: initCommand,
  setup: setupCommand,
  worker: workerCommand,
  service: serviceCommand,
  probe: probeCommand,
  bench: benchCommand,
  run: runCommand,
  start: startCommand,
  status: statusCommand,
  abort: abortCommand,
  schema: schemaCommand,
  schedule: scheduleCommand,
  history: historyCommand,
  leases: leasesCommand,
};
