// Territory: one node of the geographic tree (or a group, or an organisation), its identifiers,
// tree links, groups and indicators; Query.territory (any identifier) and Query.territories.
import { db } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { builder } from "../builder.ts";
import { descendantsOf, lookupTerritory, membersOf } from "../catalog.ts";
import { checkPageSize, clientError } from "../errors.ts";

export const TerritoryIdentifier = builder.prismaObject("TerritoryIdentifier", {
  description: "A code of a territory in one scheme (alpha3 FRA, numeric 250, nuts FRH02, insee-department 29 ...)",
  fields: (t) => ({ scheme: t.exposeString("scheme"), value: t.exposeString("value") }),
});

export const Indicator = builder.prismaObject("Indicator", {
  description: "A context indicator by year: population (persons), gdp (international $), area (km2)",
  fields: (t) => ({
    indicator: t.exposeString("indicator"),
    year: t.exposeInt("year"),
    value: t.exposeFloat("value"),
    unit: t.exposeString("unit"),
    source: t.exposeString("sourceId", { description: "connector the value comes from" }),
  }),
});

export const Territory = builder.prismaObject("Territory", {
  description:
    "A territory at any scale (planet, UN region, country, adm1, adm2, commune, city), a group or an organisation",
  fields: (t) => ({
    code: t.exposeString("code", {
      description: "canonical code: ISO 3166-1 alpha-2, ISO 3166-2, M49, INSEE, UN/LOCODE",
    }),
    name: t.exposeString("name"),
    nameFr: t.exposeString("nameFr", { nullable: true }),
    level: t.exposeString("level", {
      description:
        "planet | region | subregion | intermediate_region | country | adm1 | adm2 | commune | city | group | organisation",
    }),
    depth: t.exposeInt("depth", { description: "distance from the root of the tree (World = 0)" }),
    identifiers: t.relation("identifiers", { query: { orderBy: [{ scheme: "asc" }, { value: "asc" }] } }),
    parent: t.relation("parent", { nullable: true }),
    children: t.relation("children", {
      args: { level: t.arg.string() },
      query: (args) => ({ where: args.level ? { level: args.level } : {}, orderBy: { code: "asc" } }),
    }),
    ancestors: t.prismaField({
      type: ["Territory"],
      description: "Ancestors in the geographic tree, nearest first",
      select: (_args, _ctx, nestedSelection) => ({
        ancestors: { orderBy: { distance: "asc" }, select: { ancestor: nestedSelection() } },
      }),
      resolve: (_query, territory) => territory.ancestors.map((a) => a.ancestor),
    }),
    descendants: t.prismaConnection({
      type: "Territory",
      cursor: "code",
      description: "Descendants at any depth, or at one level (adm2, commune ...), by code",
      args: { level: t.arg.string() },
      totalCount: async (parent, args) => {
        checkPageSize(args.first, args.last);
        return (await descendantsOf((parent as { id: number }).id, args.level ?? null)).length;
      },
      resolve: async (query, parent, args) => {
        checkPageSize(args.first, args.last);
        // no relation asked for on the nodes: the catalog's list of descendants holds every column
        if (!asksRelations(query)) return page(await descendantsOf(parent.id, args.level ?? null), query);
        return db().prisma.territory.findMany({
          ...query,
          where: descendantsWhere(parent.id, args.level),
          orderBy: { code: "asc" },
        });
      },
    }),
    groups: t.prismaField({
      type: ["Territory"],
      description: "Groups this territory is a member of (EU27, Annex I, an EPCI ...)",
      select: (_args, _ctx, nestedSelection) => ({
        memberOf: { orderBy: { groupId: "asc" }, select: { group: nestedSelection() } },
      }),
      resolve: (_query, territory) => territory.memberOf.map((m) => m.group),
    }),
    members: t.prismaField({
      type: ["Territory"],
      description: "Members of a group (empty for a territory that is not a group)",
      resolve: async (query, territory) => {
        // no relation asked for on the members: the catalog's list holds every column
        if (!asksRelations(query)) return membersOf(territory.id);
        return db().prisma.territory.findMany({
          ...query,
          where: { memberOf: { some: { groupId: territory.id } } },
          orderBy: { id: "asc" },
        });
      },
    }),
    indicators: t.relation("indicators", {
      description: "Context indicators (population, gdp, area), by indicator and year",
      args: { indicator: t.arg.string(), yearFrom: t.arg.int(), yearTo: t.arg.int() },
      query: (args) => ({
        where: {
          ...(args.indicator ? { indicator: args.indicator } : {}),
          year: { gte: args.yearFrom ?? undefined, lte: args.yearTo ?? undefined },
        },
        orderBy: [{ indicator: "asc" }, { year: "asc" }, { sourceId: "asc" }],
      }),
    }),
  }),
});

