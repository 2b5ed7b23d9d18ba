// Cross-source comparison (Query.compare) and rankings of territories (Query.rankings).
import { fromTonnes, type MassUnit } from "../../core/mass-unit.ts";
import { isOutlier, median, spread } from "../../core/stats.ts";
import { db } from "../../db/client.ts";
import { territoriesById } from "../../db/queries/indicators.ts";
import type { ReleaseRow } from "../../db/queries/releases.ts";
import type { Territory as TerritoryRow } from "../../generated/prisma/client.ts";
import { rollups } from "../aggregates.ts";
import { builder } from "../builder.ts";
import { lookupTerritory, territoriesAtLevel } from "../catalog.ts";
import { rankLevel, topAtLevel } from "../derived.ts";
import { checkPageSize, clientError } from "../errors.ts";
import { reference } from "../request-cache.ts";
import { GwpSet as GwpSetEnum, MassUnit as MassUnitEnum, ValueStatus } from "./enums.ts";
import { Release, Source } from "./source.ts";
import { Territory } from "./territory.ts";

interface ComparedValue {
  source: string;
  release: ReleaseRow;
  tonnes: number;
  gwp: string | null;
  status: "REPORTED" | "DERIVED" | "PARTIAL";
}

interface ComparisonShape {
  territory: TerritoryRow;
  year: number;
  unit: MassUnit;
  threshold: number;
  values: ComparedValue[];
  skipped: { source: string; reason: string; code: string }[];
}

const SkippedSource = builder.objectRef<ComparisonShape["skipped"][number]>("SkippedSource").implement({
  description:
    "A source with data for the slice whose value cannot be shown as asked (e.g. CO2e under another GWP set)",
  fields: (t) => ({ source: t.exposeString("source"), code: t.exposeString("code"), reason: t.exposeString("reason") }),
});

const ComparisonValue = builder
  .objectRef<{ v: ComparedValue; of: ComparisonShape; median: number | null }>("ComparisonValue")
  .implement({
    fields: (t) => ({
      source: t.field({ type: Source, resolve: async (x, _a, ctx) => (await reference(ctx)).sources.get(x.v.source)! }),
      release: t.field({ type: Release, resolve: (x) => x.v.release }),
      value: t.float({ resolve: (x) => fromTonnes(x.v.tonnes, x.of.unit) }),
      gwp: t.string({
        nullable: true,
        description: "GWP set of a CO2e value; null for a mass",
        resolve: (x) => x.v.gwp,
      }),
      status: t.field({ type: ValueStatus, resolve: (x) => x.v.status }),
      ratioToMedian: t.float({ nullable: true, resolve: (x) => (x.median ? x.v.tonnes / x.median : null) }),
      outlier: t.boolean({
        description: "departs from the median of the sources by more than the threshold",
        resolve: (x) => isOutlier(x.v.tonnes, x.median, x.of.threshold),
      }),
    }),
  });

const Comparison = builder.objectRef<ComparisonShape>("Comparison").implement({
  description: "Every source's value for one territory, sector, gas and year, side by side",
  fields: (t) => ({
    territory: t.field({ type: Territory, resolve: (c) => c.territory }),
    year: t.exposeInt("year"),
    unit: t.field({ type: MassUnitEnum, resolve: (c) => c.unit }),
    values: t.field({
      type: [ComparisonValue],
      resolve: (c) => {
        const m = median(c.values.map((v) => v.tonnes));
        return c.values.map((v) => ({ v, of: c, median: m }));
      },
    }),
    median: t.float({ nullable: true, resolve: (c) => valueOrNull(median(c.values.map((v) => v.tonnes)), c.unit) }),
    min: t.float({
      nullable: true,
      resolve: (c) => (c.values.length ? fromTonnes(Math.min(...c.values.map((v) => v.tonnes)), c.unit) : null),
    }),
    max: t.float({
      nullable: true,
      resolve: (c) => (c.values.length ? fromTonnes(Math.max(...c.values.map((v) => v.tonnes)), c.unit) : null),
    }),
    spread: t.float({
      nullable: true,
      description: "max - min of the values",
      resolve: (c) => valueOrNull(spread(c.values.map((v) => v.tonnes))?.range ?? null, c.unit),
    }),
    relativeSpread: t.float({
      nullable: true,
      description: "(max - min) / median",
      resolve: (c) => spread(c.values.map((v) => v.tonnes))?.relative ?? null,
    }),
    mixedGwpSets: t.boolean({
      description: "true when the values are CO2e under different GWP sets: give gwp to compare like with like",
      resolve: (c) => new Set(c.values.filter((v) => v.gwp).map((v) => v.gwp)).size > 1,
    }),
    skipped: t.field({ type: [SkippedSource], resolve: (c) => c.skipped }),
  }),
});

const valueOrNull = (tonnes: number | null, unit: MassUnit) => (tonnes === null ? null : fromTonnes(tonnes, unit));

