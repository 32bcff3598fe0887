// The shape of a GraphQL domain module (see schema.ts for how modules are added).
import type { GraphQLResolveInfo, GraphQLScalarType } from "graphql";
import type { ControlContext } from "./context";

// Parents and arguments are typed inside each resolver (`(parent: UserRow, args: { id: string }, ctx)`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FieldResolver = (parent: any, args: any, ctx: ControlContext, info: GraphQLResolveInfo) => unknown;

export type ModuleResolvers = Record<string, Record<string, FieldResolver> | GraphQLScalarType>;

export interface GraphQLModule {
  /** SDL: new types plus `extend type Query` / `extend type Mutation` (and extensions of other modules' types). */
  typeDefs: string;
  resolvers: ModuleResolvers;
}
