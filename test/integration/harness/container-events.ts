/**
 * Docker's own record of what happened to containers (`kill`, `die`, `pause`, `start`...), watched
 * live: the engine keeps only its last 256 events, which health checks and execs overwrite within
 * minutes. A test holds faultline's times to these, which no faultline code produced.
 */
import { docker } from '../../../src/platform/docker';

export interface ContainerEvent {
  /** Docker's time, ms since the epoch. */
  at: number;
  action: string;
  name: string;
  labels: Record<string, string>;
}

export class ContainerEvents {
  readonly events: ContainerEvent[] = [];
  private stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;

  static async start(actions: string[]): Promise<ContainerEvents> {
    const watch = new ContainerEvents();
    watch.stream = (await docker.getEvents({
      filters: { type: ['container'], event: actions },
    })) as unknown as NodeJS.ReadableStream;
    let buffer = '';
    watch.stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as {
          timeNano: number;
          Action: string;
          Actor: { Attributes: Record<string, string> };
        };
        watch.events.push({
          at: e.timeNano / 1e6,
          action: e.Action,
          name: e.Actor.Attributes.name ?? '',
          labels: e.Actor.Attributes,
        });
      }
    });
    return watch;
  }

  /** The first event of one of `actions` on container `name` at or after `from`. */
  first(name: string, actions: string[], from = 0): ContainerEvent | undefined {
    return this.events.find((e) => e.name === name && actions.includes(e.action) && e.at >= from);
  }

  stop(): void {
    this.stream?.destroy?.();
  }
}
