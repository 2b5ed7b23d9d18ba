// graphql-js, loaded the way Pothos and yoga load it. graphql 16 has no "exports" map: Node resolves
// it to the CommonJS build, while vite (vitest) picks the .mjs one, and a GraphQLError made by one
// copy is not an instanceof the other's, so yoga would mask it. Requiring it gives the same copy.
import { createRequire } from "node:module";

const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

export const { GraphQLError, printSchema, getOperationAST } = graphql;
export const { getVariableValues } = createRequire(import.meta.url)(
  "graphql/execution/values",
) as typeof import("graphql/execution/values");
export type GraphQLError = import("graphql").GraphQLError;