/** Whether Pothos asks Prisma for relations of the nodes (an include or a select beside the paging arguments). */
function asksRelations(query: object): boolean {
  return "include" in query || "select" in query;
}

/** One page of territories ordered by code, as Prisma's findMany pages them: from the row at `cursor`
 *  (skipping `skip` rows), `take` rows forward, or back when `take` is negative. */
function page<T extends { code: string }>(
  ordered: T[],
  { cursor, skip = 0, take }: { cursor?: { code?: string }; skip?: number; take?: number },
): T[] {
  let at = 0;
  if (cursor) {
    at = ordered.findIndex((t) => t.code === cursor.code);
    if (at < 0) return [];
  }
  if (take === undefined) return ordered.slice(cursor ? at + skip : skip);
  if (take >= 0) {
    const start = cursor ? at + skip : skip;
    return ordered.slice(start, start + take);
  }
  const end = cursor ? at - skip + 1 : ordered.length - skip;
  return end <= 0 ? [] : ordered.slice(Math.max(0, end + take), end);
}

function descendantsWhere(id: number, level: string | null | undefined): Prisma.TerritoryWhereInput {
  // the closure's own copy of the level makes the descendants of a level one index range
  return level
    ? { ancestors: { some: { ancestorId: id, level } }, level }
    : { ancestors: { some: { ancestorId: id } } };
}

function checkCodeLength(code: string) {
  if (code.length > 100) throw clientError("BAD_USER_INPUT", "code is longer than 100 characters");
}

builder.queryField("territory", (t) =>
  t.prismaField({
    type: "Territory",
    nullable: true,
    description: "A territory by any identifier: FR, FRA, 250, FRH02, 29019, FR-BRE, or scheme:value (insee-region:53)",
    args: { code: t.arg.string({ required: true }) },
    resolve: async (query, _root, { code }) => {
      checkCodeLength(code);
      const found = await lookupTerritory(code);
      if (!found) return null;
      // no relation asked for: the catalog's lookup holds every column of the row
      if (!asksRelations(query)) return found;
      return db().prisma.territory.findUnique({ ...query, where: { id: found.id } });
    },
  }),
);

builder.queryField("territories", (t) =>
  t.prismaConnection(
    {
      type: "Territory",
      cursor: "code",
      description:
        "Territories by level, inside a parent at any depth (parent: FR, level: adm2 = the French departments), or by name or identifier search",
      args: { level: t.arg.string(), parent: t.arg.string(), search: t.arg.string() },
      totalCount: async (_root, args) => {
        checkPageSize(args.first, args.last);
        const under = await inside(args);
        if (under) return (await descendantsOf(under.id, args.level ?? null)).length;
        return db().prisma.territory.count({ where: await territoriesWhere(args) });
      },
      resolve: async (query, _root, args) => {
        checkPageSize(args.first, args.last);
        const under = await inside(args);
        if (under && !asksRelations(query)) return page(await descendantsOf(under.id, args.level ?? null), query);
        return db().prisma.territory.findMany({
          ...query,
          where: await territoriesWhere(args),
          orderBy: { code: "asc" },
        });
      },
    },
    { name: "TerritoryConnection" },
    { name: "TerritoryEdge" },
  ),
);

/** The parent of territories(parent:) without a search: its descendants are the catalog's list. */
async function inside(args: { parent?: string | null; search?: string | null }) {
  return args.parent && !args.search?.trim() ? parentOf(args.parent) : null;
}

async function parentOf(code: string) {
  checkCodeLength(code);
  const parent = await lookupTerritory(code);
  if (!parent) throw clientError("NOT_FOUND", `no territory has the identifier ${JSON.stringify(code)}`);
  return parent;
}

async function territoriesWhere(args: {
  level?: string | null;
  parent?: string | null;
  search?: string | null;
}): Promise<Prisma.TerritoryWhereInput> {
  const where: Prisma.TerritoryWhereInput[] = [];
  if (args.level) where.push({ level: args.level });
  if (args.parent) where.push(descendantsWhere((await parentOf(args.parent)).id, args.level));
  const search = args.search?.trim();
  if (search) {
    checkCodeLength(search);
    where.push({
      OR: [
        { name: { contains: search, mode: "insensitive" } },
        { nameFr: { contains: search, mode: "insensitive" } },
        { code: search.toUpperCase() },
        { identifiers: { some: { value: search.toUpperCase() } } },
      ],
    });
  }
  return { AND: where };
}
