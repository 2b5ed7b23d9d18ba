// Sector (the canonical tree) and SourceSector (each source's own sectors, the crosswalk);
// Query.sectors; Territory.sectors, the nested territory -> sectors -> gases -> series query.
import { convert, type GwpSet, type Quantity, sum } from "../../core/gwp.ts";
import { fromTonnes, type MassUnit } from "../../core/mass-unit.ts";
import { db } from "../../db/client.ts";
import type { ReleaseRow } from "../../db/queries/releases.ts";
import { sectorSeries } from "../../db/queries/slice.ts";
import type { Gas as GasRow, Sector as SectorRow } from "../../generated/prisma/client.ts";
import { builder, type Context } from "../builder.ts";
import { asClientError, clientError } from "../errors.ts";
import { reference, sliceReleases } from "../request-cache.ts";
import { GwpSet as GwpSetEnum, MassUnit as MassUnitEnum } from "./enums.ts";
import { Gas } from "./gas.ts";
import { Release } from "./source.ts";

export const SourceSector = builder.prismaObject("SourceSector", {
  description: "A sector as a source publishes it, and the canonical sector it maps to",
  fields: (t) => ({
    source: t.exposeString("sourceId"),
    name: t.exposeString("name"),
    sector: t.relation("sector"),
  }),
});

export const Sector = builder.prismaObject("Sector", {
  description: "A sector of the canonical tree (IPCC 2006 categories, totals, organisation scopes)",
  fields: (t) => ({
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    sourceSectors: t.relation("sourceSectors", {
      description: "Each source's sectors mapped onto this one",
      args: { source: t.arg.string() },
      query: (args) => ({
        where: args.source ? { sourceId: args.source } : {},
        orderBy: [{ sourceId: "asc" }, { name: "asc" }],
      }),
    }),
  }),
});

builder.prismaObjectFields(Sector, (t) => ({
  parent: t.field({
    type: Sector,
    nullable: true,
    resolve: async (s, _args, ctx) => (s.parentId ? ((await reference(ctx)).sectorById.get(s.parentId) ?? null) : null),
  }),
  children: t.field({
    type: [Sector],
    resolve: async (s, _args, ctx) => (await reference(ctx)).sectors.filter((c) => c.parentId === s.id),
  }),
}));

builder.queryField("sectors", (t) =>
  t.prismaField({
    type: ["Sector"],
    description: "The canonical sector tree, parents before children, with each source's sectors (the crosswalk)",
    resolve: (query) => db().prisma.sector.findMany({ ...query, orderBy: { id: "asc" } }),
  }),
);

interface Point {
  year: number;
  tonnes: number;
}

interface GasSeriesShape {
  gas: GasRow;
  /** the baskets this gas is in (CH4: GHG), which cover it in a sum */
  baskets: number[];
  gwp: string | null;
  unit: MassUnit;
  points: Point[] | Error;
}

interface SectorEmissionsShape {
  sector: SectorRow;
  source: string;
  release: ReleaseRow;
  unit: MassUnit;
  year: number | null;
  gases: GasSeriesShape[];
}

const YearValue = builder.objectRef<{ year: number; value: number }>("YearValue").implement({
  fields: (t) => ({ year: t.exposeInt("year"), value: t.exposeFloat("value") }),
});

const GasSeries = builder.objectRef<GasSeriesShape>("GasSeries").implement({
  description: "One gas's values by year, in the asked unit (and GWP set when one was asked)",
  fields: (t) => ({
    gas: t.field({ type: Gas, resolve: (g) => g.gas }),
    gwp: t.string({
      nullable: true,
      description: "GWP set of the values (CO2e); null for masses of the gas",
      resolve: (g) => g.gwp,
    }),
    unit: t.field({ type: MassUnitEnum, resolve: (g) => g.unit }),
    series: t.field({
      type: [YearValue],
      nullable: true,
      description: "null (with an error) when the values cannot be expressed under the GWP set asked",
      resolve: (g) => {
        if (g.points instanceof Error) throw g.points;
        return g.points.map((p) => ({ year: p.year, value: fromTonnes(p.tonnes, g.unit) }));
      },
    }),
  }),
});

/** All gases of a sector in one year; a published basket (GHG) is taken instead of the gases it holds. */
function sumAtYear(s: SectorEmissionsShape, year: number): number | null {
  const quantities: Quantity[] = [];
  const present = new Set(
    s.gases.filter((g) => g.points instanceof Error || g.points.some((p) => p.year === year)).map((g) => g.gas.id),
  );
  for (const g of s.gases) {
    if (g.baskets.some((b) => present.has(b))) continue;
    if (g.points instanceof Error) throw g.points;
    for (const p of g.points) if (p.year === year) quantities.push({ gas: g.gas.code, gwp: g.gwp, tonnes: p.tonnes });
  }
  if (!quantities.length) return null;
  try {
    return fromTonnes(sum(quantities).tonnes, s.unit);
  } catch (e) {
    throw asClientError(e);
  }
}

