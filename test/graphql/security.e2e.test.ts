import test from 'ava';
import http from 'node:http';
import type { ExecutionResult } from 'graphql';
import { ADMIN_KEY, createUser, deposit, placeOrder, startTestExchange, type TestExchange } from './support/exchange.js';

/**
 * DESIGN §10's access table and error codes over HTTP with graphql-http's client: every operation
 * without a key, with a wrong key, as another user (BOLA), admin-only operations as a user,
 * account operations as the admin; malformed and out-of-grid input; query limits; batching;
 * CSRF. Every refused request leaves the event log as it was.
 */
interface Ctx {
  x: TestExchange;
  alice: { userId: string; apiKey: string };
  bob: { userId: string; apiKey: string };
  aliceOrderId: string;
}

let ctx: Ctx;

const cleanups: Array<() => Promise<void>> = [];
test.after.always(async () => {
  for (const cleanup of cleanups) await cleanup();
});

test.before(async () => {
  const x = await startTestExchange((fn) => cleanups.push(fn));
  const alice = await createUser(x, 'alice');
  const bob = await createUser(x, 'bob');
  await deposit(x, alice.userId, '10000', 'sec-a');
  await deposit(x, bob.userId, '10000', 'sec-b');
  const order = await placeOrder(x, alice.apiKey, { side: 'BUY', price: '50000', quantity: '2', clientOrderId: 'rest-1' });
  ctx = { x, alice, bob, aliceOrderId: order.id as string };
});

const codes = (result: ExecutionResult<any, any>) => (result.errors ?? []).map((e: any) => e.extensions?.code);
const reasons = (result: ExecutionResult<any, any>) => (result.errors ?? []).map((e: any) => e.extensions?.reason);

type Op = { name: string; query: string; variables?: (c: Ctx) => Record<string, unknown> };

const order = '{ id status }';
const PUBLIC: Op[] = [
  { name: 'instruments', query: '{ instruments { symbol } }' },
  { name: 'orderBook', query: '{ orderBook(symbol: "BTC-PERP") { symbol bids { price quantity } } }' },
  { name: 'trades', query: '{ trades(symbol: "BTC-PERP") { id } }' },
  { name: 'system', query: '{ system { idle headPosition } }' },
];
const USER_ONLY: Op[] = [
  { name: 'me', query: '{ me { userId } }' },
  { name: 'placeOrder', query: `mutation { placeOrder(input: { symbol: "BTC-PERP", side: BUY, type: LIMIT, price: "40000", quantity: "1" }) ${order} }` },
  { name: 'cancelOrder', query: `mutation($id: ID!) { cancelOrder(orderId: $id) ${order} }`, variables: (c) => ({ id: c.aliceOrderId }) },
  { name: 'withdraw', query: 'mutation { withdraw(asset: "USDT", amount: "1", requestId: "w-sec") { userId } }' },
  { name: 'setLeverage', query: 'mutation { setLeverage(symbol: "ETH-PERP", leverage: 5) { leverage } }' },
];
const ADMIN_ONLY: Op[] = [
  { name: 'createUser', query: 'mutation { createUser(name: "mallory") { userId } }' },
  {
    name: 'createInstrument',
    query: `mutation { createInstrument(input: { symbol: "SOL-PERP", quoteAsset: "USDT", contractSize: "1", tickSize: "0.01", lotSize: "1", makerFeeRate: "0.0002",
      takerFeeRate: "0.0005", initialMarginRate: "0.1", maintenanceMarginRate: "0.05", maxLeverage: 10, defaultLeverage: 5 }) { symbol } }`,
  },
  { name: 'deposit', query: 'mutation($u: ID!) { deposit(userId: $u, asset: "USDT", amount: "5", txId: "sec-evil") { userId } }', variables: (c) => ({ u: c.bob.userId }) },
  { name: 'setMarkPrice', query: 'mutation { setMarkPrice(symbol: "BTC-PERP", price: "1") { symbol } }' },
  { name: 'liquidate', query: 'mutation($u: ID!) { liquidate(userId: $u, symbol: "BTC-PERP", price: "1") { side } }', variables: (c) => ({ u: c.alice.userId }) },
  { name: 'fundInsurance', query: 'mutation { fundInsurance(asset: "USDT", amount: "5", txId: "sec-ins") { balanceSheet { balanced } } }' },
  { name: 'placeInsuranceOrder', query: `mutation { placeInsuranceOrder(input: { symbol: "BTC-PERP", side: SELL, type: LIMIT, price: "60000", quantity: "1" }) ${order} }` },
  { name: 'runReserveAudit', query: 'mutation { runReserveAudit { auditId } }' },
  { name: 'platformLedger', query: '{ platformLedger { balanceSheet { balanced } } }' },
  { name: 'insurancePositions', query: '{ insurancePositions { symbol } }' },
];
const OWN_DATA: Op[] = [
  { name: 'account(other)', query: '{ account(userId: "someone") { userId } }' },
  { name: 'order', query: `query($id: ID!) { order(id: $id) ${order} }`, variables: (c) => ({ id: c.aliceOrderId }) },
];

