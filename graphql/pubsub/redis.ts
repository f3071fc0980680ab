import { createClient } from 'redis';
import { SlidingBuffer, createPubSub } from 'graphql-yoga';
import { SUBSCRIBER_BUFFER } from './memory.js';
import type { ApiPubSub } from './port.js';
import type { ApiTopics } from './topics.js';

/** Channels are namespaced so an API shares a Redis with the read models safely. */
const CHANNEL_PREFIX = 'oxc:api:';

type Listener = (event: CustomEvent) => void;

/**
 * Several API nodes: Redis PUBLISH / SUBSCRIBE (node-redis v6; a subscribing connection can do
 * nothing else, so publishing uses a second one). Whoever runs the projections publishes; every
 * node's local subscribers receive it through Redis — a publish is never delivered locally
 * directly, so there is exactly one path and no duplicates.
 */
export async function createRedisPubSub(url: string): Promise<ApiPubSub> {
  const publisher = createClient({ url, name: 'oxc-api-publish' });
  const subscriber = publisher.duplicate({ name: 'oxc-api-subscribe' });
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  await publisher.connect();
  await subscriber.connect();
  const target = new RedisEventTarget(publisher, subscriber);
  const pubsub = createPubSub<ApiTopics>({ eventTarget: target, repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER) });
  return {
    kind: 'redis',
    pubsub,
    activeSubscribers: (topic) => target.active(topic),
    async close() {
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
}

/** the two things each connection is used for */
interface Publisher {
  publish(channel: string, message: string): Promise<unknown>;
}
interface Subscriber {
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
}

class RedisEventTarget extends EventTarget {
  /** per topic: listener → the Redis message handler registered for it */
  private readonly handlers = new Map<string, Map<Listener, (message: string) => void>>();
  /** listeners whose SUBSCRIBE the server has acknowledged */
  private readonly confirmed = new Set<Listener>();

  constructor(
    private readonly publisher: Publisher,
    private readonly subscriber: Subscriber,
  ) {
    super();
  }

  override dispatchEvent(event: Event): boolean {
    const detail = (event as CustomEvent).detail;
    // a lost publish only delays a subscriber until the entity's next update; it never breaks the API call that caused it
    this.publisher.publish(CHANNEL_PREFIX + event.type, JSON.stringify(detail)).catch(() => {});
    return true;
  }

  override addEventListener(type: string, callback: EventListenerOrEventListenerObject | null): void {
    if (typeof callback !== 'function') return;
    const listener = callback as Listener;
    const handler = (message: string) => {
      let detail: unknown;
      try {
        detail = JSON.parse(message);
      } catch {
        return;
      }
      listener(new CustomEvent(type, { detail }));
    };
    let forTopic = this.handlers.get(type);
    if (!forTopic) this.handlers.set(type, (forTopic = new Map()));
    forTopic.set(listener, handler);
    this.subscriber.subscribe(CHANNEL_PREFIX + type, handler).then(
      () => {
        if (forTopic.get(listener) === handler) this.confirmed.add(listener);
      },
      () => forTopic.delete(listener),
    );
  }

  override removeEventListener(type: string, callback: EventListenerOrEventListenerObject | null): void {
    const forTopic = this.handlers.get(type);
    const handler = forTopic?.get(callback as Listener);
    if (!forTopic || !handler) return;
    forTopic.delete(callback as Listener);
    if (forTopic.size === 0) this.handlers.delete(type);
    this.confirmed.delete(callback as Listener);
    this.subscriber.unsubscribe(CHANNEL_PREFIX + type, handler).catch(() => {});
  }

  active(topic: string): number {
    let count = 0;
    for (const listener of this.handlers.get(topic)?.keys() ?? []) if (this.confirmed.has(listener)) count += 1;
    return count;
  }
}