const SectorEmissions = builder.objectRef<SectorEmissionsShape>("SectorEmissions").implement({
  description: "A territory's values in one canonical sector from one source, by gas and year",
  fields: (t) => ({
    sector: t.field({ type: Sector, resolve: (s) => s.sector }),
    source: t.string({ description: "source (connector) id", resolve: (s) => s.source }),
    release: t.field({ type: Release, resolve: (s) => s.release }),
    unit: t.field({ type: MassUnitEnum, resolve: (s) => s.unit }),
    total: t.float({
      nullable: true,
      description:
        "All gases of the sector in one year (the year asked, else the newest): needs one basis, so give gwp when the gases are masses",
      args: { year: t.arg.int() },
      resolve: (s, args) => {
        const years = s.gases.flatMap((g) => (g.points instanceof Error ? [] : g.points.map((p) => p.year)));
        const year = args.year ?? s.year ?? (years.length ? Math.max(...years) : null);
        return year === null ? null : sumAtYear(s, year);
      },
    }),
    totals: t.field({
      type: [YearValue],
      description: "All gases of the sector by year",
      resolve: (s) => {
        const years = [
          ...new Set(s.gases.flatMap((g) => (g.points instanceof Error ? [] : g.points.map((p) => p.year)))),
        ];
        return years.sort((a, b) => a - b).map((year) => ({ year, value: sumAtYear(s, year) ?? 0 }));
      },
    }),
    gases: t.field({ type: [GasSeries], resolve: (s) => s.gases }),
  }),
});

interface SectorsArgs {
  source?: string | null;
  year?: number | null;
  yearFrom?: number | null;
  yearTo?: number | null;
  gwp?: GwpSet | null;
  unit?: MassUnit | null;
  release?: string | null;
  asOf?: Date | null;
}

async function loadSectors(ctx: Context, ids: readonly number[], args: SectorsArgs): Promise<SectorEmissionsShape[][]> {
  if (args.year != null && (args.yearFrom != null || args.yearTo != null))
    throw clientError("BAD_USER_INPUT", "give year, or yearFrom and yearTo, not both");
  const ref = await reference(ctx);
  const selected = await sliceReleases(ctx, args);
  const releaseById = new Map(selected.map((r) => [r.id, r]));
  const rows = await sectorSeries(db(), {
    territoryIds: [...ids],
    releaseIds: selected.map((r) => r.id),
    yearFrom: args.year ?? args.yearFrom,
    yearTo: args.year ?? args.yearTo,
  });
  const unit = args.unit ?? "T";
  const target = args.gwp ?? null;
  const parentOf = new Map(ref.gasTree.map((g) => [g.id, g.parentId]));
  const basketsOf = (id: number) => {
    const chain: number[] = [];
    for (let p = parentOf.get(id) ?? null; p !== null && chain.length < 10; p = parentOf.get(p) ?? null) chain.push(p);
    return chain;
  };
  const byTerritory = new Map<number, Map<string, SectorEmissionsShape>>();
  const seriesByKey = new Map<string, GasSeriesShape>();
  for (const r of rows) {
    let sectors = byTerritory.get(r.territoryId);
    if (!sectors) {
      sectors = new Map();
      byTerritory.set(r.territoryId, sectors);
    }
    const sKey = `${r.sourceId} ${r.sectorId}`;
    let s = sectors.get(sKey);
    if (!s) {
      s = {
        sector: ref.sectorById.get(r.sectorId)!,
        source: r.sourceId,
        release: releaseById.get(r.releaseId)!,
        unit,
        year: args.year ?? null,
        gases: [],
      };
      sectors.set(sKey, s);
    }
    const gas = ref.gasById.get(r.gasId)!;
    let value: Quantity | Error;
    try {
      value = convert({ gas: gas.code, gwp: r.gwp, tonnes: r.value }, target, ref.gwp);
    } catch (e) {
      value = asClientError(e) as Error;
    }
    const basis = value instanceof Error ? "error" : value.gwp;
    const gKey = `${r.territoryId} ${sKey} ${r.gasId} ${basis}`;
    let g = seriesByKey.get(gKey);
    if (!g) {
      g = { gas, baskets: basketsOf(r.gasId), gwp: value instanceof Error ? r.gwp : value.gwp, unit, points: [] };
      seriesByKey.set(gKey, g);
      s.gases.push(g);
    }
    if (value instanceof Error) g.points = value;
    else if (!(g.points instanceof Error)) g.points.push({ year: r.year, tonnes: value.tonnes });
  }
  return ids.map((id) => [...(byTerritory.get(id)?.values() ?? [])]);
}

builder.prismaObjectField("Territory", "sectors", (t) =>
  t.loadableList({
    type: SectorEmissions,
    byPath: true,
    description:
      "The nested query: values by source and canonical sector, each with its gases and their series. One statement for all the territories of a request.",
    args: {
      source: t.arg.string(),
      year: t.arg.int(),
      yearFrom: t.arg.int(),
      yearTo: t.arg.int(),
      gwp: t.arg({ type: GwpSetEnum }),
      unit: t.arg({ type: MassUnitEnum, defaultValue: "T" }),
      release: t.arg.string({ description: "a release id or version (with source)" }),
      asOf: t.arg({ type: "DateTime", description: "the releases as loaded at this time" }),
    },
    load: (ids: number[], ctx, args) => loadSectors(ctx, ids, args),
    resolve: (territory) => territory.id,
  }),
);
