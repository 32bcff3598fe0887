// Custom scalars. DateTime: ISO-8601 strings in UTC (`2026-01-01T00:00:00.000Z`), accepting Date
// objects and epoch milliseconds from resolvers. JSON: any JSON value, as-is.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";

export const scalarTypeDefs = /* GraphQL */ `
  "An instant, ISO-8601 in UTC, e.g. 2026-01-01T00:00:00.000Z."
  scalar DateTime
  "Any JSON value."
  scalar JSON
`;

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === "number" || typeof value === "string" ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError("DateTime cannot represent this value");
    return date.toISOString();
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an ISO-8601 string", { nodes: ast });
    return parseDate(ast.value);
  },
});

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: "JSON",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalValue(ast, variables ?? undefined),
});

function parseDate(value: unknown): Date {
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError("DateTime must be an ISO-8601 string with a time, e.g. 2026-01-01T00:00:00Z", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  return date;
}

function literalValue(ast: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING: case Kind.BOOLEAN: case Kind.ENUM: return ast.value;
    case Kind.INT: case Kind.FLOAT: return Number(ast.value);
    case Kind.NULL: return null;
    case Kind.LIST: return ast.values.map((item) => literalValue(item, variables));
    case Kind.OBJECT: return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalValue(field.value, variables)]));
    case Kind.VARIABLE: return variables?.[ast.name.value];
  }
}
