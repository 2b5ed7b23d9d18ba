// Emission: one value with its provenance (source, release, raw hash, run, original value and
// unit, licence). Territory.emissions and Query.emissions: filtered, sorted, cursor-paginated.
import { convert } from "../../core/gwp.ts";
import { fromTonnes } from "../../core/mass-unit.ts";
import { db } from "../../db/client.ts";
import { findTerritories } from "../../db/territories.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { builder, type Context } from "../builder.ts";
import { checkPageSize, clientError, clientErrors } from "../errors.ts";
import { checkCode, reference, releases } from "../request-cache.ts";
import { EmissionOrder, GwpSet, MassUnit } from "./enums.ts";

export const Emission = builder.prismaObject("Emission", {
  description: "One published value: territory x sector x gas x year in one release of a source, with its provenance",
  fields: (t) => ({
    territory: t.relation("territory"),
    sector: t.relation("sector", { description: "canonical sector" }),
    sourceSector: t.relation("sourceSector", { description: "the sector as the source names it" }),
    gas: t.relation("gas"),
    year: t.exposeInt("year"),
    value: t.float({
      description: "in `unit`; CO2e under `gwp` when asked (masses are converted, other sets refused)",
      args: { unit: t.arg({ type: MassUnit, defaultValue: "T" }), gwp: t.arg({ type: GwpSet }) },
      select: { gas: { select: { code: true } } },
      resolve: (e, args, ctx) =>
        clientErrors(async () => {
          const q = convert(
            { gas: e.gas.code, gwp: e.gwp, tonnes: e.value },
            args.gwp ?? null,
            (await reference(ctx)).gwp,
          );
          return fromTonnes(q.tonnes, args.unit ?? "T");
        }),
    }),
    gwp: t.string({
      nullable: true,
      description: "GWP set of the value as published (CO2e); null for a mass of the gas",
      select: { gwp: true },
      resolve: (e) => e.gwp,
    }),
    originalValue: t.exposeFloat("originalValue", { description: "the value as the file gives it" }),
    originalUnit: t.exposeString("originalUnit", { description: "the unit as the file gives it" }),
    release: t.relation("release"),
    source: t.string({
      description: "source (connector) id",
      select: { release: { select: { sourceId: true } } },
      resolve: (e) => e.release.sourceId,
    }),
    licence: t.string({
      select: { release: { select: { source: { select: { licence: true } } } } },
      resolve: (e) => e.release.source.licence,
    }),
    rawHash: t.string({
      description: "SHA-256 of the raw file the value was read from",
      select: { release: { select: { rawHash: true } } },
      resolve: (e) => e.release.rawHash,
    }),
  }),
});

export const EmissionFilter = builder.inputType("EmissionFilter", {
  fields: (t) => ({
    sources: t.stringList({ description: "source ids (default: every source)" }),
    releases: t.intList({ description: "release ids (default: the newest release of each source)" }),
    asOf: t.field({ type: "DateTime", description: "the releases as loaded at this time" }),
    sectors: t.stringList({ description: "canonical sector codes, each with its sub-sectors" }),
    sourceSectors: t.stringList({ description: "sector names as the sources publish them" }),
    gases: t.stringList(),
    yearFrom: t.int(),
    yearTo: t.int(),
  }),
});

type Filter = typeof EmissionFilter.$inferInput;