async function unchangedLog(t: any, work: () => Promise<void>): Promise<void> {
  const before = await ctx.x.headPosition();
  await work();
  await ctx.x.waitIdle();
  t.is(await ctx.x.headPosition(), before, 'the event log is unchanged');
}

test.serial('no key: public market data answers; everything else is UNAUTHENTICATED and nothing is written', async (t) => {
  await unchangedLog(t, async () => {
    for (const op of PUBLIC) t.falsy((await ctx.x.request(op.query)).errors, op.name);
    for (const op of [...USER_ONLY, ...ADMIN_ONLY, ...OWN_DATA]) t.deepEqual(codes(await ctx.x.request(op.query, op.variables?.(ctx))), ['UNAUTHENTICATED'], op.name);
  });
});

test.serial('a wrong or malformed key is UNAUTHENTICATED for every operation, public ones included', async (t) => {
  await unchangedLog(t, async () => {
    for (const key of ['oxk_not-a-real-key', `${ctx.alice.apiKey}x`, 'bad key with spaces']) {
      for (const op of [...PUBLIC, ...USER_ONLY, ...ADMIN_ONLY, ...OWN_DATA]) t.deepEqual(codes(await ctx.x.request(op.query, op.variables?.(ctx), key)), ['UNAUTHENTICATED'], `${op.name} with ${key}`);
    }
    const basic = await fetch(ctx.x.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${ctx.alice.apiKey}` }, body: JSON.stringify({ query: '{ me { userId } }' }) });
    t.deepEqual(codes((await basic.json()) as ExecutionResult), ['UNAUTHENTICATED']);
  });
});

test.serial('a user key on operator operations is FORBIDDEN; the admin key on account operations is FORBIDDEN', async (t) => {
  await unchangedLog(t, async () => {
    for (const op of ADMIN_ONLY) t.deepEqual(codes(await ctx.x.request(op.query, op.variables?.(ctx), ctx.bob.apiKey)), ['FORBIDDEN'], op.name);
    for (const op of USER_ONLY) t.deepEqual(codes(await ctx.x.request(op.query, op.variables?.(ctx), ADMIN_KEY)), ['FORBIDDEN'], op.name);
    // order(id) is "only the caller's own orders": the admin owns none, so it is refused outright
    // (as myOrders is), for an existing order and a missing one alike
    for (const id of [ctx.aliceOrderId, '00000000-0000-5000-8000-000000000000']) {
      t.deepEqual(codes(await ctx.x.request('query($id: ID!) { order(id: $id) { id } }', { id }, ADMIN_KEY)), ['FORBIDDEN'], `order(${id})`);
    }
    // the operator reads a user's orders through their account
    const viaAccount = await ctx.x.data('query($u: ID!) { account(userId: $u) { orders { id } } }', { u: ctx.alice.userId }, ADMIN_KEY);
    t.true(viaAccount.account.orders.some((o: { id: string }) => o.id === ctx.aliceOrderId));
  });
});

test.serial('BOLA: another user\'s order is null / NOT_FOUND exactly like a missing one; another account is FORBIDDEN', async (t) => {
  await unchangedLog(t, async () => {
    const missing = '00000000-0000-5000-8000-000000000000';
    const read = (id: string) => ctx.x.request(`query($id: ID!) { order(id: $id) { id } }`, { id }, ctx.bob.apiKey);
    t.deepEqual(await read(ctx.aliceOrderId), await read(missing));
    t.deepEqual((await read(ctx.aliceOrderId)).data, { order: null });
    const cancel = (id: string) => ctx.x.request(`mutation($id: ID!) { cancelOrder(orderId: $id) { id } }`, { id }, ctx.bob.apiKey);
    const [theirs, none] = [await cancel(ctx.aliceOrderId), await cancel(missing)];
    t.deepEqual(codes(theirs), ['NOT_FOUND']);
    t.deepEqual(codes(none), ['NOT_FOUND']);
    t.is(theirs.errors![0]!.message.replace(ctx.aliceOrderId, 'X'), none.errors![0]!.message.replace(missing, 'X'));
    t.deepEqual(codes(await ctx.x.request('query($u: ID!) { account(userId: $u) { userId balances { available } } }', { u: ctx.alice.userId }, ctx.bob.apiKey)), ['FORBIDDEN']);
    t.deepEqual(codes(await ctx.x.request('query($u: ID!) { account(userId: $u) { userId } }', { u: 'no-such-user' }, ctx.bob.apiKey)), ['FORBIDDEN']);
    // their own: fine; the admin: any existing user, NOT_FOUND for none
    t.is((await ctx.x.data('query($u: ID!) { account(userId: $u) { userId } }', { u: ctx.bob.userId }, ctx.bob.apiKey)).account.userId, ctx.bob.userId);
    t.deepEqual(codes(await ctx.x.request('{ account(userId: "no-such-user") { userId } }', {}, ADMIN_KEY)), ['NOT_FOUND']);
    // alice still has her order, untouched
    t.is((await ctx.x.data(`query($id: ID!) { order(id: $id) { status } }`, { id: ctx.aliceOrderId }, ctx.alice.apiKey)).order.status, 'NEW');
  });
});

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }`;
const placeWith = (input: Record<string, unknown>) => ({ i: { symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', price: '50000', quantity: '1', ...input } });

test.serial('malformed and out-of-grid input is BAD_USER_INPUT with its reason; unknown things are NOT_FOUND; nothing is written', async (t) => {
  const cases: Array<[string, string, Record<string, unknown>, string, string | undefined, string?]> = [
    // [name, query, variables, code, reason, key]
    ['exponent quantity', PLACE, placeWith({ quantity: '1e3' }), 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['negative quantity', PLACE, placeWith({ quantity: '-1' }), 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['zero quantity', PLACE, placeWith({ quantity: '0' }), 'BAD_USER_INPUT', 'INVALID_QUANTITY'],
    ['off-lot quantity', PLACE, placeWith({ quantity: '1.5' }), 'BAD_USER_INPUT', 'INVALID_LOT'],
    ['huge quantity', PLACE, placeWith({ quantity: '12345678901234567' }), 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['nine decimals', PLACE, placeWith({ price: '50000.000000001' }), 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['number instead of string', PLACE, placeWith({ price: 50000 }), 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['padded decimal', PLACE, placeWith({ price: ' 50000' }), 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['off-tick price', PLACE, placeWith({ price: '50000.05' }), 'BAD_USER_INPUT', 'INVALID_TICK'],
    ['zero price', PLACE, placeWith({ price: '0' }), 'BAD_USER_INPUT', 'INVALID_PRICE'],
    ['limit without price', PLACE, placeWith({ price: null }), 'BAD_USER_INPUT', 'INVALID_PRICE'],
    ['market with price', PLACE, placeWith({ type: 'MARKET' }), 'BAD_USER_INPUT', 'INVALID_PRICE'],
    ['market post-only', PLACE, placeWith({ type: 'MARKET', price: null, timeInForce: 'POST_ONLY' }), 'BAD_USER_INPUT', 'INVALID_TIME_IN_FORCE'],
    ['unknown symbol', PLACE, placeWith({ symbol: 'DOGE-PERP' }), 'BAD_USER_INPUT', 'UNKNOWN_SYMBOL'],
    ['withdraw zero', 'mutation { withdraw(asset: "USDT", amount: "0", requestId: "w0") { userId } }', {}, 'BAD_USER_INPUT', 'INVALID_AMOUNT'],
    ['withdraw exponent', 'mutation { withdraw(asset: "USDT", amount: "1E2", requestId: "w1") { userId } }', {}, 'BAD_USER_INPUT', 'INVALID_DECIMAL'],
    ['withdraw unknown asset', 'mutation { withdraw(asset: "BTC", amount: "1", requestId: "w2") { userId } }', {}, 'BAD_USER_INPUT', 'UNKNOWN_ASSET'],
    ['orderBook unknown symbol', '{ orderBook(symbol: "DOGE-PERP") { symbol } }', {}, 'NOT_FOUND', undefined],
    ['trades unknown symbol', '{ trades(symbol: "DOGE-PERP") { id } }', {}, 'NOT_FOUND', undefined],
    ['setLeverage unknown symbol', 'mutation { setLeverage(symbol: "DOGE-PERP", leverage: 5) { leverage } }', {}, 'NOT_FOUND', undefined],
    ['trades page too large', '{ trades(symbol: "BTC-PERP", first: 1001) { id } }', {}, 'BAD_USER_INPUT', 'PAGE_SIZE'],
    ['orders page too large', '{ me { orders(first: 5000) { id } } }', {}, 'BAD_USER_INPUT', 'PAGE_SIZE'],
    ['negative page', '{ me { journal(first: -1) { id } } }', {}, 'BAD_USER_INPUT', 'PAGE_SIZE'],
    ['book depth too large', '{ orderBook(symbol: "BTC-PERP", depth: 100000) { symbol } }', {}, 'BAD_USER_INPUT', 'PAGE_SIZE'],
    ['deposit unknown asset', 'mutation($u: ID!) { deposit(userId: $u, asset: "EUR", amount: "1", txId: "d-eur") { userId } }', { u: 'x' }, 'BAD_USER_INPUT', 'UNKNOWN_ASSET', ADMIN_KEY],
    ['deposit to nobody', 'mutation { deposit(userId: "nobody", asset: "USDT", amount: "1", txId: "d-nobody") { userId } }', {}, 'NOT_FOUND', undefined, ADMIN_KEY],
    ['deposit negative', 'mutation($u: ID!) { deposit(userId: $u, asset: "USDT", amount: "-5", txId: "d-neg") { userId } }', { u: 'x' }, 'BAD_USER_INPUT', 'INVALID_DECIMAL', ADMIN_KEY],
    ['mark price off tick', 'mutation { setMarkPrice(symbol: "BTC-PERP", price: "50000.01") { symbol } }', {}, 'BAD_USER_INPUT', 'INVALID_TICK', ADMIN_KEY],
    ['mark price unknown symbol', 'mutation { setMarkPrice(symbol: "DOGE-PERP", price: "1") { symbol } }', {}, 'NOT_FOUND', undefined, ADMIN_KEY],
    ['liquidate unknown symbol', 'mutation($u: ID!) { liquidate(userId: $u, symbol: "DOGE-PERP", price: "1") { side } }', { u: 'x' }, 'NOT_FOUND', undefined, ADMIN_KEY],
    // (the very same listing again is an idempotent repeat; other parameters for a listed symbol conflict)
    ['createInstrument existing', `mutation { createInstrument(input: { symbol: "BTC-PERP", quoteAsset: "USDT", contractSize: "0.001", tickSize: "1", lotSize: "1",
      makerFeeRate: "0.0002", takerFeeRate: "0.0005", initialMarginRate: "0.01", maintenanceMarginRate: "0.005", maxLeverage: 100, defaultLeverage: 10 }) { symbol } }`, {}, 'CONFLICT', undefined, ADMIN_KEY],
  ];
  await unchangedLog(t, async () => {
    for (const [name, query, variables, code, reason, key] of cases) {
      const vars = { ...variables };
      if (vars.u === 'x') vars.u = ctx.bob.userId;
      const result = await ctx.x.request(query, vars, key ?? ctx.bob.apiKey);
      t.is(codes(result)[0], code, `${name}: ${JSON.stringify(result.errors)}`);
      if (reason !== undefined) t.is(reasons(result)[0], reason, `${name}: ${JSON.stringify(result.errors)}`);
      t.false(JSON.stringify(result).includes('    at '), `${name}: no stack`);
    }
  });
});

test.serial('liquidating a flat position is FAILED_PRECONDITION; a withdrawal above available is INSUFFICIENT_FUNDS', async (t) => {
  // the runtime records a liquidation request and its rejection in the log; no money moves
  const BOB = '{ me { balances { asset available frozen } positions { symbol side quantity margin } journal { id } } }';
  const bobBefore = await ctx.x.data(BOB, {}, ctx.bob.apiKey);
  t.deepEqual(codes(await ctx.x.request('mutation($u: ID!) { liquidate(userId: $u, symbol: "ETH-PERP", price: "3000") { side } }', { u: ctx.bob.userId }, ADMIN_KEY)), ['FAILED_PRECONDITION']);
  await ctx.x.waitIdle();
  t.deepEqual(await ctx.x.data(BOB, {}, ctx.bob.apiKey), bobBefore);
  const result = await ctx.x.request('mutation { withdraw(asset: "USDT", amount: "10000.01", requestId: "too-much") { userId } }', {}, ctx.bob.apiKey);
  t.deepEqual(codes(result), ['INSUFFICIENT_FUNDS']);
  const balances = await ctx.x.data('{ me { balances { available } } }', {}, ctx.bob.apiKey);
  t.deepEqual(balances.me.balances, [{ available: '10000' }]);
});

test.serial('query limits: depth, aliases, tokens and cost are BAD_USER_INPUT with their reason; nothing runs', async (t) => {
  await unchangedLog(t, async () => {
    const deep = `{ me { ${'a { '.repeat(10)}b${' }'.repeat(10)} } }`;
    t.true(reasons(await ctx.x.request(deep, {}, ctx.bob.apiKey)).includes('DEPTH_LIMIT'));
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `s${i}: system { idle }`).join(' ')} }`;
    t.true(reasons(await ctx.x.request(aliases)).includes('ALIAS_LIMIT'));
    const tokens = `{ system { ${'idle '.repeat(3000)} } }`;
    t.deepEqual(reasons(await ctx.x.request(tokens)), ['TOKEN_LIMIT']);
    const costly = `{ ${Array.from({ length: 14 }, (_, i) => `m${i}: me { orders(first: 1000) { id symbol side type price quantity status fee } fills { tradeId price quantity fee } journal { id lines { account amount direction asset book } } balanceSheet { accounts { account asset balance category } } }`).join(' ')} }`;
    t.true(reasons(await ctx.x.request(costly, {}, ctx.bob.apiKey)).includes('COST_LIMIT'));
    // a mutation hidden in an over-limit document is not executed
    const aliasedWrites = `mutation { ${Array.from({ length: 20 }, (_, i) => `w${i}: withdraw(asset: "USDT", amount: "1", requestId: "alias-${i}") { userId }`).join(' ')} }`;
    t.true(reasons(await ctx.x.request(aliasedWrites, {}, ctx.bob.apiKey)).includes('ALIAS_LIMIT'));
  });
});

test.serial('batched (array) requests are HTTP 400; CSRF: a request without a preflight-forcing content type needs the header', async (t) => {
  await unchangedLog(t, async () => {
    const batched = await fetch(ctx.x.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.bob.apiKey}` },
      body: JSON.stringify([{ query: '{ system { idle } }' }, { query: 'mutation { withdraw(asset: "USDT", amount: "1", requestId: "batch") { userId } }' }]),
    });
    t.is(batched.status, 400);
    const get = await fetch(`${ctx.x.endpoint}?query=${encodeURIComponent('{ system { idle } }')}`);
    t.is(get.status, 403);
    const getWithHeader = await fetch(`${ctx.x.endpoint}?query=${encodeURIComponent('{ system { idle } }')}`, { headers: { 'x-graphql-csrf': '1' } });
    t.is(getWithHeader.status, 200);
    const plain = await fetch(ctx.x.endpoint, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${ctx.bob.apiKey}` }, body: JSON.stringify({ query: 'mutation { withdraw(asset: "USDT", amount: "1", requestId: "csrf") { userId } }' }) });
    t.is(plain.status, 403);
    // mutations are never served over GET
    const getMutation = await fetch(`${ctx.x.endpoint}?query=${encodeURIComponent('mutation { withdraw(asset: "USDT", amount: "1", requestId: "get") { userId } }')}`, { headers: { 'x-graphql-csrf': '1', authorization: `Bearer ${ctx.bob.apiKey}` } });
    t.is(getMutation.status, 405);
  });
});

test.serial('request bodies: above 64 KiB is HTTP 413 before anything is read; undeclared length is 411; 64 KiB itself is served', async (t) => {
  const LIMIT = 64 * 1024;
  const post = (body: string) =>
    fetch(ctx.x.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.bob.apiKey}` }, body });
  // whitespace is no GraphQL token: the size alone decides
  const sized = (bytes: number, query: string) => {
    const bare = JSON.stringify({ query });
    return JSON.stringify({ query: query + ' '.repeat(bytes - bare.length) });
  };
  await unchangedLog(t, async () => {
    const atLimit = sized(LIMIT, '{ system { idle } }');
    t.is(Buffer.byteLength(atLimit), LIMIT);
    const served = await post(atLimit);
    t.is(served.status, 200);
    t.deepEqual(((await served.json()) as ExecutionResult).errors, undefined);

    const write = 'mutation { withdraw(asset: "USDT", amount: "1", requestId: "too-big") { userId } }';
    const tooBig = await post(sized(LIMIT + 1, write));
    t.is(tooBig.status, 413);
    t.deepEqual(reasons((await tooBig.json()) as ExecutionResult), ['BODY_TOO_LARGE']);
    const huge = await post(sized(10 * 1024 * 1024, write));
    t.is(huge.status, 413);

    // a chunked body declares no length
    const chunked = await new Promise<number>((resolve, reject) => {
      const request = http.request(ctx.x.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.bob.apiKey}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(JSON.stringify({ query: write }).slice(0, 10));
      request.end(JSON.stringify({ query: write }).slice(10));
    });
    t.is(chunked, 411);
  });
  t.deepEqual((await ctx.x.data('{ me { balances { available } } }', {}, ctx.bob.apiKey)).me.balances, [{ available: '10000' }]);
});

test.serial('an idempotency key reused with another payload is BAD_USER_INPUT IDEMPOTENCY_KEY_REUSED; the same payload is the same answer', async (t) => {
  const first = await ctx.x.request('mutation($u: ID!) { deposit(userId: $u, asset: "USDT", amount: "7", txId: "idem-1") { balances { available } } }', { u: ctx.bob.userId }, ADMIN_KEY);
  t.deepEqual(first.data?.deposit.balances, [{ available: '10007' }]);
  await unchangedLog(t, async () => {
    const again = await ctx.x.request('mutation($u: ID!) { deposit(userId: $u, asset: "USDT", amount: "7", txId: "idem-1") { balances { available } } }', { u: ctx.bob.userId }, ADMIN_KEY);
    t.deepEqual(again.data, first.data);
    const other = await ctx.x.request('mutation($u: ID!) { deposit(userId: $u, asset: "USDT", amount: "8", txId: "idem-1") { userId } }', { u: ctx.bob.userId }, ADMIN_KEY);
    t.deepEqual(codes(other), ['BAD_USER_INPUT']);
    t.deepEqual(reasons(other), ['IDEMPOTENCY_KEY_REUSED']);
    const sameOrder = await placeOrder(ctx.x, ctx.alice.apiKey, { side: 'BUY', price: '50000', quantity: '2', clientOrderId: 'rest-1' });
    t.is(sameOrder.id, ctx.aliceOrderId);
    const otherOrder = await ctx.x.request(PLACE, placeWith({ quantity: '3', clientOrderId: 'rest-1' }), ctx.alice.apiKey);
    t.deepEqual(reasons(otherOrder), ['IDEMPOTENCY_KEY_REUSED']);
  });
});
