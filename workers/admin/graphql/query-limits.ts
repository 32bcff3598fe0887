// Depth and cost limits, enforced as validation rules before anything executes.
//
// Depth: nesting of fields in an operation (fragments followed), `{ me { id } }` has depth 2.
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
// Fragment branches are all counted. Introspection fields (`__schema`, `__type`, ...) are exempt
// from both limits, so GraphiQL works.
// Resulting figures (docs/DESIGN.md, "Query limits"): the admin app's features page (25 features with
// variants, stages with their environment and rules with conditions and serve) costs about 4,000;
// the same at first: 100, or lists nested through prerequisites, exceed MAX_COST.
import {
  getNamedType, getNullableType, GraphQLError, isCompositeType, isInterfaceType, isListType, isObjectType, Kind,
  type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField, type SelectionSetNode,
  type ValidationContext, type ValidationRule,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { DEFAULT_PAGE_SIZE } from "../core/pagination";

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

export function depthLimitRule(maxDepth = MAX_DEPTH): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = selectionDepth(context, operation.selectionSet, new Set());
      if (depth > maxDepth) {
        context.reportError(new GraphQLError(
          `Query depth ${depth} exceeds the maximum depth of ${maxDepth}`,
          { nodes: operation, extensions: { code: "QUERY_TOO_DEEP", depth, maxDepth } },
        ));
      }
    },
  });
}

export function costLimitRule(variables: Record<string, unknown>, maxCost = MAX_COST): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root = operation.operation === "query" ? context.getSchema().getQueryType()
        : operation.operation === "mutation" ? context.getSchema().getMutationType()
          : context.getSchema().getSubscriptionType();
      if (!root) return;
      const cost = selectionCost(context, variables, operation.selectionSet, root, new Set());
      if (cost > maxCost) {
        context.reportError(new GraphQLError(
          `Query cost ${cost} exceeds the maximum cost of ${maxCost}; request smaller pages (first) or fewer nested lists`,
          { nodes: operation, extensions: { code: "QUERY_TOO_COSTLY", cost, maxCost } },
        ));
      }
    },
  });
}

/** Adds both rules to every validation; the cost rule sees the request's variables. */
export function useQueryLimits(): Plugin {
  return {
    onValidate({ addValidationRule, context }) {
      const params = (context as { params?: { variables?: Record<string, unknown> } }).params;
      addValidationRule(depthLimitRule());
      addValidationRule(costLimitRule(params?.variables ?? {}));
    },
  };
}

function fragment(context: ValidationContext, name: string, seen: Set<string>): FragmentDefinitionNode | null {
  if (seen.has(name)) return null; // cycles are reported by the standard NoFragmentCycles rule
  return context.getFragment(name) ?? null;
}

function selectionDepth(context: ValidationContext, set: SelectionSetNode, seen: Set<string>): number {
  let max = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      max = Math.max(max, 1 + (selection.selectionSet ? selectionDepth(context, selection.selectionSet, seen) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, selectionDepth(context, selection.selectionSet, seen));
    } else {
      const definition = fragment(context, selection.name.value, seen);
      if (definition) max = Math.max(max, selectionDepth(context, definition.selectionSet, new Set([...seen, selection.name.value])));
    }
  }
  return max;
}

function selectionCost(
  context: ValidationContext, variables: Record<string, unknown>, set: SelectionSetNode,
  parent: GraphQLCompositeType, seen: Set<string>,
): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      total += fieldCost(context, variables, selection, parent, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) total += selectionCost(context, variables, selection.selectionSet, type, seen);
    } else {
      const definition = fragment(context, selection.name.value, seen);
      const type = definition && context.getSchema().getType(definition.typeCondition.name.value);
      if (definition && type && isCompositeType(type)) {
        total += selectionCost(context, variables, definition.selectionSet, type, new Set([...seen, selection.name.value]));
      }
    }
  }
  return total;
}

function fieldCost(
  context: ValidationContext, variables: Record<string, unknown>, node: FieldNode, parent: GraphQLCompositeType,
  seen: Set<string>,
): number {
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
  if (!definition) return 1; // unknown fields are reported by the standard FieldsOnCorrectType rule
  const childType = getNamedType(definition.type);
  const children = node.selectionSet && isCompositeType(childType)
    ? selectionCost(context, variables, node.selectionSet, childType, seen) : 0;
  return 1 + multiplier(variables, node, definition, parent) * children;
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
