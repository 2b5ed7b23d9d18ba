// The catalog: the reference data every answer needs (sectors, gases, GWP values, sources) and the
// list of releases, read once per process and kept for a short while instead of once per request.
// A publish in this process (a run's commit, an admin switching a release) drops it at once; a
// release published by another process (the ingest Lambda, `ogs ingest` beside `ogs serve`) is seen
// within `maxAgeMs` (OGS_CATALOG_MAX_AGE_S). Kept per database, so a process that opens another one
// (the tests) never reads the catalog of the first.
import { onPublish } from "../connectors/engine/events.ts";
import { type GwpTable, gwpTable } from "../core/gwp.ts";
import { type Database, db } from "../db/client.ts";
import { type IndicatorValue, nearestIndicator } from "../db/queries/indicators.ts";
import { type ReleaseRow, type ReleaseSelection, releaseColumns } from "../db/queries/releases.ts";
import { type Cover, gasCover, gasTree, sectorCover, type TreeNode } from "../db/queries/slice.ts";
import { atLevel, descendants, findTerritory, members, type TerritoryRef } from "../db/territories.ts";
import type { Gas, Sector, Source } from "../generated/prisma/client.ts";

export interface Reference {
  sectors: Sector[];
  sectorById: Map<number, Sector>;
  sectorByCode: Map<string, Sector>;
  gases: Gas[];
  gasById: Map<number, Gas>;
  gasByCode: Map<string, Gas>;
  gasTree: TreeNode[];
  gwp: GwpTable;
  sources: Map<string, Source>;
  /** the cover of a sector or gas code (null: the total, all greenhouse gases), worked out once per catalog */
  sectorCover(code: string | null): Cover;
  gasCover(code: string | null): Cover;
}

export interface LevelTerritories {
  /** in id order */
  ids: number[];
  byId: Map<number, TerritoryRef>;
}

export interface Catalog {
  reference: Reference;
  /** every release, active or not, in id order */
  releases: ReleaseRow[];
  /** identifier lookups made since the catalog was read (null: found nowhere), at most MAX_LOOKUPS */
  lookups: Map<string, Promise<TerritoryRef | null>>;
  /** indicator values read since the catalog was read, by "indicator:year" then territory (null: none) */
  indicators: Map<string, Map<number, IndicatorValue | null>>;
  /** every territory of a level, by level, read since the catalog was read */
  levels: Map<string, Promise<LevelTerritories>>;
  /** descendants of a territory (at one level, or all) by "descendants:id:level", members of a group
   *  by "members:id", read since the catalog was read */
  territoryLists: Map<string, Promise<TerritoryRef[]>>;
}

/** "indicator:year" maps kept per catalog (a client asking every year of a series needs a few dozen). */
const MAX_INDICATOR_YEARS = 100;

const MAX_LOOKUPS = 10_000;

const MAX_LEVELS = 50;

/** territory lists kept per catalog (World's descendants are every territory: a few MB at most) */
const MAX_TERRITORY_LISTS = 200;

interface Entry {
  catalog: Promise<Catalog>;
  expires: number;
  /** the publish count when it was read: a later publish in this process outdates it */
  generation: number;
}

let maxAgeMs = 5_000;
let generation = 0;
const entries = new WeakMap<Database, Entry>();
onPublish(() => {
  generation++;
});

/** How long a catalog is kept (0: read on every request); createApi sets it from the configuration. */
export function setCatalogMaxAge(ms: number): void {
  maxAgeMs = ms;
  generation++;
}

/** Drops every kept catalog: after a change made behind the hub's back (raw SQL in a test or a script). */
export function forgetCatalog(): void {
  generation++;
}

/** The catalog of the current database: kept, or read in one round of statements (concurrent callers share it). */
export function catalog(): Promise<Catalog> {
  const database = db();
  const now = Date.now();
  const entry = entries.get(database);
  if (entry && entry.expires > now && entry.generation === generation) return entry.catalog;
  const fresh: Entry = { catalog: readCatalog(database), expires: now + maxAgeMs, generation };
  entries.set(database, fresh);
  fresh.catalog.catch(() => {
    if (entries.get(database) === fresh) entries.delete(database); // a failed read is not kept
  });
  return fresh.catalog;
}

async function readCatalog(database: Database): Promise<Catalog> {
  const prisma = database.prisma;
  const [sectors, gases, gwps, sources, releases] = await Promise.all([
    prisma.sector.findMany({ orderBy: { id: "asc" } }),
    prisma.gas.findMany({ orderBy: { id: "asc" } }),
    database.query<{ gas: string; set: string; horizon: number; value: number }>(
      `select g.code as gas, v.set, v.horizon, v.value from gwp_value v join gas g on g.id = v.gas_id`,
    ),
    prisma.source.findMany(),
    database.query<ReleaseRow>(`select ${releaseColumns} from release r order by r.id`),
  ]);
  const tree = gasTree(gases);
  return {
    reference: {
      sectors,
      sectorById: new Map(sectors.map((s) => [s.id, s])),
      sectorByCode: new Map(sectors.map((s) => [s.code, s])),
      gases,
      gasById: new Map(gases.map((g) => [g.id, g])),
      gasByCode: new Map(gases.map((g) => [g.code, g])),
      gasTree: tree,
      gwp: gwpTable(gwps.map((g) => ({ ...g, value: Number(g.value) }))),
      sources: new Map(sources.map((s) => [s.id, s])),
      sectorCover: once((code) => sectorCover(sectors, code)),
      gasCover: once((code) => gasCover(tree, code)),
    },
    releases,
    lookups: new Map(),
    indicators: new Map(),
    levels: new Map(),
    territoryLists: new Map(),
  };
}

