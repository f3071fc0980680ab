import type { Plugin } from 'graphql-yoga';
import { authenticate, type Caller, type KeyDirectory } from '../auth.js';
import { unauthenticated } from '../errors.js';

/**
 * Puts the caller into the context: no Authorization header → anonymous (public market data
 * only, the resolvers decide); a present but malformed or unknown key fails the whole request
 * with UNAUTHENTICATED, whatever it asked for — a client with a broken key learns it at once.
 */
export function useAuth(options: { adminKeyHash: string; directory: KeyDirectory }): Plugin<{ caller: Caller }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const request = (context as { request?: Request }).request;
      const result = await authenticate(request?.headers.get('authorization'), options.adminKeyHash, options.directory);
      if (!result.ok) throw unauthenticated();
      extendContext({ caller: result.caller });
    },
  };
}
