import test from 'ava';
import { runWalkthrough, type Execute } from '../../scripts/walkthrough.js';
import { ADMIN_KEY, startTestExchange } from './support/exchange.js';
import { checkWalkthrough } from './support/walkthroughChecks.js';

/** The README walkthrough against the real server over HTTP, through graphql-http's client. */
test('walkthrough: two users, partial fill, cancel, flip — balances, positions, orders, journal and balance sheets to the last decimal', async (t) => {
  const x = await startTestExchange((fn) => t.teardown(fn));
  const execute: Execute = async (query, variables, apiKey) => x.data(query, variables, apiKey);
  checkWalkthrough(t, await runWalkthrough(execute, ADMIN_KEY, 'run1'), 'run1');
});
