// Query limits, enforced before anything executes, cheapest first:
// - tokens and bracket nesting (document-size.ts), counted before the parser runs, so an oversized
//   or deeply nested document (10,000 nested selections or list literals) never reaches it;
// - aliases (MAX_ALIASES, `__typename` included) and directives (MAX_DIRECTIVES);
// - depth (MAX_DEPTH): nesting of fields in an operation, fragments flattened, `{ me { id } }` has depth 2;
// - cost (MAX_COST), below.
// Aliases, directives and depth are GraphQL Armor's rules (configured here, each refusal given a
// code). Every refusal is answered with status 400. Every rule walks a fragment once however often
// it is spread (Armor's memoise by fragment name, and so does the cost rule here), so the fragment
// bomb of issue 8 (F1..F22 each spreading the previous twice) is refused in milliseconds instead of
// 2^22 walks (scripts/bench-graphql-limits.ts).
//
// Cost stays hand-written: Armor's cost-limit plugin prices a field by its depth (objectCost,
// depthCostFactor) and reads page sizes only from literal `first:` arguments. Measured on the admin
// schema: the features page costs 3,396 at `first: 25` but 136 at `first: $n` whatever $n is, and
// lists nested through prerequisites at `first: 100` cost 8,108, less than the plain page at
// `first: 100` (13,583), so no threshold admits the one and refuses the other. Below, the page at
// 25 costs 3,926 and the nested lists 43,901 (test/workers/control/query-limits.test.ts).
//
// Cost: an estimate of the fields resolved. Every field costs 1 plus its children's cost times a
// multiplier, the expected length of the list it returns:
// - a paginated field (a `first` argument): the page size (the argument's literal or variable
//   value, else its default, else DEFAULT_PAGE_SIZE); `nodes` inside a *Connection is then 1;
// - an unpaginated list of records resolved per parent: its typical length from LIST_SIZES (a
//   feature has one stage per environment of its pipeline, a stage a handful of rules), else
//   LIST_FACTOR. Typical, not maximal: the maxima (MAX_RULES rules per stage, ...) are enforced
//   when written, and charging them would refuse every realistic query;
// - a list of values stored inside its parent's row (VALUE_LISTS: a rule's condition groups, a
//   group's conditions, a split's allocations): 1. Reading them costs no lookup, their length is
//   capped when written, and they hold no list that leads back into the graph, so a query cannot
//   multiply its cost through them; their selected fields are counted once.
// Fragment branches are all counted; `__typename` costs 1 like any field (else the bomb above with
// `__typename` leaves would cost nothing); `__schema` and `__type` are exempt from cost and
// `__schema` from depth (Armor's ignoreIntrospection), so GraphiQL's introspection query passes.
// Resulting figures (docs/DESIGN.md, "Query limits"): the admin app's features page (25 features with
// variants, stages with their environment and rules with conditions and serve) costs about 4,000;
// the same at first: 100, or lists nested through prerequisites, exceed MAX_COST.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getNamedType, getNullableType, GraphQLError, isCompositeType, isInterfaceType, isListType, isObjectType, Kind,
  type FieldNode, type GraphQLCompositeType, type GraphQLField, type SelectionSetNode,
  type ValidationContext, type ValidationRule,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { DEFAULT_PAGE_SIZE } from "../core/pagination";
import { parseWithinLimits } from "./document-size";

export { MAX_NESTING, MAX_TOKENS } from "./document-size";
export const MAX_ALIASES = 50;
export const MAX_DIRECTIVES = 50;
export const MAX_DEPTH = 10;
export const MAX_COST = 10_000;
/** Assumed length of an unpaginated list of records not in LIST_SIZES (a user's memberships). */
export const LIST_FACTOR = 10;

/** Typical lengths of unpaginated record lists, by `Type.field`. */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  /** One stage per environment of the feature's pipeline: development, staging, production. */
  "Feature.stages": 3,
  "Pipeline.stages": 3,
  "Team.environments": 3,
  /** Boolean features have two; multivariate ones a few. */
  "Feature.variants": 3,
  "Feature.prerequisites": 2,
  /** A handful in practice; at most MAX_RULES (rule-schema.ts) per stage. */
  "FeatureStage.rules": 5,
};

/** Lists of values stored inside the parent's row, by `Type.field`: charged once (see above). */
export const VALUE_LISTS: ReadonlySet<string> = new Set([
  "Rule.match", "Segment.match", "ConditionGroup.conditions", "Serve.allocations", "Context.attributes",
]);

/** A limit's refusal: its code and the limit, Armor's message without its misleading "Syntax Error" prefix. */
function limitError(message: string, code: string, limit: Record<string, number>): GraphQLError {
  return new GraphQLError(message.replace(/^Syntax Error: /, ""), { extensions: { code, ...limit } });
}

/** Armor's callbacks: report the refusal with our code instead of Armor's uncoded "Syntax Error". */
const reportAs = (code: string, limit: Record<string, number>) => ({
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(limitError(error.message, code, limit))],
});

export function depthLimitRule(maxDepth = MAX_DEPTH): ValidationRule {
  // flattenFragments: a spread or inline fragment adds no level, as in the executed result.
  return maxDepthRule({ n: maxDepth, flattenFragments: true, ...reportAs("QUERY_TOO_DEEP", { maxDepth }) }) as ValidationRule;
}

