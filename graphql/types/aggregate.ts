// Aggregate (a rolled-up total with status and coverage), Breakdown, and the Territory fields that
// return them: total, breakdown, perCapita, perGdp. Each batches all territories of a request.
import type { ArgBuilder } from "@pothos/core";
import { fromTonnes, type MassUnit } from "../../core/mass-unit.ts";
import { populationShare, type Rollup } from "../../core/rollup.ts";
import { db } from "../../db/client.ts";
import { rejectsNaming } from "../../db/queries/derived.ts";
import type { ChildRow } from "../../db/queries/indicators.ts";
import { populations, territoriesById } from "../../db/queries/indicators.ts";
import type { ReleaseRow } from "../../db/queries/releases.ts";
import type { RejectedRow as RejectedRowModel, Territory as TerritoryRow } from "../../generated/prisma/client.ts";
import { type AggregateShape, oneSource, type RollupDetail, rollups, type SliceArgs, totals } from "../aggregates.ts";
import { builder, type Context } from "../builder.ts";
import { indicatorValues } from "../catalog.ts";
import { reference } from "../request-cache.ts";
import { BreakdownBy, GwpSet, MassUnit as MassUnitEnum, ValueStatus } from "./enums.ts";
import { RejectedRow, Release, Source } from "./source.ts";
import { Territory } from "./territory.ts";

const toTerritory = (c: ChildRow): TerritoryRow => ({
  id: c.id,
  code: c.code,
  level: c.level,
  name: c.name,
  nameFr: c.nameFr,
  parentId: c.parentId,
  depth: c.depth,
});

/** The coverage counts when the precomputed roll-up knew them; the whole roll-up only when a field needs it. */
type CoverageShape = Pick<AggregateShape, "release" | "year" | "counts" | "detail">;

const Coverage = builder.objectRef<CoverageShape>("Coverage").implement({
  description: "How much of a territory's children have a value for the slice",
  fields: (t) => ({
    children: t.int({ resolve: async (c) => c.counts?.children ?? (await c.detail()).rollup.coverage.children }),
    childrenWithData: t.int({
      resolve: async (c) => c.counts?.childrenWithData ?? (await c.detail()).rollup.coverage.childrenWithData,
    }),
    populationShare: t.loadable({
      type: "Float",
      nullable: true,
      description: "population of the children with data over the population of all children (nearest year)",
      load: (keys: string[]) => populationShares(keys),
      resolve: async (c) => {
        const { children, rollup } = await c.detail();
        return JSON.stringify([c.year, children.map((child) => child.id), [...rollup.childValues.keys()]]);
      },
    }),
    missing: t.field({
      type: [Territory],
      description: "children without a value (not published, or rejected at load)",
      resolve: async (c) => missingOf(await c.detail()).map(toTerritory),
    }),
    missingRejected: t.loadableList({
      type: MissingChild,
      description:
        "each child without a value, with the rows of the run that loaded this release that name it and were rejected (empty when it was simply not published)",
      args: { first: t.arg.int({ defaultValue: 5, description: "rejected rows per child, in file order" }) },
      load: (keys: string[], _ctx) => missingChildren(keys),
      resolve: async (c, args) =>
        JSON.stringify([
          c.release.runId,
          Math.min(Math.max(args.first ?? 5, 0), 100),
          missingOf(await c.detail()).map((m) => m.id),
        ]),
    }),
  }),
});

function missingOf(c: RollupDetail): ChildRow[] {
  const missing = new Set(c.rollup.coverage.missing);
  return c.children.filter((child) => missing.has(child.id));
}

/** Keys: [year, child ids, ids of the children with data]; one statement per year for a whole request. */
async function populationShares(keys: string[]): Promise<(number | null)[]> {
  const parsed = keys.map((k) => JSON.parse(k) as [number, number[], number[]]);
  const byYear = new Map<number, Map<number, number | null>>();
  for (const year of new Set(parsed.map((p) => p[0]))) {
    const ids = new Set(parsed.filter((p) => p[0] === year).flatMap((p) => p[1]));
    byYear.set(year, await populations(db(), [...ids], year));
  }
  return parsed.map(([year, children, withData]) => populationShare(children, new Set(withData), byYear.get(year)!));
}

interface MissingChildShape {
  territory: TerritoryRow;
  rejects: RejectedRowModel[];
}

