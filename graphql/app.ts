import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { hashApiKey, type Caller } from './auth.js';
import { DEFAULT_WAITS, type ApiContext, type ApiDeps, type WaitLimits } from './context.js';
import { MASKED_MESSAGE, maskApiError } from './errors.js';
import { useAuth } from './plugins/useAuth.js';
import { DEFAULT_MAX_BODY_BYTES, useBodyLimit } from './plugins/useBodyLimit.js';
import { useHealth } from './plugins/useHealth.js';
import { DEFAULT_QUERY_LIMITS, useLimits, type QueryLimits } from './plugins/useLimits.js';
import type { ApiPubSub } from './pubsub/port.js';
import type { ExchangeCommands, OrderAcknowledgements, Progress, ReadModels, Reserves } from './ports.js';
import { buildSchema } from './schema.js';

export interface AppOptions {
  commands: ExchangeCommands;
  reads: ReadModels;
  progress: Progress;
  acks: OrderAcknowledgements;
  pubsub: ApiPubSub;
  /** the operator's key (or only its SHA-256, as kept on disk) */
  adminApiKey?: string;
  adminApiKeyHash?: string;
  reserves?: Reserves;
  /** NODE_ENV=production: no introspection, no field suggestions, no GraphiQL */
  production?: boolean;
  limits?: Partial<QueryLimits>;
  waits?: Partial<WaitLimits>;
  /** the largest request body accepted (HTTP 413 above it); 64 KiB by default */
  maxBodyBytes?: number;
}

export type App = YogaServerInstance<Record<string, unknown>, ApiContext>;

/** Requests without a preflight-forcing content type must carry this header (CSRF). */
export const CSRF_HEADER = 'x-graphql-csrf';

/**
 * The GraphQL API (DESIGN §10) on chosen adapters: POST /graphql (GET for queries), SSE
 * subscriptions on the same path, GET /health. Node's http server or `app.fetch` serve it.
 */
export function createApp(options: AppOptions): App {
  const adminKeyHash = options.adminApiKeyHash ?? (options.adminApiKey !== undefined ? hashApiKey(options.adminApiKey) : undefined);
  if (!adminKeyHash || !/^[0-9a-f]{64}$/.test(adminKeyHash)) throw new Error('createApp needs the admin API key or its SHA-256 hex');
  const production = options.production ?? false;
  const deps: ApiDeps = {
    commands: options.commands,
    reads: options.reads,
    progress: options.progress,
    acks: options.acks,
    pubsub: options.pubsub,
    waits: { ...DEFAULT_WAITS, ...options.waits },
    ...(options.reserves ? { reserves: options.reserves } : {}),
  };
  const directory = {
    async userIdByKeyHash(keyHash: string) {
      const user = await deps.reads.userByApiKeyHash(keyHash);
      return user ? { userId: user.userId, keyHash: user.apiKeyHash } : undefined;
    },
  };
  return createYoga<Record<string, unknown>, ApiContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    // yoga's own liveness answer moves aside for /health, which also reports the log positions
    healthCheckEndpoint: '/health/live',
    landingPage: false,
    graphiql: production ? false : { title: 'Open Exchange Core' },
    batching: false,
    maskedErrors: { maskError: maskApiError, errorMessage: MASKED_MESSAGE, isDev: false },
    logging: false,
    context: () => ({ deps }) as Partial<ApiContext> as ApiContext,
    plugins: [
      useHealth(deps.progress),
      useBodyLimit(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      useLimits({ ...DEFAULT_QUERY_LIMITS, ...options.limits }),
      useAuth({ adminKeyHash, directory }),
      ...(production ? [useDisableIntrospection(), blockFieldSuggestionsPlugin({ mask: '[Suggestion hidden]' })] : []),
    ],
  });
}

export type { Caller };
