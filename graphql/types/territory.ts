import { GraphQLError } from "graphql";
import { db } from "../../db/client.ts";
import { findTerritory } from "../../db/territories.ts";
import { builder } from "../builder.ts";

export const Territory = builder.prismaObject("Territory", {
  fields: (t) => ({
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    nameFr: t.exposeString("nameFr", { nullable: true }),
    level: t.exposeString("level"),
    parent: t.relation("parent", { nullable: true }),
    ancestors: t.prismaField({
      type: ["Territory"],
      description: "Ancestors in the geographic tree, nearest first",
      select: (_args, _ctx, nestedSelection) => ({
        ancestors: { orderBy: { distance: "asc" }, select: { ancestor: nestedSelection() } },
      }),
      resolve: (_query, territory) => territory.ancestors.map((a) => a.ancestor),
    }),
  }),
});

builder.queryField("territory", (t) =>
  t.prismaField({
    type: "Territory",
    nullable: true,
    description: "A territory by any identifier: FR, FRA, 250, FRH02, 29019, FR-BRE, or scheme:value (insee-region:53)",
    args: { code: t.arg.string({ required: true }) },
    resolve: async (query, _root, { code }) => {
      if (code.length > 100) throw new GraphQLError("code is longer than 100 characters", { extensions: { code: "BAD_USER_INPUT" } });
      const found = await findTerritory(db(), code);
      return found ? db().prisma.territory.findUnique({ ...query, where: { id: found.id } }) : null;
    },
  }),
);
