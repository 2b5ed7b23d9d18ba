// The Pothos builder: plugins and scalars only; every type lives in graphql/types/<type>.ts.
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { db } from "../db/client.ts";
import type PrismaTypes from "../generated/pothos-types.ts";
import { getDatamodel } from "../generated/pothos-types.ts";

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
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
    limit: { complexity: 20_000, depth: 12, breadth: 200 },
  },
});

builder.scalarType("DateTime", {
  serialize: (d) => d.toISOString(),
  parseValue: (v) => new Date(String(v)),
});

builder.queryType({});