/** The Prisma condition of a filter (release selection and sector tree resolved). */
export async function emissionWhere(
  ctx: Context,
  filter: Filter | null | undefined,
): Promise<Prisma.EmissionWhereInput> {
  const f = filter ?? {};
  const ref = await reference(ctx);
  const where: Prisma.EmissionWhereInput = {};
  if (f.releases?.length) {
    where.releaseId = { in: f.releases };
    if (f.sources?.length) where.release = { sourceId: { in: f.sources } };
  } else {
    const selected = await releases(ctx, { sources: f.sources ?? null, asOf: f.asOf ?? null });
    where.releaseId = { in: selected.map((r) => r.id) };
  }
  if (f.sectors?.length) {
    const roots = new Set(f.sectors.map((c) => ref.sectorByCode.get(checkCode(ref, "sector", c)!)!.id));
    const inside = (id: number | null): boolean =>
      id !== null && (roots.has(id) || inside(ref.sectorById.get(id)!.parentId));
    where.sectorId = { in: ref.sectors.filter((s) => inside(s.id)).map((s) => s.id) };
  }
  if (f.sourceSectors?.length) where.sourceSector = { name: { in: f.sourceSectors } };
  if (f.gases?.length) where.gasId = { in: f.gases.map((g) => ref.gasByCode.get(checkCode(ref, "gas", g)!)!.id) };
  if (f.yearFrom != null || f.yearTo != null) where.year = { gte: f.yearFrom ?? undefined, lte: f.yearTo ?? undefined };
  return where;
}

export function emissionOrder(order: string | null | undefined): Prisma.EmissionOrderByWithRelationInput[] {
  const key: Prisma.EmissionOrderByWithRelationInput[] = [
    { territoryId: "asc" },
    { releaseId: "asc" },
    { sourceSectorId: "asc" },
    { gasId: "asc" },
  ];
  switch (order) {
    case "YEAR_DESC":
      return [{ year: "desc" }, ...key];
    case "VALUE_ASC":
      return [{ value: "asc" }, ...key, { year: "asc" }];
    case "VALUE_DESC":
      return [{ value: "desc" }, ...key, { year: "asc" }];
    default:
      return [{ year: "asc" }, ...key];
  }
}

const cursor = "releaseId_territoryId_sourceSectorId_gasId_year";

builder.prismaObjectField("Territory", "emissions", (t) =>
  t.prismaConnection({
    type: "Emission",
    cursor,
    description: "This territory's values, filtered, sorted and paginated, each with its provenance",
    args: {
      filter: t.arg({ type: EmissionFilter }),
      orderBy: t.arg({ type: EmissionOrder, defaultValue: "YEAR_ASC" }),
    },
    totalCount: async (territory, args, ctx) => {
      checkPageSize(args.first, args.last);
      return db().prisma.emission.count({
        where: { ...(await emissionWhere(ctx, args.filter)), territoryId: (territory as { id: number }).id },
      });
    },
    resolve: async (query, territory, args, ctx) => {
      checkPageSize(args.first, args.last);
      return db().prisma.emission.findMany({
        ...query,
        where: { ...(await emissionWhere(ctx, args.filter)), territoryId: territory.id },
        orderBy: emissionOrder(args.orderBy),
      });
    },
  }),
);

builder.queryField("emissions", (t) =>
  t.prismaConnection(
    {
      type: "Emission",
      cursor,
      description: "Values of several territories (any identifiers), filtered, sorted and paginated",
      args: {
        territories: t.arg.stringList({ required: true }),
        filter: t.arg({ type: EmissionFilter }),
        orderBy: t.arg({ type: EmissionOrder, defaultValue: "YEAR_ASC" }),
      },
      totalCount: async (_root, args, ctx) =>
        db().prisma.emission.count({ where: await queryWhere(ctx, args.territories, args.filter) }),
      resolve: async (query, _root, args, ctx) => {
        checkPageSize(args.first, args.last);
        return db().prisma.emission.findMany({
          ...query,
          where: await queryWhere(ctx, args.territories, args.filter),
          orderBy: emissionOrder(args.orderBy),
        });
      },
    },
    { name: "EmissionConnection" },
    { name: "EmissionEdge" },
  ),
);

async function queryWhere(ctx: Context, codes: string[], filter: Filter | null | undefined) {
  if (codes.length > 500) throw clientError("BAD_USER_INPUT", "at most 500 territories at once");
  const found = await findTerritories(db(), codes);
  const missing = codes.filter((c) => !found.has(c));
  if (missing.length) throw clientError("NOT_FOUND", `unknown territories: ${missing.join(", ")}`, { missing });
  return { ...(await emissionWhere(ctx, filter)), territoryId: { in: [...found.values()].map((t) => t.id) } };
}
