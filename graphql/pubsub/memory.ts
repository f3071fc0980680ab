import { SlidingBuffer, createPubSub } from 'graphql-yoga';
import type { ApiPubSub } from './port.js';
import type { ApiTopics } from './topics.js';

/** Bound of each subscriber's queue; one that cannot keep up loses its oldest updates. */
export const SUBSCRIBER_BUFFER = 256;

/**
 * One process: an in-memory EventTarget. Every update carries the entity's whole state (the
 * order, the book), so when a slow subscriber's bounded queue overflows the newest state wins.
 */
export function createMemoryPubSub(): ApiPubSub {
  const target = new CountingEventTarget();
  const pubsub = createPubSub<ApiTopics>({ eventTarget: target, repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER) });
  return { kind: 'memory', pubsub, activeSubscribers: (topic) => target.count(topic), close: async () => {} };
}

class CountingEventTarget extends EventTarget {
  private readonly counts = new Map<string, number>();

  override addEventListener(type: string, callback: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    super.addEventListener(type, callback, options);
    if (callback) this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
  }

  override removeEventListener(type: string, callback: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    super.removeEventListener(type, callback, options);
    if (!callback) return;
    const left = (this.counts.get(type) ?? 1) - 1;
    if (left <= 0) this.counts.delete(type);
    else this.counts.set(type, left);
  }

  count(topic: string): number {
    return this.counts.get(topic) ?? 0;
  }
}