builder.queryField("compare", (t) =>
  t.field({
    type: Comparison,
    description:
      "Cross-source comparison: every source's value with the median, spread, ratio to the median and an outlier flag",
    args: {
      territory: t.arg.string({ required: true }),
      gas: t.arg.string(),
      sector: t.arg.string(),
      year: t.arg.int({ required: true }),
      gwp: t.arg({ type: GwpSetEnum }),
      unit: t.arg({ type: MassUnitEnum, defaultValue: "T" }),
      asOf: t.arg({ type: "DateTime" }),
      outlierThreshold: t.arg.float({ defaultValue: 0.2, description: "relative distance to the median (0.2 = 20%)" }),
    },
    resolve: async (_root, args, ctx) => {
      if (args.territory.length > 100) throw clientError("BAD_USER_INPUT", "territory is longer than 100 characters");
      const found = await lookupTerritory(args.territory);
      if (!found) throw clientError("NOT_FOUND", `no territory has the identifier ${JSON.stringify(args.territory)}`);
      const all = await rollups(ctx, [found.id], args, [args.sector ?? null], [args.gas ?? null]);
      const values: ComparedValue[] = [];
      const skipped: ComparisonShape["skipped"] = [];
      for (const p of all.get(found.id)!.parts) {
        if (p.result instanceof Error) {
          const code = String((p.result as { extensions?: { code?: string } }).extensions?.code ?? "ERROR");
          skipped.push({ source: p.source, reason: p.result.message, code });
        } else
          values.push({
            source: p.source,
            release: p.release,
            tonnes: p.result.value.tonnes,
            gwp: p.result.value.gwp,
            status: p.result.status,
          });
      }
      values.sort((a, b) => a.source.localeCompare(b.source));
      return {
        territory: found,
        year: args.year,
        unit: args.unit ?? "T",
        threshold: args.outlierThreshold ?? 0.2,
        values,
        skipped,
      };
    },
  }),
);

interface RankShape {
  rank: number;
  territory: TerritoryRow;
  tonnes: number;
  perCapita: number | null;
  gwp: string | null;
  status: "REPORTED" | "DERIVED" | "PARTIAL";
  source: string;
  unit: MassUnit;
}

const Ranking = builder.objectRef<RankShape>("Ranking").implement({
  fields: (t) => ({
    rank: t.exposeInt("rank"),
    territory: t.field({ type: Territory, resolve: (r) => r.territory }),
    value: t.float({
      description: "the ranked value: the total, or the total per person",
      resolve: (r) => r.perCapita ?? fromTonnes(r.tonnes, r.unit),
    }),
    total: t.float({ resolve: (r) => fromTonnes(r.tonnes, r.unit) }),
    gwp: t.string({ nullable: true, resolve: (r) => r.gwp }),
    status: t.field({
      type: ValueStatus,
      description: "REPORTED, or with rollUp DERIVED / PARTIAL for a total rolled up from the children",
      resolve: (r) => r.status,
    }),
    source: t.exposeString("source"),
  }),
});

builder.queryField("rankings", (t) =>
  t.field({
    type: [Ranking],
    description:
      "Territories of one level ranked by their value (or per capita) for a slice, largest first: reported values, or with rollUp reported-else-derived totals",
    args: {
      level: t.arg.string({ required: true }),
      year: t.arg.int({ required: true }),
      gas: t.arg.string(),
      sector: t.arg.string(),
      source: t.arg.string({ description: "needed when several sources have values at this level" }),
      perCapita: t.arg.boolean({ defaultValue: false }),
      rollUp: t.arg.boolean({
        defaultValue: false,
        description:
          "also rank territories without a reported value, by their total rolled up from their children (status DERIVED or PARTIAL)",
      }),
      release: t.arg.string({ description: "a release id or version of the source" }),
      asOf: t.arg({ type: "DateTime" }),
      gwp: t.arg({ type: GwpSetEnum }),
      unit: t.arg({ type: MassUnitEnum, defaultValue: "T" }),
      first: t.arg.int({ defaultValue: 20 }),
    },
    resolve: async (_root, args, ctx) => {
      checkPageSize(args.first);
      const first = args.first ?? 20;
      const ranking = (await topAtLevel(ctx, args, first)) ?? (await rankLevel(ctx, args));
      const top = ranking.ranked.slice(0, first);
      // the ranked territories are the level's, which the catalog holds (read here only those added
      // to the level by another process since the catalog was read)
      const { byId } = await territoriesAtLevel(args.level);
      const added = await territoriesById(
        db(),
        top.map((r) => r.territoryId).filter((id) => !byId.has(id)),
      );
      return top.map((r, i) => ({
        rank: i + 1,
        territory: (byId.get(r.territoryId) ?? added.get(r.territoryId))!,
        tonnes: r.tonnes,
        perCapita: r.perCapita,
        gwp: r.gwp,
        status: r.status,
        source: ranking.source ?? "",
        unit: ranking.unit,
      }));
    },
  }),
);
