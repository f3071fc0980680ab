import test from 'ava';
import { createApp, type AppOptions } from '../../graphql/app.js';
import { createMemoryPubSub } from '../../graphql/pubsub/memory.js';
import type { ReadModels } from '../../graphql/ports.js';

/**
 * The app on fake ports through yoga's fetch (unit speed): production hardening and error
 * masking, which the real server cannot be made to show on demand.
 */
const ADMIN = 'unit-admin-key-0123456789';

function app(overrides: Partial<AppOptions> = {}, reads: Partial<ReadModels> = {}) {
  const unused = () => {
    throw new Error('not used by this test');
  };
  return createApp({
    commands: new Proxy({}, { get: () => unused }) as AppOptions['commands'],
    reads: new Proxy(reads, { get: (target, key) => (target as any)[key] ?? unused }) as ReadModels,
    progress: {
      status: async () => ({ headPosition: '42', processedPosition: '42', idle: true, consumers: [] }),
      headPosition: async () => '42',
      readModelsReach: async () => true,
      workflowsReach: async () => true,
    },
    acks: { acknowledged: async () => null, watches: () => false },
    pubsub: createMemoryPubSub(),
    adminApiKey: ADMIN,
    ...overrides,
  });
}

async function post(a: ReturnType<typeof app>, query: string, apiKey?: string) {
  const response = await a.fetch('http://local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

test('an unexpected failure is masked: no message, no stack, code INTERNAL_SERVER_ERROR', async (t) => {
  const a = app({}, { instruments: async () => { throw new Error('redis at 10.0.0.7:6379 refused: secret detail'); } });
  const { body } = await post(a, '{ instruments { symbol } }');
  t.is(body.errors?.length, 1);
  t.is(body.errors![0].message, 'Unexpected error.');
  t.is(body.errors![0].extensions.code, 'INTERNAL_SERVER_ERROR');
  t.false(JSON.stringify(body).includes('secret detail'));
  t.false(JSON.stringify(body).includes('at '));
});

test('production: no introspection, no field suggestions; development keeps both', async (t) => {
  const prod = app({ production: true });
  const introspection = await post(prod, '{ __schema { types { name } } }');
  t.truthy(introspection.body.errors?.length);
  t.falsy(introspection.body.data?.__schema);
  const typo = await post(prod, '{ systen { idle } }');
  t.false(JSON.stringify(typo.body.errors).includes('Did you mean'));
  const dev = app();
  t.truthy((await post(dev, '{ __schema { queryType { name } } }')).body.data?.__schema);
  t.true(JSON.stringify((await post(dev, '{ systen { idle } }')).body.errors).includes('Did you mean'));
});

test('GET /health answers without a key; 503 when the store does not answer', async (t) => {
  const ok = await app().fetch('http://local/health');
  t.is(ok.status, 200);
  t.like(await ok.json(), { status: 'ok', headPosition: '42', idle: true });
  const down = app({ progress: { status: async () => { throw new Error('down'); }, headPosition: async () => '0', readModelsReach: async () => false, workflowsReach: async () => false } });
  const failed = await down.fetch('http://local/health');
  t.is(failed.status, 503);
});

test('the app refuses to start without an admin key', (t) => {
  t.throws(() => app({ adminApiKey: undefined }), { message: /admin API key/ });
});
