// Guards a source's history: a new release that is clearly less complete than the one it would
// replace (a truncated download, half the rows or half of one sector's, a country, a year or a
// sector gone, or a large part of its cities and regions) is not published unless forced.
import type { Sql } from "../../db/client.ts";

/** Territory levels at which losing a single territory refuses the release. */
export const NATIONAL_LEVELS = ["planet", "region", "subregion", "intermediate_region", "country", "group"];

/** Below the national level (regions, departments, cities, communes), the share of the previous
 *  release's territories a new one may lack: a source may drop a few cities, not a large part. */
export const SUBNATIONAL_TOLERANCE = 0.05;

/** A country counts as having lost all its territories of a level (its cities) only when it had
 *  this many: one rejected city of a country with one city is a reject, not a lost country. */
export const MIN_SUBNATIONAL_PER_COUNTRY = 5;

/** A new release with fewer rows than this share of the previous one is refused. */
export const MIN_ROW_SHARE = 0.5;

const list = (items: (string | number)[], max = 5) =>
  `${items.slice(0, max).join(", ")}${items.length > max ? ` and ${items.length - max} more` : ""}`;

/** Returns why the new release looks incomplete next to the newest active one, or null. */
export async function incompleteness(
  tx: Sql,
  sourceId: string,
  releaseId: number,
  rowCount: number,
): Promise<string | null> {
  const [previous] = await tx.query<{ id: number; version: string; row_count: number }>(
    `select id, version, row_count from release where source_id = $1 and active and id <> $2
     order by loaded_at desc, id desc limit 1`,
    [sourceId, releaseId],
  );
  if (!previous) return null;
  const against = `release ${previous.version} (id ${previous.id})`;
  if (rowCount < previous.row_count * MIN_ROW_SHARE) {
    return `only ${rowCount} rows against ${previous.row_count} in ${against}`;
  }
  // territories of the previous release, each with whether the new one has it and its country
  // territories of the previous release, each with whether the new one has it and its country
  const territories = await tx.query<{
    code: string;
    level: string;
    national: boolean;
    kept: boolean;
    country: string | null;
  }>(
    `with prev as (select distinct territory_id as id from emission where release_id = $1),
          next as (select distinct territory_id as id from emission where release_id = $2)
     select t.code, t.level, t.level = any($3) as national, exists (select 1 from next where next.id = t.id) as kept,
       (select c.code from territory_ancestor a join territory c on c.id = a.ancestor_id
        where a.territory_id = t.id and c.level = 'country' limit 1) as country
     from prev join territory t on t.id = prev.id
     order by t.code`,
    [previous.id, releaseId, NATIONAL_LEVELS],
  );
  const lostNational = territories.filter((t) => t.national && !t.kept).map((t) => t.code);
  if (lostNational.length) return `${list(lostNational)} present in ${against} but missing here`;
  const sub = territories.filter((t) => !t.national);
  const lostSub = sub.filter((t) => !t.kept);
  if (lostSub.length) {
    // by country and level: a country's cities all gone while its regions stay is a loss too
    const groups = new Map<string, { country: string; level: string; total: number; lost: number }>();
    for (const t of sub) {
      const key = `${t.country ?? "?"}|${t.level}`;
      const g = groups.get(key) ?? { country: t.country ?? "?", level: t.level, total: 0, lost: 0 };
      g.total++;
      if (!t.kept) g.lost++;
      groups.set(key, g);
    }
    const wholly = [...groups.values()]
      .filter((g) => g.lost === g.total && g.total >= MIN_SUBNATIONAL_PER_COUNTRY)
      .map((g) => `all ${g.total} ${g.level} territories of ${g.country}`);
    if (wholly.length)
      return `${list(wholly)} present in ${against} are missing here (${list(lostSub.map((t) => t.code))})`;
    if (lostSub.length > sub.length * SUBNATIONAL_TOLERANCE)
      return `${lostSub.length} of the ${sub.length} sub-national territories of ${against} are missing here (${list(lostSub.map((t) => t.code))}), more than ${SUBNATIONAL_TOLERANCE * 100}%`;
  }
  const lostYears = await tx.query<{ year: number }>(
    `select distinct year from emission where release_id = $1
     except select distinct year from emission where release_id = $2 order by 1`,
    [previous.id, releaseId],
  );
  if (lostYears.length) {
    return `year(s) ${list(lostYears.map((r) => r.year))} present in ${against} but missing here`;
  }
  // each source sector (a column of a measures file, a sector of a long one): gone, or thinned out
  const sectors = await tx.query<{ name: string; before: number; now: number }>(
    `select ss.name, count(*) filter (where e.release_id = $1)::int as before,
       count(*) filter (where e.release_id = $2)::int as now
     from emission e join source_sector ss on ss.id = e.source_sector_id
     where e.release_id in ($1, $2) group by ss.name order by ss.name`,
    [previous.id, releaseId],
  );
  const lostSectors = sectors.filter((r) => r.before > 0 && r.now === 0);
  if (lostSectors.length) {
    return `sector(s) ${list(lostSectors.map((r) => `"${r.name}"`))} present in ${against} but missing here`;
  }
  const thinSectors = sectors.filter((r) => r.now < r.before * MIN_ROW_SHARE);
  if (thinSectors.length) {
    return `only ${list(thinSectors.map((r) => `${r.now} rows of sector "${r.name}" against ${r.before}`))} in ${against}`;
  }
  return null;
}
