// Source, Release, Run: provenance and freshness. Query.sources, Query.releaseDiff.
import { db } from "../../db/client.ts";
import { diffReleases, type ReleaseChange as ReleaseChangeRow } from "../../db/queries/releases.ts";
import { builder } from "../builder.ts";
import { clientError } from "../errors.ts";
import { releases } from "../request-cache.ts";

export const RejectedRow = builder.prismaObject("RejectedRow", {
  description: "A row a run could not load, with where it was and why",
  fields: (t) => ({
    file: t.exposeString("file"),
    line: t.exposeInt("line"),
    column: t.exposeString("column", { nullable: true }),
    reason: t.exposeString("reason"),
    raw: t.exposeString("raw", { nullable: true }),
  }),
});

export const Run = builder.prismaObject("Run", {
  description: "One ingestion run of a connector",
  fields: (t) => ({
    id: t.exposeInt("id"),
    connector: t.exposeString("connector"),
    status: t.exposeString("status", { description: "running | succeeded | unchanged | failed" }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
    rawHash: t.exposeString("rawHash", { nullable: true }),
    rowsRead: t.exposeInt("rowsRead"),
    rowsLoaded: t.exposeInt("rowsLoaded"),
    rowsUnchanged: t.exposeInt("rowsUnchanged"),
    rowsRejected: t.exposeInt("rowsRejected"),
    error: t.exposeString("error", { nullable: true }),
    rejects: t.relation("rejects", {
      description: "Rejected rows (at most `first`, in file order)",
      args: { first: t.arg.int({ defaultValue: 20 }) },
      query: (args) => ({
        take: Math.min(Math.max(args.first ?? 20, 0), 500),
        orderBy: [{ file: "asc" }, { line: "asc" }],
      }),
    }),
  }),
});

export const Release = builder.prismaObject("Release", {
  description: "One release of a source: the content of one raw file, by hash. Old releases are kept.",
  fields: (t) => ({
    id: t.exposeInt("id"),
    version: t.exposeString("version"),
    publishedOn: t.expose("publishedOn", { type: "DateTime", nullable: true }),
    rawHash: t.exposeString("rawHash", { description: "SHA-256 of the raw file(s)" }),
    rawUri: t.exposeString("rawUri", { description: "where the raw file is kept in the raw data lake" }),
    retrievedAt: t.expose("retrievedAt", { type: "DateTime" }),
    loadedAt: t.expose("loadedAt", { type: "DateTime" }),
    rowCount: t.exposeInt("rowCount"),
    active: t.exposeBoolean("active"),
    source: t.relation("source"),
    run: t.relation("run", { nullable: true }),
  }),
});

export const Source = builder.prismaObject("Source", {
  description: "A data source; its id is the connector id (gcp, openghgmap ...)",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    publisher: t.exposeString("publisher"),
    url: t.exposeString("url"),
    licence: t.exposeString("licence"),
    citation: t.exposeString("citation"),
    method: t.exposeString("method", {
      description: "reported-inventory | top-down-model | bottom-up | compilation | reference",
    }),
    releases: t.relation("releases", { query: { orderBy: [{ loadedAt: "desc" }, { id: "desc" }] } }),
    release: t.field({
      type: Release,
      nullable: true,
      description: "The release queries read by default: the newest active one (or the newest loaded by asOf)",
      args: { asOf: t.arg({ type: "DateTime" }) },
      resolve: async (source, args, ctx) =>
        (await releases(ctx, { asOf: args.asOf })).find((r) => r.sourceId === source.id) ?? null,
    }),
    coverage: t.loadable({
      type: SourceCoverage,
      nullable: true,
      description: "What the default release covers: years, territories by level, gases, sectors",
      load: (ids: string[], ctx) => sourceCoverage(ctx, ids),
      resolve: (source) => source.id,
    }),
  }),
});

interface CoverageShape {
  sourceId: string;
  firstYear: number;
  lastYear: number;
  values: number;
  territories: number;
  levels: string[];
  gases: string[];
  sectors: string[];
  ageDays: number;
}

const SourceCoverage = builder.objectRef<CoverageShape>("SourceCoverage").implement({
  description: "Discovery: what a release has data for, and how fresh it is",
  fields: (t) => ({
    firstYear: t.exposeInt("firstYear"),
    lastYear: t.exposeInt("lastYear", { description: "newest year covered" }),
    values: t.exposeInt("values"),
    territories: t.exposeInt("territories"),
    levels: t.exposeStringList("levels"),
    gases: t.exposeStringList("gases"),
    sectors: t.exposeStringList("sectors", { description: "canonical sector codes with values" }),
    ageDays: t.exposeFloat("ageDays", { description: "days since the release was retrieved" }),
  }),
});