const MissingChild = builder.objectRef<MissingChildShape>("MissingChild").implement({
  description: "A child without a value for a slice, and the rejected rows of the load that name it",
  fields: (t) => ({
    territory: t.field({ type: Territory, resolve: (m) => m.territory }),
    rejected: t.boolean({
      description: "true when rows naming this territory were rejected: its value was published but not loaded",
      resolve: (m) => m.rejects.length > 0,
    }),
    rejects: t.field({ type: [RejectedRow], resolve: (m) => m.rejects }),
  }),
});

/** Keys: [runId, rows per child, child ids]; one statement for all the coverages of a request. */
async function missingChildren(keys: string[]): Promise<MissingChildShape[][]> {
  const parsed = keys.map((k) => JSON.parse(k) as [number | null, number, number[]]);
  const runIds = [...new Set(parsed.map((p) => p[0]).filter((r): r is number => r !== null))];
  const childIds = [...new Set(parsed.flatMap((p) => p[2]))];
  const perChild = Math.max(0, ...parsed.map((p) => p[1]));
  const [territories, rejects] = await Promise.all([
    territoriesById(db(), childIds),
    rejectsNaming(db(), runIds, childIds, perChild),
  ]);
  return parsed.map(([runId, first, ids]) =>
    ids.map((id) => ({
      territory: territories.get(id) as TerritoryRow,
      rejects: rejects.filter((r) => r.runId === runId && r.territoryId === id).slice(0, first),
    })),
  );
}

const value = (tonnes: number | null | undefined, unit: MassUnit) => (tonnes == null ? null : fromTonnes(tonnes, unit));

