// The Pothos builder: plugins, limits and scalars only; every type lives in graphql/types/<type>.ts.
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { db } from "../db/client.ts";
import type PrismaTypes from "../generated/pothos-types.ts";
import { getDatamodel } from "../generated/pothos-types.ts";
import { GraphQLError } from "./graphql-js.ts";

/** Per-request state only (request caches key on this object); the database client is never here. */
export type Context = object;

/** Query limits, exported for the tests and the documentation. */
export const LIMITS = { complexity: 50_000, depth: 10, breadth: 150, aliases: 50, pageSize: 500 };

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [PrismaPlugin, RelayPlugin, ComplexityPlugin, DataloaderPlugin],
  prisma: {
    client: () => db().prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: { clientMutationId: "omit", cursorType: "String" },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: { complexity: LIMITS.complexity, depth: LIMITS.depth, breadth: LIMITS.breadth },
    complexityError: (kind, r) => {
      const [code, what, value, max] =
        kind === "Depth"
          ? ["QUERY_TOO_DEEP", "depth", r.depth, r.maxDepth]
          : kind === "Breadth"
            ? ["QUERY_TOO_BROAD", "breadth (number of fields)", r.breadth, r.maxBreadth]
            : ["QUERY_TOO_COMPLEX", "cost", r.complexity, r.maxComplexity];
      return new GraphQLError(`query ${what} is ${value}, above the limit of ${max}: ask for less in one request`, {
        extensions: { code, [String(what).split(" ")[0]]: value, limit: max },
      });
    },
  },
});

builder.scalarType("DateTime", {
  serialize: (d) => (d instanceof Date ? d.toISOString() : new Date(String(d)).toISOString()),
  parseValue: (v) => {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime()))
      throw new GraphQLError(`not a date: ${v}`, { extensions: { code: "BAD_USER_INPUT" } });
    return d;
  },
});

builder.queryType({});
