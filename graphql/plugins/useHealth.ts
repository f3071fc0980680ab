import type { Plugin } from 'graphql-yoga';
import type { Progress } from '../ports.js';

/**
 * GET /health without auth, for load balancers and docker-compose: 200 with the log positions
 * while the event store answers, 503 when it does not.
 */
export function useHealth(progress: Progress, path = '/health'): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      try {
        const status = await progress.status();
        endResponse(fetchAPI.Response.json({ status: 'ok', ...status }, { status: 200, headers: { 'cache-control': 'no-store' } }));
      } catch {
        endResponse(fetchAPI.Response.json({ status: 'unavailable' }, { status: 503, headers: { 'cache-control': 'no-store' } }));
      }
    },
  };
}
