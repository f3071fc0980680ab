/**
 * The README walkthrough against a running `npm start`:
 *
 *   ADMIN_API_KEY=<the key npm start printed> npx tsx scripts/walkthrough.ts [http://localhost:4000/graphql]
 *
 * Two users, deposits, alice's bid partially filled by bob (both open a position), alice cancels
 * the rest, then both flip their positions in one trade; prints every answer, then alice's
 * balance sheet and journal and the platform's balance sheet. Ids carry a run id, so it can be
 * run again against the same exchange.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** One GraphQL request as `apiKey`; resolves with `data`, rejects with the errors. */
export type Execute = (query: string, variables: Record<string, unknown>, apiKey: string) => Promise<Record<string, any>>;

export function fetchExecutor(endpoint: string): Execute {
  return async (query, variables, apiKey) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: unknown }> };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data!;
  };
}

const ORDER = 'id clientOrderId symbol side type timeInForce price quantity filledQuantity averageFillPrice status intent fee rejectReason';
const POSITION = 'symbol side quantity entryPrice margin leverage realizedPnl';
const ACCOUNT = `userId balances { asset available frozen total } positions { ${POSITION} } deficit`;

export interface WalkthroughResult {
  alice: { userId: string; apiKey: string };
  bob: { userId: string; apiKey: string };
  steps: Array<{ step: string; data: Record<string, any> }>;
}

export async function runWalkthrough(execute: Execute, adminKey: string, runId = randomUUID().slice(0, 8), print: (line: string) => void = () => {}): Promise<WalkthroughResult> {
  const steps: WalkthroughResult['steps'] = [];
  const step = async (name: string, query: string, variables: Record<string, unknown>, apiKey: string) => {
    const data = await execute(query, variables, apiKey);
    steps.push({ step: name, data });
    print(`\n# ${name}\n${JSON.stringify(data, null, 2)}`);
    return data;
  };
  const createUser = `mutation($name: String!) { createUser(name: $name) { userId apiKey } }`;
  const alice = (await step('admin creates alice', createUser, { name: 'alice' }, adminKey)).createUser as { userId: string; apiKey: string };
  const bob = (await step('admin creates bob', createUser, { name: 'bob' }, adminKey)).createUser as { userId: string; apiKey: string };

  const deposit = `mutation($userId: ID!, $txId: ID!) { deposit(userId: $userId, asset: "USDT", amount: "10000", txId: $txId) { ${ACCOUNT} } }`;
  await step('deposit 10000 USDT to alice', deposit, { userId: alice.userId, txId: `walk-${runId}-alice` }, adminKey);
  await step('deposit 10000 USDT to bob', deposit, { userId: bob.userId, txId: `walk-${runId}-bob` }, adminKey);

  const place = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER} } }`;
  const order = (side: string, price: string, quantity: string, clientOrderId: string) => ({
    input: { symbol: 'BTC-PERP', side, type: 'LIMIT', timeInForce: 'GTC', price, quantity, clientOrderId: `${clientOrderId}-${runId}` },
  });
  const bid = (await step('alice bids 10 BTC-PERP at 50000 (rests)', place, order('BUY', '50000', '10', 'alice-bid'), alice.apiKey)).placeOrder;
  await step('bob sells 4 at 50000: fills, alice partially filled; both open', place, order('SELL', '50000', '4', 'bob-sell'), bob.apiKey);
  await step('alice cancels the rest of her bid', `mutation($id: ID!) { cancelOrder(orderId: $id) { ${ORDER} } }`, { id: bid.id }, alice.apiKey);
  await step('bob bids 10 at 50100 (short 4: closes 4, opens 6)', place, order('BUY', '50100', '10', 'bob-flip'), bob.apiKey);
  await step('alice sells 10 at 50100 (long 4): both flip', place, order('SELL', '50100', '10', 'alice-flip'), alice.apiKey);

  const me = `{ me { ${ACCOUNT} orders(first: 10) { ${ORDER} } fills(first: 10) { tradeId orderId side price quantity fee liquidity }
    balanceSheet { balanced accounts { account asset category balance } }
    journal(first: 50) { id eventType referenceId lines { book account asset direction amount } } } }`;
  await step('alice: account, balance sheet and journal', me, {}, alice.apiKey);
  await step('bob: account, balance sheet and journal', me, {}, bob.apiKey);
  await step('platform balance sheet (admin)', `{ platformLedger { balanceSheet { balanced accounts { account asset category balance } } } system { idle headPosition processedPosition } }`, {}, adminKey);
  return { alice, bob, steps };
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  const endpoint = process.argv[2] ?? process.env.GRAPHQL_URL ?? 'http://localhost:4000/graphql';
  const adminKey = process.env.ADMIN_API_KEY;
  if (!adminKey) {
    process.stderr.write('set ADMIN_API_KEY to the admin key npm start printed (or the one you gave it)\n');
    process.exit(2);
  }
  runWalkthrough(fetchExecutor(endpoint), adminKey, undefined, (line) => process.stdout.write(`${line}\n`)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
}