export const Aggregate = builder.objectRef<AggregateShape>("Aggregate").implement({
  description:
    "A territory's total for one slice, from one source's release, rolled up along the tree when not reported",
  fields: (t) => ({
    value: t.float({ resolve: (a) => fromTonnes(a.rollup.value.tonnes, a.unit) }),
    unit: t.field({ type: MassUnitEnum, resolve: (a) => a.unit }),
    gwp: t.string({
      nullable: true,
      description: "GWP set of a CO2e value; null when the value is a mass of `gas`",
      resolve: (a) => a.rollup.value.gwp,
    }),
    gas: t.string({ description: "the gas of a mass, or CO2e", resolve: (a) => a.rollup.value.gas }),
    gases: t.stringList({ description: "gases summed", resolve: (a) => a.rollup.value.gases }),
    year: t.exposeInt("year"),
    status: t.field({ type: ValueStatus, resolve: (a) => a.rollup.status }),
    reported: t.float({ nullable: true, resolve: (a) => value(a.rollup.reported?.tonnes, a.unit) }),
    sumOfChildren: t.float({
      nullable: true,
      resolve: async (a) => value((await a.detail()).rollup.children?.tonnes, a.unit),
    }),
    reportedMinusChildren: t.float({
      nullable: true,
      description: "reported value minus the sum of the children's values, when both exist",
      resolve: async (a) => {
        const { reported, children } = (await a.detail()).rollup;
        return reported && children ? value(reported.tonnes - children.tonnes, a.unit) : null;
      },
    }),
    coverage: t.field({
      type: Coverage,
      resolve: (a) => a,
    }),
    source: t.field({
      type: Source,
      resolve: async (a, _args, ctx) => (await reference(ctx)).sources.get(a.source)!,
    }),
    release: t.field({ type: Release, resolve: (a) => a.release }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The arguments that pick a slice of emissions, shared by every Territory field that answers one. */
export function sliceArgs(arg: ArgBuilder<Types>) {
  return {
    gas: arg.string({ description: "a gas or basket code; default all greenhouse gases (GHG)" }),
    sector: arg.string({ description: "a canonical sector code; default the total" }),
    source: arg.string({ description: "a source id; needed when several sources have values" }),
    release: arg.string({ description: "a release id or version of the source (default: its newest)" }),
    asOf: arg({ type: "DateTime", description: "the releases as loaded at this time" }),
    gwp: arg({ type: GwpSet, description: "convert masses to CO2e under this set; default as published" }),
    unit: arg({ type: MassUnitEnum, defaultValue: "T" }),
  };
}

builder.prismaObjectFields("Territory", (t) => {
  const args = { year: t.arg.int({ required: true }), ...sliceArgs(t.arg) };
  return {
    total: t.loadable({
      type: Aggregate,
      nullable: true,
      byPath: true,
      description: "The total for a slice: REPORTED, or DERIVED / PARTIAL from the children, with coverage",
      args,
      load: (ids: number[], ctx, a) => totals(ctx, ids, a),
      resolve: (territory) => territory.id,
    }),
    breakdown: t.loadable({
      type: Breakdown,
      byPath: true,
      description: "The slice broken down by sector, gas, source or child territory, with each part's share",
      args: { ...args, by: t.arg({ type: BreakdownBy, required: true }) },
      load: (ids: number[], ctx, a) => breakdowns(ctx, ids, a),
      resolve: (territory) => territory.id,
    }),
    perCapita: t.loadable({
      type: PerUnit,
      nullable: true,
      byPath: true,
      description: "The total per person (population of the nearest year), in the asked mass unit per person",
      args,
      load: (ids: number[], ctx, a) => perIndicator(ctx, ids, a, "population"),
      resolve: (territory) => territory.id,
    }),
    perGdp: t.loadable({
      type: PerUnit,
      nullable: true,
      byPath: true,
      description: "The total per unit of GDP (nearest year), in the asked mass unit per GDP unit",
      args,
      load: (ids: number[], ctx, a) => perIndicator(ctx, ids, a, "gdp"),
      resolve: (territory) => territory.id,
    }),
  };
});

interface PerUnitShape {
  aggregate: AggregateShape;
  indicator: { year: number; value: number; unit: string; sourceId: string };
}

const PerUnit = builder.objectRef<PerUnitShape>("PerUnit").implement({
  description: "A total divided by a context indicator (population, GDP)",
  fields: (t) => ({
    value: t.float({
      resolve: (p) => fromTonnes(p.aggregate.rollup.value.tonnes, p.aggregate.unit) / p.indicator.value,
    }),
    unit: t.string({
      description: "e.g. T per persons",
      resolve: (p) => `${p.aggregate.unit} per ${p.indicator.unit}`,
    }),
    indicatorYear: t.int({ resolve: (p) => p.indicator.year }),
    indicatorValue: t.float({ resolve: (p) => p.indicator.value }),
    indicatorSource: t.string({ resolve: (p) => p.indicator.sourceId }),
    total: t.field({ type: Aggregate, resolve: (p) => p.aggregate }),
  }),
});

async function perIndicator(
  ctx: Context,
  ids: readonly number[],
  args: SliceArgs,
  indicator: string,
): Promise<(PerUnitShape | Error | null)[]> {
  const [all, values] = await Promise.all([totals(ctx, ids, args), indicatorValues(ids, indicator, args.year)]);
  return ids.map((id, i) => {
    const a = all[i];
    const v = values.get(id);
    if (a === null || a instanceof Error) return a;
    return v && v.value > 0 ? { aggregate: a, indicator: v } : null;
  });
}

interface PartShape {
  code: string;
  name: string;
  tonnes: number;
  gwp: string | null;
  status: Rollup["status"];
  source: string;
  release: ReleaseRow;
  territory?: TerritoryRow;
}

interface BreakdownShape {
  by: "SECTOR" | "GAS" | "SOURCE" | "CHILD";
  unit: MassUnit;
  total: number | null;
  parts: PartShape[];
}

const BreakdownPart = builder.objectRef<{ part: PartShape; of: BreakdownShape }>("BreakdownPart").implement({
  fields: (t) => ({
    code: t.string({ description: "sector, gas, source or territory code", resolve: (p) => p.part.code }),
    name: t.string({ resolve: (p) => p.part.name }),
    value: t.float({ resolve: (p) => fromTonnes(p.part.tonnes, p.of.unit) }),
    gwp: t.string({ nullable: true, resolve: (p) => p.part.gwp }),
    share: t.float({
      nullable: true,
      description: "value over the total (null by source: sources are alternatives, not parts)",
      resolve: (p) => (p.of.by === "SOURCE" || !p.of.total ? null : p.part.tonnes / p.of.total),
    }),
    status: t.field({ type: ValueStatus, resolve: (p) => p.part.status }),
    source: t.string({ resolve: (p) => p.part.source }),
    release: t.field({ type: Release, resolve: (p) => p.part.release }),
    territory: t.field({ type: Territory, nullable: true, resolve: (p) => p.part.territory ?? null }),
  }),
});

const Breakdown = builder.objectRef<BreakdownShape>("Breakdown").implement({
  fields: (t) => ({
    by: t.field({ type: BreakdownBy, resolve: (b) => b.by }),
    unit: t.field({ type: MassUnitEnum, resolve: (b) => b.unit }),
    total: t.float({
      nullable: true,
      description: "the slice's total (reported or rolled up); shares are relative to it",
      resolve: (b) => (b.total === null ? null : fromTonnes(b.total, b.unit)),
    }),
    sumOfParts: t.float({
      resolve: (b) =>
        fromTonnes(
          b.parts.reduce((s, p) => s + p.tonnes, 0),
          b.unit,
        ),
    }),
    parts: t.field({ type: [BreakdownPart], resolve: (b) => b.parts.map((part) => ({ part, of: b })) }),
  }),
});

async function breakdowns(
  ctx: Context,
  ids: readonly number[],
  args: SliceArgs & { by: BreakdownShape["by"] },
): Promise<(BreakdownShape | Error)[]> {
  const ref = await reference(ctx);
  const unit = args.unit ?? "T";
  let sectorCodes: (string | null)[] = [args.sector ?? null];
  let gasCodes: (string | null)[] = [args.gas ?? null];
  let partNames: { code: string; name: string }[] = [];
  if (args.by === "SECTOR") {
    const parent = args.sector ? ref.sectorByCode.get(args.sector) : null;
    const kids = parent
      ? ref.sectors.filter((s) => s.parentId === parent.id)
      : ref.sectors.filter((s) => s.parentId === null && /^[1-5]$|^SCOPE/.test(s.code));
    partNames = kids.map((s) => ({ code: s.code, name: s.name }));
    sectorCodes = [args.sector ?? null, ...kids.map((s) => s.code)];
  } else if (args.by === "GAS") {
    const parentCode = args.gas?.toUpperCase() ?? "GHG";
    const parent = ref.gasByCode.get(parentCode);
    const kids = ref.gasTree.filter((g) => parent && g.parentId === parent.id);
    partNames = kids.map((g) => ({ code: g.code, name: ref.gasById.get(g.id)!.name }));
    gasCodes = [args.gas ?? null, ...kids.map((g) => g.code)];
  }
  const all = await rollups(ctx, ids, args, sectorCodes, gasCodes);
  return ids.map((id) => {
    const { parts, children } = all.get(id)!;
    const totalParts = parts.filter((p) => p.sectorKey === 0 && p.gasKey === 0);
    if (args.by === "SOURCE") {
      const list: PartShape[] = [];
      for (const p of totalParts) {
        if (p.result instanceof Error) return p.result;
        list.push(partOf(p.source, ref.sources.get(p.source)?.name ?? p.source, p.result, p));
      }
      return { by: args.by, unit, total: null, parts: list.sort((a, b) => b.tonnes - a.tonnes) };
    }
    const chosen = oneSource(parts, args.source);
    if (chosen instanceof Error) return chosen;
    if (chosen === null) return { by: args.by, unit, total: null, parts: [] };
    const source = chosen.source;
    const total = totalParts.find((p) => p.source === source);
    if (total?.result instanceof Error) return total.result;
    const list: PartShape[] = [];
    if (args.by === "CHILD") {
      if (total) {
        for (const c of children) {
          const v = total.result.childValues.get(c.id);
          if (v)
            list.push({
              code: c.code,
              name: c.name,
              tonnes: v.value.tonnes,
              gwp: v.value.gwp,
              status: v.status,
              source,
              release: total.release,
              territory: toTerritory(c),
            });
        }
      }
    } else {
      for (const p of parts) {
        const key = args.by === "SECTOR" ? p.sectorKey : p.gasKey;
        if (p.source !== source || key === 0) continue;
        if (p.result instanceof Error) return p.result;
        const n = partNames[key - 1];
        list.push(partOf(n.code, n.name, p.result, p));
      }
    }
    return {
      by: args.by,
      unit,
      total: total ? total.result.value.tonnes : null,
      parts: list.sort((a, b) => b.tonnes - a.tonnes),
    };
  });
}

function partOf(code: string, name: string, r: Rollup, p: { source: string; release: ReleaseRow }): PartShape {
  return {
    code,
    name,
    tonnes: r.value.tonnes,
    gwp: r.value.gwp,
    status: r.status,
    source: p.source,
    release: p.release,
  };
}
