import { START, type AllStreamSubscription, type EventStoreDBClient, type Position as ClientPosition, type ResolvedEvent } from '@eventstore/db-client';
import { comparePositions, START_POSITION, type AllSubscription, type EventFilter, type Position, type SubscriptionMessage } from '../port.js';
import { toRecordedEvent } from './convert.js';
import { isSystemEvent, portFilterMatches, serverFilter } from './filter.js';
import { isStart, toEsdbPosition, toPortPosition } from './positions.js';
import { isPermanent, translateError } from './translateError.js';

export interface ResubscribePolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** consecutive failed attempts before the error surfaces from next() */
  maxAttempts: number;
}

export interface SubscriptionSettings {
  checkpointIntervalEvents: number;
  resubscribe: ResubscribePolicy;
  /** messages buffered for a slow consumer before the gRPC stream is paused */
  bufferedMessages: number;
}

type Marker = { remaining: number; message: 'caughtUp' | { kind: 'checkpoint'; position: Position } };

/**
 * A catch-up subscription to $all that survives drops: on a transient error (or the server ending
 * the call) it resubscribes from the last position it has passed on, so the consumer sees each
 * event once and in order. Checkpoints and caught-up arrive from the client as side-channel
 * callbacks while earlier events may still sit in the stream's buffer; each is therefore held
 * back until the events buffered before it have been consumed (`readableLength` at the moment
 * it fired), which keeps the port's messages in wire order.
 */
export class EsdbAllSubscription implements AllSubscription {
  private readonly queue: SubscriptionMessage[] = [];
  private readonly waiters: { resolve: (r: IteratorResult<SubscriptionMessage>) => void; reject: (e: unknown) => void }[] = [];
  private readonly matches: ReturnType<typeof portFilterMatches>;
  private lastPosition: Position;
  private current: AllStreamSubscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private caughtUpSent = false;
  private failure: unknown;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly filter: EventFilter | undefined,
    fromPosition: Position,
    private readonly settings: SubscriptionSettings,
    private readonly onClosed: (subscription: EsdbAllSubscription) => void,
  ) {
    this.matches = portFilterMatches(filter);
    this.lastPosition = fromPosition;
    this.connect();
  }

  private connect(): void {
    const markers: Marker[] = [];
    let subscription: AllStreamSubscription | undefined;
    const release = () => {
      while (markers.length > 0 && markers[0]!.remaining <= 0) this.emitMarker(markers.shift()!.message);
    };
    const mark = (message: Marker['message']) => {
      if (!subscription || subscription !== this.current) return;
      markers.push({ remaining: subscription.readableLength, message });
      release();
    };
    const filter = serverFilter(this.filter, this.settings.checkpointIntervalEvents, (position: ClientPosition) =>
      mark({ kind: 'checkpoint', position: toPortPosition(position) }),
    );
    const fromPosition = isStart(this.lastPosition) ? START : toEsdbPosition(this.lastPosition);
    subscription = this.client.subscribeToAll({ fromPosition, filter });
    this.current = subscription;
    subscription.on('caughtUp', () => mark('caughtUp'));
    subscription.on('data', (resolved: ResolvedEvent) => {
      if (subscription !== this.current) return;
      this.failedAttempts = 0;
      this.accept(resolved);
      for (const marker of markers) marker.remaining -= 1;
      release();
      if (this.queue.length >= this.settings.bufferedMessages) subscription!.pause();
    });
    subscription.on('error', (error: unknown) => this.dropped(subscription!, error));
    subscription.on('end', () => this.dropped(subscription!, undefined));
    subscription.on('close', () => this.dropped(subscription!, undefined));
  }

  private accept(resolved: ResolvedEvent): void {
    const raw = resolved.event;
    if (!raw || !raw.position) return;
    const position = toPortPosition(raw.position);
    // after a resubscribe the server starts strictly after lastPosition; this guards regardless
    if (comparePositions(position, this.lastPosition) <= 0) return;
    this.lastPosition = position;
    if (isSystemEvent(raw.streamId, raw.type)) return;
    const event = toRecordedEvent(raw);
    if (this.matches(event)) this.push({ kind: 'event', event });
  }

  private emitMarker(message: Marker['message']): void {
    if (message === 'caughtUp') {
      if (this.caughtUpSent) return;
      this.caughtUpSent = true;
      this.push({ kind: 'caughtUp', position: this.lastPosition });
      return;
    }
    if (comparePositions(message.position, this.lastPosition) <= 0) return;
    this.lastPosition = message.position;
    this.push(message);
  }

  private push(message: SubscriptionMessage): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ done: false, value: message });
    else this.queue.push(message);
  }

  private dropped(subscription: AllStreamSubscription, error: unknown): void {
    if (subscription !== this.current) return;
    this.current = undefined;
    subscription.removeAllListeners('data');
    subscription.destroy();
    if (this.closed) return;
    if (error !== undefined && isPermanent(translateError(error))) {
      this.fail(translateError(error));
      return;
    }
    this.failedAttempts += 1;
    if (this.failedAttempts > this.settings.resubscribe.maxAttempts) {
      this.fail(error !== undefined ? translateError(error) : new Error('subscription dropped too often'));
      return;
    }
    const { initialDelayMs, maxDelayMs } = this.settings.resubscribe;
    const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** (this.failedAttempts - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.connect();
    }, delayMs);
  }

  private fail(error: unknown): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  next(): Promise<IteratorResult<SubscriptionMessage>> {
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    const message = this.queue.shift();
    if (message) {
      if (this.current?.isPaused() && this.queue.length < this.settings.bufferedMessages / 2) this.current.resume();
      return Promise.resolve({ done: false, value: message });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
    const subscription = this.current;
    this.current = undefined;
    if (subscription) {
      subscription.removeAllListeners('data');
      await subscription.unsubscribe();
      subscription.destroy();
    }
    this.onClosed(this);
  }
}

export const DEFAULT_FROM: Position = START_POSITION;
