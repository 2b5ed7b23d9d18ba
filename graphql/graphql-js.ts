// graphql-js, loaded the way Pothos and yoga load it. graphql 16 has no "exports" map: Node resolves
// it to the CommonJS build, while vite (vitest) picks the .mjs one, and a GraphQLError made by one
// copy is not an instanceof the other's, so yoga would mask it. Requiring it gives the same copy.
import { createRequire } from "node:module";

const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

export const { GraphQLError, printSchema } = graphql;
export type GraphQLError = import("graphql").GraphQLError;
