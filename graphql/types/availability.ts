// Discovery: Territory.availability (which sources, years, sectors and gases have values for a
// territory, and how many of its children have some) and Query.availability (which territories of
// each level a source covers). One statement per request field, whatever the number of territories.
import { db } from "../../db/client.ts";
import {
  type LevelAvailabilityRow,
  levelAvailability,
  type TerritoryAvailabilityRow,
  territoryAvailability,
} from "../../db/queries/derived.ts";
import type { ReleaseRow } from "../../db/queries/releases.ts";
import type { Gas as GasRow, Sector as SectorRow } from "../../generated/prisma/client.ts";
import { builder, type Context } from "../builder.ts";
import { clientError } from "../errors.ts";
import { reference, sliceReleases } from "../request-cache.ts";
import { Gas } from "./gas.ts";
import { Sector } from "./sector.ts";
import { Release, Source } from "./source.ts";

interface TerritoryAvailabilityShape extends TerritoryAvailabilityRow {
  release: ReleaseRow;
}

const sourceOf = async (r: { release: ReleaseRow }, ctx: Context) =>
  (await reference(ctx)).sources.get(r.release.sourceId)!;

const TerritoryAvailability = builder.objectRef<TerritoryAvailabilityShape>("TerritoryAvailability").implement({
  description:
    "What one source's release has for a territory: its own values (years, sectors, gases) and how many of its children and descendants have values",
  fields: (t) => ({
    source: t.field({ type: Source, resolve: sourceOf }),
    release: t.field({ type: Release, resolve: (a) => a.release }),
    reported: t.boolean({
      description: "whether the territory has values of its own (else only descendants do)",
      resolve: (a) => a.values > 0,
    }),
    firstYear: t.exposeInt("firstYear", { nullable: true }),
    lastYear: t.exposeInt("lastYear", { nullable: true }),
    years: t.exposeIntList("years", { description: "years with at least one value of the territory's own" }),
    values: t.exposeInt("values", { description: "number of stored values of the territory's own" }),
    sectors: t.field({
      type: [Sector],
      description: "canonical sectors with values",
      resolve: async (a, _args, ctx) => {
        const ref = await reference(ctx);
        return a.sectors.map((c) => ref.sectorByCode.get(c)).filter((s): s is SectorRow => s !== undefined);
      },
    }),
    gases: t.field({
      type: [Gas],
      resolve: async (a, _args, ctx) => {
        const ref = await reference(ctx);
        return a.gases.map((c) => ref.gasByCode.get(c)).filter((g): g is GasRow => g !== undefined);
      },
    }),
    children: t.exposeInt("children", { description: "children in the territory tree" }),
    childrenWithData: t.exposeInt("childrenWithData", { description: "children with values of their own" }),
    childrenShare: t.float({
      nullable: true,
      description: "childrenWithData / children",
      resolve: (a) => (a.children ? a.childrenWithData / a.children : null),
    }),
    descendantsWithData: t.exposeInt("descendantsWithData", {
      description: "territories at any depth below with values of their own",
    }),
  }),
});

builder.prismaObjectField("Territory", "availability", (t) =>
  t.loadableList({
    type: TerritoryAvailability,
    byPath: true,
    description:
      "Discovery: for each source (default release) with values for this territory or below it, the years, sectors and gases, and the coverage of its children",
    args: {
      source: t.arg.string(),
      release: t.arg.string({ description: "a release id or version (default: the newest of each source)" }),
      asOf: t.arg({ type: "DateTime" }),
    },
    load: async (ids: number[], ctx, args) => {
      const selected = await sliceReleases(ctx, args);
      const byId = new Map(selected.map((r) => [r.id, r]));
      const rows = await territoryAvailability(
        db(),
        ids,
        selected.map((r) => r.id),
      );
      const byTerritory = new Map<number, TerritoryAvailabilityShape[]>();
      for (const r of rows) {
        const list = byTerritory.get(r.territoryId) ?? [];
        list.push({ ...r, release: byId.get(r.releaseId)! });
        byTerritory.set(r.territoryId, list);
      }
      for (const list of byTerritory.values())
        list.sort((a, b) => a.release.sourceId.localeCompare(b.release.sourceId));
      return ids.map((id) => byTerritory.get(id) ?? []);
    },
    resolve: (territory) => territory.id,
  }),
);

interface LevelAvailabilityShape extends LevelAvailabilityRow {
  release: ReleaseRow;
}

const LevelAvailability = builder.objectRef<LevelAvailabilityShape>("LevelAvailability").implement({
  description: "How many territories of one level a source's release has values for, of how many",
  fields: (t) => ({
    source: t.field({ type: Source, resolve: sourceOf }),
    release: t.field({ type: Release, resolve: (a) => a.release }),
    level: t.exposeString("level"),
    territories: t.exposeInt("territories", { description: "territories of the level with values" }),
    territoriesAtLevel: t.exposeInt("territoriesAtLevel", { description: "territories of the level in the reference" }),
    share: t.float({ resolve: (a) => a.territories / a.territoriesAtLevel }),
    firstYear: t.exposeInt("firstYear"),
    lastYear: t.exposeInt("lastYear"),
    values: t.exposeInt("values"),
    codes: t.stringList({
      description: "codes of the territories with values, in order (at most `first`)",
      args: {
        first: t.arg.int({ defaultValue: 100 }),
        after: t.arg.string({ description: "a code: list the codes after it" }),
      },
      resolve: (a, args) => {
        const first = Math.min(Math.max(args.first ?? 100, 0), 5000);
        const start = args.after ? a.codes.findIndex((c) => c > (args.after as string)) : 0;
        return start === -1 ? [] : a.codes.slice(start, start + first);
      },
    }),
  }),
});

builder.queryField("availability", (t) =>
  t.field({
    type: [LevelAvailability],
    description:
      "Discovery: for each source (default release) and territory level, how many territories have values, of how many, their years and codes",
    args: {
      source: t.arg.string(),
      level: t.arg.string(),
      release: t.arg.string({ description: "a release id or version" }),
      asOf: t.arg({ type: "DateTime" }),
    },
    resolve: async (_root, args, ctx) => {
      const ref = await reference(ctx);
      if (args.source && !ref.sources.has(args.source))
        throw clientError("NOT_FOUND", `no source ${JSON.stringify(args.source)}: see Query.sources`);
      const selected = await sliceReleases(ctx, args);
      const byId = new Map(selected.map((r) => [r.id, r]));
      const rows = await levelAvailability(
        db(),
        selected.map((r) => r.id),
        args.level ?? null,
      );
      return rows
        .map((r) => ({ ...r, release: byId.get(r.releaseId)! }))
        .sort((a, b) => a.release.sourceId.localeCompare(b.release.sourceId) || a.level.localeCompare(b.level));
    },
  }),
);
