import type { PubSub } from 'graphql-yoga';
import type { ApiTopics } from './topics.js';

export interface ApiPubSub {
  /** 'memory' | 'redis' */
  readonly kind: string;
  readonly pubsub: PubSub<ApiTopics>;
  /**
   * Local subscribers of a topic ("trades:BTC-PERP") whose subscription is in force (for Redis:
   * acknowledged by the server), so a caller can know a publish from now on will reach them.
   */
  activeSubscribers(topic: string): number;
  close(): Promise<void>;
}
