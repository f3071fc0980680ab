/**
 * The real main job (runtime/main.ts's startMainJob: embedded store on disk, runtime, read
 * models, the GraphQL app on node:http) on a free port, and real clients talking HTTP to it:
 * graphql-http's client for queries and mutations, graphql-sse's for subscriptions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient as createHttpClient } from 'graphql-http';
import { createClient as createSseClient } from 'graphql-sse';
import type { ExecutionResult } from 'graphql';
import { startMainJob, type MainJob } from '../../../runtime/main.js';
import type { Config } from '../../../runtime/config.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestExchange {
  job: MainJob;
  dataDir: string;
  endpoint: string;
  origin: string;
  /** one request through graphql-http's client; resolves with the whole result (data and errors) */
  request<T = any>(query: string, variables?: Record<string, unknown>, apiKey?: string): Promise<ExecutionResult<T, any>>;
  /** data, or a failed test with the errors */
  data<T = any>(query: string, variables?: Record<string, unknown>, apiKey?: string): Promise<T>;
  subscribe<T = any>(query: string, variables?: Record<string, unknown>, apiKey?: string): Subscription<T>;
  waitIdle(timeoutMs?: number): Promise<void>;
  headPosition(): Promise<string>;
  stop(): Promise<void>;
}

export interface Subscription<T> {
  /** every result received so far */
  received: Array<ExecutionResult<T, any>>;
  /** resolves when a received result satisfies `test` (bounded) */
  until(test: (result: ExecutionResult<T, any>) => boolean, timeoutMs?: number): Promise<ExecutionResult<T, any>>;
  dispose(): void;
}

/**
 * Registers its own cleanup with `cleanup` (a test's t.teardown, or a collector a hook's
 * test.after.always runs): the job stops, and the data dir goes unless it was given.
 */
export async function startTestExchange(cleanup: (fn: () => Promise<void>) => void, options: { dataDir?: string; config?: Partial<Config> } = {}): Promise<TestExchange> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'oxc-api-')));
  const config: Config = { port: 0, dataDir, adminApiKey: ADMIN_KEY, production: false, ...options.config };
  const job = await startMainJob(config, () => {});
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const dispose of disposers) dispose();
    await job.stop();
  };
  cleanup(async () => {
    await stop();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const origin = job.server.origin;
  const endpoint = `${origin}/graphql`;
  const disposers: Array<() => void> = [];

  const httpClient = (apiKey?: string) =>
    createHttpClient({ url: endpoint, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });

  async function request<T>(query: string, variables: Record<string, unknown> = {}, apiKey?: string): Promise<ExecutionResult<T, any>> {
    const client = httpClient(apiKey);
    try {
      return await new Promise<ExecutionResult<T, any>>((resolve, reject) => {
        let result: ExecutionResult<T, any> | undefined;
        client.subscribe<T>({ query, variables }, {
          next: (value) => (result = value as ExecutionResult<T, any>),
          error: (error) => {
            // graphql-http reports a non-2xx answer (a request error under
            // application/graphql-response+json) as a NetworkError carrying the response: read its body
            const response = (error as { response?: Response })?.response;
            if (Array.isArray(error)) resolve({ errors: error } as ExecutionResult<T, any>);
            else if (response && typeof response.json === 'function') {
              response.json().then(
                (body: ExecutionResult<T, any>) => resolve({ ...body, httpStatus: response.status } as ExecutionResult<T, any>),
                () => reject(error),
              );
            } else reject(error);
          },
          complete: () => resolve(result!),
        });
      });
    } finally {
      client.dispose();
    }
  }

  function subscribe<T>(query: string, variables: Record<string, unknown> = {}, apiKey?: string): Subscription<T> {
    const client = createSseClient({ url: endpoint, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, retryAttempts: 0 });
    const received: Array<ExecutionResult<T, any>> = [];
    const watchers = new Set<() => void>();
    const dispose = client.subscribe<T>({ query, variables }, {
      next: (value) => {
        received.push(value as ExecutionResult<T, any>);
        for (const watcher of watchers) watcher();
      },
      error: (error) => {
        received.push({ errors: Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }] } as ExecutionResult<T, any>);
        for (const watcher of watchers) watcher();
      },
      complete: () => {},
    });
    const all = () => {
      dispose();
      client.dispose();
    };
    disposers.push(all);
    return {
      received,
      until(test, timeoutMs = 10_000) {
        const found = received.find(test);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            watchers.delete(watcher);
            reject(new Error(`no matching subscription result in ${timeoutMs} ms; received ${JSON.stringify(received)}`));
          }, timeoutMs);
          const watcher = () => {
            const hit = received.find(test);
            if (!hit) return;
            clearTimeout(timer);
            watchers.delete(watcher);
            resolve(hit);
          };
          watchers.add(watcher);
        });
      },
      dispose: all,
    };
  }

  return {
    job,
    dataDir,
    endpoint,
    origin,
    request,
    async data<T>(query: string, variables: Record<string, unknown> = {}, apiKey?: string): Promise<T> {
      const result = await request<T>(query, variables, apiKey);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    subscribe,
    /** polls system.idle over the API (DESIGN §10: clients poll it instead of sleeping) */
    async waitIdle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (let delayMs = 2; ; delayMs = Math.min(delayMs * 2, 50)) {
        const result = await request<{ system: { idle: boolean } }>('{ system { idle headPosition consumers { name processedPosition busy error } } }');
        if (result.data?.system.idle) return;
        if (Date.now() > deadline) throw new Error(`system not idle after ${timeoutMs} ms: ${JSON.stringify(result)}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    },
    headPosition: () => job.store.headPosition(),
    stop,
  };
}

/** Creates a user through the API; returns its id and key. */
export async function createUser(x: TestExchange, name: string): Promise<{ userId: string; apiKey: string }> {
  return (await x.data<{ createUser: { userId: string; apiKey: string } }>('mutation($n: String!) { createUser(name: $n) { userId apiKey } }', { n: name }, ADMIN_KEY)).createUser;
}

export async function deposit(x: TestExchange, userId: string, amount: string, txId: string): Promise<void> {
  await x.data('mutation($u: ID!, $a: Decimal!, $tx: ID!) { deposit(userId: $u, asset: "USDT", amount: $a, txId: $tx) { userId } }', { u: userId, a: amount, tx: txId }, ADMIN_KEY);
}

export const ORDER_FIELDS = 'id clientOrderId symbol side type timeInForce price quantity filledQuantity averageFillPrice status intent reduceOnly fee rejectReason';

export async function placeOrder(x: TestExchange, apiKey: string, input: Record<string, unknown>): Promise<Record<string, any>> {
  return (await x.data<{ placeOrder: Record<string, any> }>(`mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { ${ORDER_FIELDS} } }`, { i: { symbol: 'BTC-PERP', type: 'LIMIT', ...input } }, apiKey)).placeOrder;
}
