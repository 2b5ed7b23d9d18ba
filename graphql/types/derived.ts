// Derived metrics on Territory: cumulative, shareOfWorld, change and rank, each batched over all
// the territories of a request (graphql/derived.ts).
import { fromTonnes } from "../../core/mass-unit.ts";
import type { Territory as TerritoryRow } from "../../generated/prisma/client.ts";
import { builder } from "../builder.ts";
import {
  type ChangeShape,
  type CumulativeShape,
  changes,
  cumulatives,
  type LevelRanking,
  type RankedValue,
  rankLevel,
  type ShareShape,
  sharesOfWorld,
} from "../derived.ts";
import { reference } from "../request-cache.ts";
import { Aggregate, sliceArgs } from "./aggregate.ts";
import { MassUnit as MassUnitEnum, ValueStatus } from "./enums.ts";
import { Release, Source } from "./source.ts";

const Cumulative = builder.objectRef<CumulativeShape>("Cumulative").implement({
  description:
    "A territory's sum over the years up to yearTo for one slice and source, each year reported or rolled up from its children",
  fields: (t) => ({
    value: t.float({ resolve: (c) => fromTonnes(c.value.tonnes, c.unit) }),
    unit: t.field({ type: MassUnitEnum, resolve: (c) => c.unit }),
    gwp: t.string({
      nullable: true,
      description: "GWP set of a CO2e sum; null for a mass of `gas`",
      resolve: (c) => c.value.gwp,
    }),
    gas: t.string({ description: "the gas of a mass, or CO2e", resolve: (c) => c.value.gas }),
    gases: t.stringList({ resolve: (c) => c.value.gases }),
    firstYear: t.exposeInt("firstYear", { description: "first year with a value in the range" }),
    lastYear: t.exposeInt("lastYear", { description: "last year with a value in the range" }),
    yearTo: t.exposeInt("yearTo"),
    years: t.exposeInt("years", { description: "number of years summed (years without a value are not counted)" }),
    status: t.field({
      type: ValueStatus,
      description: "REPORTED when every year is; PARTIAL when any year is; else DERIVED",
      resolve: (c) => c.status,
    }),
    source: t.field({ type: Source, resolve: async (c, _a, ctx) => (await reference(ctx)).sources.get(c.source)! }),
    release: t.field({ type: Release, resolve: (c) => c.release }),
  }),
});

const Change = builder.objectRef<ChangeShape>("Change").implement({
  description: "The change of a territory's total between two years, from one source",
  fields: (t) => ({
    fromYear: t.int({ resolve: (c) => c.from.year }),
    toYear: t.int({ resolve: (c) => c.to.year }),
    from: t.field({ type: Aggregate, resolve: (c) => c.from }),
    to: t.field({ type: Aggregate, resolve: (c) => c.to }),
    absolute: t.float({
      description: "to - from, in the asked unit",
      resolve: (c) => fromTonnes(c.to.rollup.value.tonnes - c.from.rollup.value.tonnes, c.to.unit),
    }),
    percent: t.float({
      nullable: true,
      description: "(to - from) / from x 100; null when from is 0",
      resolve: (c) => {
        const a = c.from.rollup.value.tonnes;
        return a === 0 ? null : ((c.to.rollup.value.tonnes - a) / Math.abs(a)) * 100;
      },
    }),
    unit: t.field({ type: MassUnitEnum, resolve: (c) => c.to.unit }),
  }),
});

const WorldBasis = builder.enumType("WorldBasis", {
  description: "Where the World total a share is divided by comes from",
  values: {
    REPORTED: { description: "the source's own World total" },
    SUM_OF_COUNTRIES: {
      description:
        "the source reports no World total: the sum of the territories it reports below World (its countries, or a country's regions where the country itself is not reported)",
    },
  },
});

