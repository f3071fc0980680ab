/**
 * users: registered users and the index of users by API-key hash (for auth).
 *
 * Keys: `user:{userId}` (hash: userId, name, apiKeyHash, registeredAt), `userByKey:{apiKeyHash}` (string).
 */
import type { Projection } from '../runner/projection.js';
import { write } from '../store/ops.js';
import { field, impossible, occurredAt } from './support.js';

export const userKeys = {
  user: (userId: string) => `user:${userId}`,
  byKeyHash: (apiKeyHash: string) => `userByKey:${apiKeyHash}`,
};

/** Stateless: a registration only ever adds keys. */
export const usersProjection: Projection<null> = {
  name: 'users',
  version: 1,
  filter: { streamPrefixes: ['user-'] },
  initialState: () => null,
  loadState: async () => null,
  apply(state, event) {
    if (event.type !== 'UserRegistered') return { state, writes: [] };
    const userId = typeof event.data.userId === 'string' ? event.data.userId : event.stream.slice('user-'.length);
    if (userId.length === 0) throw impossible(event, 'UserRegistered without a user id');
    const apiKeyHash = field(event, 'apiKeyHash');
    return {
      state,
      writes: [
        write.hset(userKeys.user(userId), { userId, name: field(event, 'name'), apiKeyHash, registeredAt: occurredAt(event) }),
        write.set(userKeys.byKeyHash(apiKeyHash), userId),
      ],
    };
  },
};