/** Each territory's indicator nearest to `year` (db/queries/indicators.ts), remembered with the catalog. */
export async function indicatorValues(
  ids: readonly number[],
  indicator: string,
  year: number,
): Promise<Map<number, IndicatorValue>> {
  const database = db();
  const { indicators } = await catalog();
  const key = `${indicator}:${year}`;
  let known = indicators.get(key);
  if (!known) {
    if (indicators.size >= MAX_INDICATOR_YEARS) indicators.clear();
    known = new Map();
    indicators.set(key, known);
  }
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length) {
    const found = await nearestIndicator(database, missing, indicator, year);
    for (const id of missing) known.set(id, found.get(id) ?? null);
  }
  const result = new Map<number, IndicatorValue>();
  for (const id of ids) {
    const v = known.get(id);
    if (v) result.set(id, v);
  }
  return result;
}

/** Every territory of a level (db/territories.ts atLevel), remembered with the catalog. */
export async function territoriesAtLevel(level: string): Promise<LevelTerritories> {
  const database = db();
  // levels are a dozen; a client may send any string
  return remember((await catalog()).levels, level, MAX_LEVELS, async () => {
    const list = await atLevel(database, level);
    return { ids: list.map((t) => t.id), byId: new Map(list.map((t) => [t.id, t])) };
  });
}

/** A territory by any identifier (db/territories.ts findTerritory), remembered with the catalog. */
export async function lookupTerritory(code: string): Promise<TerritoryRef | null> {
  const database = db();
  return remember(
    (await catalog()).lookups,
    code,
    MAX_LOOKUPS,
    async () => (await findTerritory(database, code)) ?? null,
  );
}

/** Descendants of a territory, at one level or all, by code (db/territories.ts descendants), remembered with the catalog. */
export async function descendantsOf(territoryId: number, level: string | null): Promise<TerritoryRef[]> {
  const database = db();
  return remember(
    (await catalog()).territoryLists,
    `descendants:${territoryId}:${level ?? ""}`,
    MAX_TERRITORY_LISTS,
    () => descendants(database, territoryId, level),
  );
}

/** Members of a group, by id (db/territories.ts members), remembered with the catalog. */
export async function membersOf(groupId: number): Promise<TerritoryRef[]> {
  const database = db();
  return remember((await catalog()).territoryLists, `members:${groupId}`, MAX_TERRITORY_LISTS, () =>
    members(database, groupId),
  );
}

/** The value kept under `key`, or `load()` kept (the map emptied first when it holds `max`); a failed load is not kept. */
function remember<T>(kept: Map<string, Promise<T>>, key: string, max: number, load: () => Promise<T>): Promise<T> {
  let value = kept.get(key);
  if (!value) {
    if (kept.size >= max) kept.clear();
    value = load();
    kept.set(key, value);
    value.catch(() => kept.delete(key));
  }
  return value;
}

function once(fn: (code: string | null) => Cover): (code: string | null) => Cover {
  const kept = new Map<string | null, Cover>();
  return (code) => {
    let cover = kept.get(code);
    if (!cover) {
      cover = fn(code);
      kept.set(code, cover);
    }
    return cover;
  };
}

/**
 * One release per source, by the rules of db/queries/releases.ts selectReleases (which states them
 * in SQL): among the releases of the asked sources loaded by `asOf`, the active ones, or those
 * whose id or version is `release`; of those, the newest loaded (then the highest id). By source id.
 */
export function pickReleases(all: ReleaseRow[], selection: ReleaseSelection): ReleaseRow[] {
  const sources = selection.sources?.length ? new Set(selection.sources) : null;
  const asOf = selection.asOf?.getTime() ?? null;
  const name = selection.release ?? null;
  const best = new Map<string, ReleaseRow>();
  for (const r of all) {
    if (sources && !sources.has(r.sourceId)) continue;
    if (asOf !== null && r.loadedAt.getTime() > asOf) continue;
    if (name === null ? !r.active : String(r.id) !== name && r.version !== name) continue;
    const current = best.get(r.sourceId);
    const newer =
      !current ||
      r.loadedAt.getTime() > current.loadedAt.getTime() ||
      (r.loadedAt.getTime() === current.loadedAt.getTime() && r.id > current.id);
    if (newer) best.set(r.sourceId, r);
  }
  return [...best.values()].sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
}