const ShareOfWorld = builder.objectRef<ShareShape>("ShareOfWorld").implement({
  description: "A territory's total over World's total for the same slice, source and release",
  fields: (t) => ({
    share: t.float({
      description: "territory / World, a fraction (0.0091 = 0.91%)",
      resolve: (s) => s.aggregate.rollup.value.tonnes / s.world.rollup.value.tonnes,
    }),
    percent: t.float({ resolve: (s) => (s.aggregate.rollup.value.tonnes / s.world.rollup.value.tonnes) * 100 }),
    worldBasis: t.field({
      type: WorldBasis,
      resolve: (s) => (s.world.rollup.status === "REPORTED" ? "REPORTED" : "SUM_OF_COUNTRIES"),
    }),
    total: t.field({ type: Aggregate, description: "the territory's total", resolve: (s) => s.aggregate }),
    world: t.field({
      type: Aggregate,
      description: "World's total (its status and coverage say how it was obtained)",
      resolve: (s) => s.world,
    }),
  }),
});

const Rank = builder.objectRef<{ ranking: LevelRanking; value: RankedValue; rank: number }>("Rank").implement({
  description: "A territory's place among the territories of a level for a slice, largest first",
  fields: (t) => ({
    rank: t.int({ description: "1 = largest", resolve: (r) => r.rank }),
    of: t.int({
      description: "number of territories of the level with a value",
      resolve: (r) => r.ranking.ranked.length,
    }),
    level: t.string({ resolve: (r) => r.ranking.level }),
    value: t.float({
      description: "the ranked value: the total in the asked unit, or the total per person",
      resolve: (r) => r.value.perCapita ?? fromTonnes(r.value.tonnes, r.ranking.unit),
    }),
    total: t.float({ resolve: (r) => fromTonnes(r.value.tonnes, r.ranking.unit) }),
    unit: t.field({ type: MassUnitEnum, resolve: (r) => r.ranking.unit }),
    gwp: t.string({ nullable: true, resolve: (r) => r.value.gwp }),
    status: t.field({ type: ValueStatus, resolve: (r) => r.value.status }),
    source: t.string({ nullable: true, resolve: (r) => r.ranking.source }),
  }),
});

builder.prismaObjectFields("Territory", (t) => {
  const slice = sliceArgs(t.arg);
  return {
    cumulative: t.loadable({
      type: Cumulative,
      nullable: true,
      byPath: true,
      description:
        "The sum over the years from yearFrom (default: the first year published) up to yearTo, each year reported or rolled up",
      args: { ...slice, yearFrom: t.arg.int(), yearTo: t.arg.int({ required: true }) },
      load: (ids: number[], ctx, a) => cumulatives(ctx, ids, a),
      resolve: (territory) => territory.id,
    }),
    change: t.loadable({
      type: Change,
      nullable: true,
      byPath: true,
      description: "The change of the total between two years (absolute and percent), from one source",
      args: { ...slice, from: t.arg.int({ required: true }), to: t.arg.int({ required: true }) },
      load: (ids: number[], ctx, a) => changes(ctx, ids, a),
      resolve: (territory) => territory.id,
    }),
    shareOfWorld: t.loadable({
      type: ShareOfWorld,
      nullable: true,
      byPath: true,
      description:
        "The total over World's (001) for the same slice and source; where the source reports no World, over the sum of its countries (worldBasis says which)",
      args: { ...slice, year: t.arg.int({ required: true }) },
      load: (ids: number[], ctx, a) => sharesOfWorld(ctx, ids, a),
      resolve: (territory) => territory.id,
    }),
    rank: t.loadable({
      type: Rank,
      nullable: true,
      byPath: true,
      description:
        "The territory's rank among the territories of a level (default its own) for a slice: by reported values, or with rollUp by reported-else-derived totals",
      args: {
        ...slice,
        year: t.arg.int({ required: true }),
        level: t.arg.string({ description: "default: the territory's own level" }),
        rollUp: t.arg.boolean({
          defaultValue: false,
          description: "rank territories without a reported value by their total rolled up from their children",
        }),
        perCapita: t.arg.boolean({ defaultValue: false }),
      },
      load: async (keys: string[], ctx, a) =>
        Promise.all(
          keys.map(async (key) => {
            const [level, id] = splitKey(key);
            const ranking = await rankLevel(ctx, { ...a, level: a.level ?? level });
            const rank = ranking.rankOf.get(id);
            return rank ? { ranking, value: ranking.ranked[rank - 1], rank } : null;
          }),
        ),
      resolve: (territory: TerritoryRow) => `${territory.id}|${territory.level}`,
    }),
  };
});

function splitKey(key: string): [string, number] {
  const at = key.indexOf("|");
  return [key.slice(at + 1), Number(key.slice(0, at))];
}