async function sourceCoverage(ctx: object, ids: string[]): Promise<(CoverageShape | null)[]> {
  const selected = (await releases(ctx, {})).filter((r) => ids.includes(r.sourceId));
  const rows = await db().query<CoverageShape>(
    `select r.source_id as "sourceId", min(e.year)::int as "firstYear", max(e.year)::int as "lastYear", count(*)::int as values,
       count(distinct e.territory_id)::int as territories,
       array_agg(distinct t.level order by t.level) as levels, array_agg(distinct g.code order by g.code) as gases,
       array_agg(distinct s.code order by s.code) as sectors,
       extract(epoch from now() - r.retrieved_at)::float / 86400 as "ageDays"
     from emission e join release r on r.id = e.release_id join territory t on t.id = e.territory_id
       join gas g on g.id = e.gas_id join sector s on s.id = e.sector_id
     where e.release_id = any($1::int[]) group by r.source_id, r.retrieved_at`,
    [selected.map((r) => r.id)],
  );
  const bySource = new Map(rows.map((r) => [r.sourceId, r]));
  return ids.map((id) => bySource.get(id) ?? null);
}

builder.queryField("sources", (t) =>
  t.prismaField({
    type: ["Source"],
    description: "Every data source, with its releases, licence, citation and freshness",
    resolve: (query) => db().prisma.source.findMany({ ...query, orderBy: { id: "asc" } }),
  }),
);

builder.queryField("source", (t) =>
  t.prismaField({
    type: "Source",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args) => db().prisma.source.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
);

interface DiffShape {
  source: string;
  from: number;
  to: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  changes: ReleaseChangeRow[];
}

const ReleaseChange = builder.objectRef<DiffShape["changes"][number]>("ReleaseChange").implement({
  description: "A value that differs between two releases (before or after null: added or removed), in tonnes",
  fields: (t) => ({
    territory: t.exposeString("territoryCode"),
    sector: t.exposeString("sector"),
    sourceSector: t.exposeString("sourceSector"),
    gas: t.exposeString("gas"),
    year: t.exposeInt("year"),
    before: t.exposeFloat("before", { nullable: true }),
    after: t.exposeFloat("after", { nullable: true }),
  }),
});

const ReleaseDiff = builder.objectRef<DiffShape>("ReleaseDiff").implement({
  description: "What changed between two releases of a source",
  fields: (t) => ({
    source: t.exposeString("source"),
    from: t.prismaField({
      type: "Release",
      resolve: (query, d) => db().prisma.release.findUniqueOrThrow({ ...query, where: { id: d.from } }),
    }),
    to: t.prismaField({
      type: "Release",
      resolve: (query, d) => db().prisma.release.findUniqueOrThrow({ ...query, where: { id: d.to } }),
    }),
    added: t.exposeInt("added"),
    removed: t.exposeInt("removed"),
    changed: t.exposeInt("changed"),
    unchanged: t.exposeInt("unchanged"),
    changes: t.field({ type: [ReleaseChange], resolve: (d) => d.changes }),
  }),
});

builder.queryField("releaseDiff", (t) =>
  t.field({
    type: ReleaseDiff,
    description: "Values added, removed and changed between two releases (ids or versions) of a source",
    args: {
      source: t.arg.string({ required: true }),
      from: t.arg.string({ required: true }),
      to: t.arg.string({ required: true }),
      first: t.arg.int({ defaultValue: 100, description: "how many changed values to list" }),
    },
    resolve: async (_root, args) => {
      const found = await db().query<{ id: number; version: string }>(
        `select id, version from release
         where source_id = $1 and (id::text = any($2::text[]) or version = any($2::text[])) order by id`,
        [args.source, [args.from, args.to]],
      );
      const id = (k: string) => {
        // an id names one release; a version may name several
        const byId = found.filter((f) => String(f.id) === k);
        const matches = byId.length ? byId : found.filter((f) => f.version === k);
        if (!matches.length) throw clientError("NOT_FOUND", `${args.source} has no release ${JSON.stringify(k)}`);
        // a source loaded again from a changed file keeps its version: the version then names several releases
        if (matches.length > 1)
          throw clientError(
            "RELEASE_AMBIGUOUS",
            `${args.source} has ${matches.length} releases with version ${JSON.stringify(k)} (ids ${matches.map((m) => m.id).join(", ")}): give a release id`,
            { ids: matches.map((m) => m.id) },
          );
        return matches[0].id;
      };
      const from = id(args.from);
      const to = id(args.to);
      const diff = await diffReleases(db(), from, to, Math.min(Math.max(args.first ?? 100, 0), 1000));
      return { source: args.source, from, to, ...diff };
    },
  }),
);
