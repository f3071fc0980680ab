import { GraphQLError, Kind, parse, visit, type DocumentNode, type ValidationContext } from 'graphql';
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
  /** the largest `first` / `depth` a list may ask for (DESIGN §10: 1000) */
  maxPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 8,
  // graphql-armor multiplies a list's cost by a literal `first`: one full page of a 15-field
  // list costs ~35k, so this allows a few full pages per request and refuses floods of them
  maxCost: 100_000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
  maxPageSize: 1000,
};

const PAGE_ARGUMENTS = new Set(['first', 'depth']);

/**
 * A literal page size above the cap is PAGE_SIZE before anything else looks at the document
 * (the cost rule would otherwise report it as COST_LIMIT); sizes in variables are checked by
 * the resolvers.
 */
function checkPageSizes(document: DocumentNode, max: number): void {
  visit(document, {
    Argument(node) {
      if (!PAGE_ARGUMENTS.has(node.name.value) || node.value.kind !== Kind.INT) return;
      const n = Number(node.value.value);
      if (n > max || n < 0) throw new GraphQLError(`${node.name.value} must be 0..${max}, got ${node.value.value}`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE' } });
    },
  });
}

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
        let document: DocumentNode;
        try {
          document = parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          // graphql 16 spells it "more that 2000 tokens"
          if (error instanceof GraphQLError && /more th\w+ \d+ tokens/.test(error.message)) {
            throw new GraphQLError(`query has more than ${limits.maxTokens} tokens`, { extensions: { code: 'BAD_USER_INPUT', reason: 'TOKEN_LIMIT' } });
          }
          throw error;
        }
        checkPageSizes(document, limits.maxPageSize);
        return document;
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
