import { comparePositions, type EventStore, type Position } from '../eventstore/port.js';

/** One consumer of the log as the system status sees it (pluggable: projections add theirs). */
export interface ConsumerStatus {
  name: string;
  processedPosition: Position;
  /** work in flight (appends, WAL syncs, publishing) that is not yet in processedPosition */
  busy: boolean;
  error?: string;
}

export interface SystemStatus {
  headPosition: Position;
  /** the lowest processed position of every consumer */
  processedPosition: Position;
  /** every consumer processed the whole log and nothing is in flight */
  idle: boolean;
  consumers: ConsumerStatus[];
}

export type ConsumerSource = () => ConsumerStatus[];

/**
 * The `system` status (DESIGN §10). Checkpoints live outside the log, so an idle system appends
 * nothing and idle, once reached, stays true until new work arrives.
 */
export class SystemMonitor {
  private readonly sources: ConsumerSource[] = [];

  constructor(private readonly store: EventStore) {}

  register(source: ConsumerSource): void {
    this.sources.push(source);
  }

  async status(): Promise<SystemStatus> {
    const consumers = this.sources.flatMap((source) => source());
    const headPosition = await this.store.headPosition();
    let processedPosition = headPosition;
    let idle = true;
    for (const consumer of consumers) {
      if (comparePositions(consumer.processedPosition, processedPosition) < 0) processedPosition = consumer.processedPosition;
      if (consumer.busy || consumer.error !== undefined || comparePositions(consumer.processedPosition, headPosition) < 0) idle = false;
    }
    return { headPosition, processedPosition, idle, consumers };
  }

  /** Polls the status until idle (bounded); for tests, benchmarks and graceful shutdown. */
  async waitForIdle(timeoutMs = 30_000): Promise<SystemStatus> {
    const deadline = Date.now() + timeoutMs;
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 20)) {
      const status = await this.status();
      if (status.idle) {
        // confirm: the head did not move while the consumers were read
        const again = await this.status();
        if (again.idle && again.headPosition === status.headPosition) return again;
      }
      if (Date.now() > deadline) throw new Error(`system not idle after ${timeoutMs} ms: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