export function aliasLimitRule(maxAliases = MAX_ALIASES): ValidationRule {
  // Armor exempts `__typename` by default; 500,000 `aN: __typename` aliases are work all the same.
  return maxAliasesRule({ n: maxAliases, allowList: [], ...reportAs("QUERY_TOO_MANY_ALIASES", { maxAliases }) }) as ValidationRule;
}

export function directiveLimitRule(maxDirectives = MAX_DIRECTIVES): ValidationRule {
  return maxDirectivesRule({ n: maxDirectives, ...reportAs("QUERY_TOO_MANY_DIRECTIVES", { maxDirectives }) }) as ValidationRule;
}

export function costLimitRule(variables: Record<string, unknown>, maxCost = MAX_COST): ValidationRule {
  return (context) => {
    const walk = new CostWalk(context, variables);
    return {
      OperationDefinition(operation) {
        const root = operation.operation === "query" ? context.getSchema().getQueryType()
          : operation.operation === "mutation" ? context.getSchema().getMutationType()
            : context.getSchema().getSubscriptionType();
        if (!root) return;
        const cost = walk.selectionCost(operation.selectionSet, root);
        if (cost > maxCost) {
          context.reportError(new GraphQLError(
            `Query cost ${cost} exceeds the maximum cost of ${maxCost}; request smaller pages (first) or fewer nested lists`,
            { nodes: operation, extensions: { code: "QUERY_TOO_COSTLY", cost, maxCost } },
          ));
        }
      },
    };
  };
}

const LIMIT_CODES = new Set([
  "QUERY_TOO_MANY_TOKENS", "QUERY_TOO_MANY_ALIASES", "QUERY_TOO_MANY_DIRECTIVES", "QUERY_TOO_DEEP", "QUERY_TOO_COSTLY",
]);

/**
 * The limits as one yoga plugin: sizes while parsing, the rest with every validation (validation
 * results are not cached, see yoga.ts; the cost rule sees the request's variables). A refusal is
 * a client's mistake: 400 whatever the Accept header. yoga answers parse and validation errors
 * with 200 to clients accepting application/json (the spec's `http.spec` marker, set after our
 * hooks), so the status is set when the result is processed, from `extensions.http`, which yoga
 * reads and leaves out of the answer.
 */
export function useQueryLimits(): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn(parseWithinLimits);
    },
    onValidate({ addValidationRule, context }) {
      const params = (context as { params?: { variables?: Record<string, unknown> } }).params;
      addValidationRule(aliasLimitRule());
      addValidationRule(directiveLimitRule());
      addValidationRule(depthLimitRule());
      addValidationRule(costLimitRule(params?.variables ?? {}));
    },
    onResultProcess({ result }) {
      if (Array.isArray(result) || !("errors" in result)) return;
      for (const error of result.errors ?? []) {
        if (LIMIT_CODES.has(error.extensions?.code as string)) {
          (error.extensions as Record<string, unknown>).http = { status: 400, spec: false };
        }
      }
    },
  };
}

/**
 * The cost of selections in one validation. A fragment's cost depends only on the fragment (its
 * type condition fixes the parent type, the variables are the request's), so it is computed once
 * and reused for every spread: linear in the document, however often fragments spread each other.
 */
class CostWalk {
  private readonly fragments = new Map<string, number>();

  constructor(private readonly context: ValidationContext, private readonly variables: Record<string, unknown>) {}

  selectionCost(set: SelectionSetNode, parent: GraphQLCompositeType): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === "__schema" || name === "__type") continue;
        total += this.fieldCost(selection, parent);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.context.getSchema().getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += this.selectionCost(selection.selectionSet, type);
      } else {
        total += this.fragmentCost(selection.name.value);
      }
    }
    return total;
  }

  private fragmentCost(name: string): number {
    const known = this.fragments.get(name);
    if (known !== undefined) return known;
    // 0 while in progress: a cycle is reported by the standard NoFragmentCycles rule.
    this.fragments.set(name, 0);
    const definition = this.context.getFragment(name);
    const type = definition && this.context.getSchema().getType(definition.typeCondition.name.value);
    const cost = definition && type && isCompositeType(type) ? this.selectionCost(definition.selectionSet, type) : 0;
    this.fragments.set(name, cost);
    return cost;
  }

  private fieldCost(node: FieldNode, parent: GraphQLCompositeType): number {
    if (node.name.value === "__typename") return 1;
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
    if (!definition) return 1; // unknown fields are reported by the standard FieldsOnCorrectType rule
    const childType = getNamedType(definition.type);
    const children = node.selectionSet && isCompositeType(childType) ? this.selectionCost(node.selectionSet, childType) : 0;
    return 1 + multiplier(this.variables, node, definition, parent) * children;
  }
}

function multiplier(
  variables: Record<string, unknown>, node: FieldNode, definition: GraphQLField<unknown, unknown>, parent: GraphQLCompositeType,
): number {
  const firstArgument = definition.args.find((arg) => arg.name === "first");
  if (firstArgument) {
    const given = node.arguments?.find((arg) => arg.name.value === "first")?.value;
    const value = given?.kind === Kind.INT ? Number(given.value)
      : given?.kind === Kind.VARIABLE ? variables[given.name.value] : firstArgument.defaultValue;
    return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : DEFAULT_PAGE_SIZE;
  }
  if (!isListType(getNullableType(definition.type)) || parent.name.endsWith("Connection")) return 1;
  const field = `${parent.name}.${node.name.value}`;
  return VALUE_LISTS.has(field) ? 1 : LIST_SIZES[field] ?? LIST_FACTOR;
}
