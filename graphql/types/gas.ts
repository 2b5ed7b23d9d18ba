// Gas and its global warming potentials; Query.gases.
import { db } from "../../db/client.ts";
import { builder } from "../builder.ts";
import { reference } from "../request-cache.ts";

export const GwpValue = builder.prismaObject("GwpValue", {
  description: "Global warming potential of a gas under one IPCC assessment and horizon",
  fields: (t) => ({
    set: t.exposeString("set", { description: "SAR | TAR | AR4 | AR5 | AR5CCF | AR6" }),
    horizon: t.exposeInt("horizon", { description: "years: 20, 100 or 500" }),
    name: t.string({ description: "as the gwp argument names it: AR6_100", resolve: (v) => `${v.set}_${v.horizon}` }),
    value: t.exposeFloat("value"),
  }),
});

export const Gas = builder.prismaObject("Gas", {
  description: "A gas or a basket of gases (HFCS, FGASES, GHG)",
  fields: (t) => ({
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    isBasket: t.exposeBoolean("isBasket"),
    gwps: t.relation("gwps", {
      args: { set: t.arg.string({ description: "SAR, AR4, AR5, AR6 ..." }) },
      query: (args) => ({
        where: args.set ? { set: args.set } : {},
        orderBy: [{ set: "asc" }, { horizon: "asc" }],
      }),
    }),
  }),
});

builder.prismaObjectField(Gas, "basket", (t) =>
  t.field({
    type: Gas,
    nullable: true,
    description: "The basket this gas is part of (CH4 -> GHG, SF6 -> FGASES)",
    resolve: async (gas, _args, ctx) => {
      const ref = await reference(ctx);
      const parentId = ref.gasTree.find((g) => g.id === gas.id)?.parentId;
      return parentId == null ? null : (ref.gasById.get(parentId) ?? null);
    },
  }),
);

builder.queryField("gases", (t) =>
  t.prismaField({
    type: ["Gas"],
    description: "Every gas and basket, with its GWP values per set",
    resolve: (query) => db().prisma.gas.findMany({ ...query, orderBy: { id: "asc" } }),
  }),
);
