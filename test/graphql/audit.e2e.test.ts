import test from 'ava';
import { auditServer } from 'graphql-http';
import { ADMIN_KEY, startTestExchange } from './support/exchange.js';

/**
 * graphql-http's GraphQL-over-HTTP compliance audit against the real server, authorised (and
 * carrying the CSRF header, which GET requests without a preflight-forcing content type need).
 */
test('graphql-http audit: every MUST item passes', async (t) => {
  const x = await startTestExchange((fn) => t.teardown(fn));
  const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${ADMIN_KEY}`);
    headers.set('x-graphql-csrf', '1');
    return fetch(input, { ...init, headers });
  };
  const results = await auditServer({ url: x.endpoint, fetchFn });
  const must = results.filter((r) => r.name.startsWith('MUST'));
  t.true(must.length >= 10, `found ${must.length} MUST audits`);
  const failed = must.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`);
  t.deepEqual(failed, []);
  const warnings = results.filter((r) => r.status !== 'ok' && !r.name.startsWith('MUST')).map((r) => r.name);
  t.log(`SHOULD/MAY items not ok: ${warnings.length}`, warnings);
});
