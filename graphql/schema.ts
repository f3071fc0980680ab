import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.js';

/** The contract exactly as given (graphql/contract.graphql); additions live in extensions.graphql. */
export const contractSDL = readFileSync(new URL('./contract.graphql', import.meta.url), 'utf8');
export const extensionsSDL = readFileSync(new URL('./extensions.graphql', import.meta.url), 'utf8');

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: [contractSDL, extensionsSDL], resolvers, resolverValidationOptions: { requireResolversToMatchSchema: 'error' } });
}
