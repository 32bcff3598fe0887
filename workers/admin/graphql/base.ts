// The module every other one extends: the root types, scalars and pagination types.
import type { GraphQLModule } from "./module";
import { DateTimeScalar, JSONScalar, scalarTypeDefs } from "./scalars";

export const typeDefs = /* GraphQL */ `
  ${scalarTypeDefs}

  "Reads. Every field checks the caller's membership of the owning team."
  type Query

  "Changes. Each commits atomically with an audit record, then publishes to affected environments."
  type Mutation

  "Pagination of a list: pass endCursor as \`after\` to get the next page (first: 1..100, default 25)."
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }
`;

export const resolvers = { DateTime: DateTimeScalar, JSON: JSONScalar };

export const baseModule: GraphQLModule = { typeDefs, resolvers };
