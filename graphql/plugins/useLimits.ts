import { GraphQLError, parse, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';

/**
 * Query limits (DESIGN §10): depth, cost, aliases, directives (graphql-armor's validation rules)
 * and tokens (graphql's own parser limit). A rejected query is BAD_USER_INPUT with a reason, so
 * clients can tell a limit from a typo; nothing is executed.
 */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 8,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
};

function limitError(reason: string, error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'BAD_USER_INPUT', reason } });
}

function reportAs(reason: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    if (!context) throw limitError(reason, error);
    context.reportError(limitError(reason, error));
  };
}

export function useLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): Plugin {
  const rules = [
    maxDepthRule({ n: limits.maxDepth, propagateOnRejection: false, onReject: [reportAs('DEPTH_LIMIT')], flattenFragments: true }),
    costLimitRule({ maxCost: limits.maxCost, propagateOnRejection: false, onReject: [reportAs('COST_LIMIT')] }),
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: [reportAs('ALIAS_LIMIT')] }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: [reportAs('DIRECTIVE_LIMIT')] }),
  ];
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message)) {
            throw new GraphQLError(`query has more than ${limits.maxTokens} tokens`, { extensions: { code: 'BAD_USER_INPUT', reason: 'TOKEN_LIMIT' } });
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
