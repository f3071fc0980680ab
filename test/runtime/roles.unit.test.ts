import test from 'ava';
import { ConfigError, loadConfig } from '../../runtime/config.js';
import { parseRoles, requireSharedStoreFor, servesApi } from '../../runtime/roles.js';
import type { Role } from '../../runtime/runtime.js';

test('--role: default all; one or several; ROLE from the environment; unknown rejected', (t) => {
  t.deepEqual(parseRoles([], {}), ['all']);
  t.deepEqual(parseRoles(['--role', 'workflows'], {}), ['workflows']);
  t.deepEqual(parseRoles(['--role=api,matching'], {}), ['api', 'matching']);
  t.deepEqual(parseRoles([], { ROLE: 'matching' }), ['matching']);
  t.throws(() => parseRoles(['--role=projections'], {}), { instanceOf: ConfigError });
});

test('a part alone needs a shared store; all runs anywhere; only all and api serve the API', (t) => {
  const embedded = { port: 0, dataDir: './data', production: false };
  t.notThrows(() => requireSharedStoreFor(embedded, ['all']));
  for (const roles of [['workflows'], ['matching'], ['api'], ['api', 'matching']] as Role[][]) {
    t.throws(() => requireSharedStoreFor(embedded, roles), { instanceOf: ConfigError, message: /needs a shared store: set EVENTSTORE_URL/ }, roles.join(','));
    t.notThrows(() => requireSharedStoreFor({ ...embedded, eventStoreUrl: 'esdb://127.0.0.1:2113?tls=false' }, roles));
  }
  t.true(servesApi(['all']));
  t.true(servesApi(['api', 'matching']));
  t.false(servesApi(['workflows', 'matching']));
});

test('WORKFLOWS_THREAD: off by default, 1/true on, 0/false off, anything else rejected', (t) => {
  t.falsy(loadConfig({}).workflowsThread);
  t.true(loadConfig({ WORKFLOWS_THREAD: '1' }).workflowsThread);
  t.true(loadConfig({ WORKFLOWS_THREAD: 'true' }).workflowsThread);
  t.false(loadConfig({ WORKFLOWS_THREAD: '0' }).workflowsThread);
  t.throws(() => loadConfig({ WORKFLOWS_THREAD: 'yes' }), { instanceOf: ConfigError });
});
