// Discovery and the lookups behind derived metrics: which years, sectors and gases a territory has
// values for in each release, which territories of each level a release covers, and the rejected
// rows that name a territory. Each is one statement, batched over territories.
import type { Sql } from "../client.ts";
import { OUTSIDE_TREE } from "./indicators.ts";

export interface TerritoryAvailabilityRow {
  territoryId: number;
  releaseId: number;
  /** null when only descendants have values */
  firstYear: number | null;
  lastYear: number | null;
  years: number[];
  values: number;
  sectors: string[];
  gases: string[];
  children: number;
  childrenWithData: number;
  descendantsWithData: number;
}

/**
 * For each territory and release: the years, canonical sectors and gases of its own values, and
 * how many of its children (and descendants) have values of their own.
 */
export async function territoryAvailability(
  sql: Sql,
  territoryIds: number[],
  releaseIds: number[],
): Promise<TerritoryAvailabilityRow[]> {
  if (!territoryIds.length || !releaseIds.length) return [];
  return sql.query<TerritoryAvailabilityRow>(
    `with own as (
       select e.territory_id, e.release_id, min(e.year)::int as first_year, max(e.year)::int as last_year,
         array_agg(distinct e.year::int order by e.year::int) as years, count(*)::int as n,
         array_agg(distinct s.code order by s.code) as sectors, array_agg(distinct g.code order by g.code) as gases
       from emission e join sector s on s.id = e.sector_id join gas g on g.id = e.gas_id
       where e.territory_id = any($1::int[]) and e.release_id = any($2::int[])
       group by e.territory_id, e.release_id
     ),
     present as (select distinct release_id, territory_id from emission where release_id = any($2::int[])),
     below as (
       select a.ancestor_id as territory_id, p.release_id, count(*)::int as descendants,
         count(*) filter (where a.distance = 1)::int as children
       from present p join territory_ancestor a on a.territory_id = p.territory_id
       where a.ancestor_id = any($1::int[])
       group by a.ancestor_id, p.release_id
     ),
     kids as (
       select parent_id, count(*)::int as n from territory
       where parent_id = any($1::int[]) and level <> all($3::text[]) group by parent_id
     ),
     x as (
       select coalesce(own.territory_id, below.territory_id) as territory_id,
         coalesce(own.release_id, below.release_id) as release_id, own.first_year, own.last_year, own.years,
         own.n, own.sectors, own.gases, below.children, below.descendants
       from own full join below on below.territory_id = own.territory_id and below.release_id = own.release_id
     )
     select x.territory_id as "territoryId", x.release_id as "releaseId", x.first_year as "firstYear",
       x.last_year as "lastYear", coalesce(x.years, '{}') as years, coalesce(x.n, 0) as values,
       coalesce(x.sectors, '{}') as sectors, coalesce(x.gases, '{}') as gases,
       coalesce(kids.n, 0) as children, coalesce(x.children, 0) as "childrenWithData",
       coalesce(x.descendants, 0) as "descendantsWithData"
     from x left join kids on kids.parent_id = x.territory_id
     order by x.territory_id, x.release_id`,
    [territoryIds, releaseIds, OUTSIDE_TREE],
  );
}

export interface LevelAvailabilityRow {
  releaseId: number;
  level: string;
  territories: number;
  territoriesAtLevel: number;
  firstYear: number;
  lastYear: number;
  values: number;
  codes: string[];
}

/** For each release and territory level: how many territories (of how many) have values, their years and codes. */
export async function levelAvailability(
  sql: Sql,
  releaseIds: number[],
  level: string | null,
): Promise<LevelAvailabilityRow[]> {
  if (!releaseIds.length) return [];
  return sql.query<LevelAvailabilityRow>(
    `with present as (
       select release_id, territory_id, min(year)::int as first_year, max(year)::int as last_year, count(*)::int as n
       from emission where release_id = any($1::int[]) group by release_id, territory_id
     ),
     levels as (select level, count(*)::int as n from territory group by level)
     select p.release_id as "releaseId", t.level, count(*)::int as territories, levels.n as "territoriesAtLevel",
       min(p.first_year)::int as "firstYear", max(p.last_year)::int as "lastYear", sum(p.n)::int as values,
       array_agg(t.code order by t.code) as codes
     from present p join territory t on t.id = p.territory_id join levels on levels.level = t.level
     where ($2::text is null or t.level = $2::text)
     group by p.release_id, t.level, levels.n
     order by p.release_id, t.level`,
    [releaseIds, level],
  );
}

export interface NamedRejectRow {
  territoryId: number;
  id: number;
  runId: number;
  file: string;
  line: number;
  column: string | null;
  reason: string;
  raw: string | null;
}

/**
 * Rejected rows of these runs that name one of these territories: its code or one of its
 * identifiers (three characters or more, so that "29" or "FR" alone do not match), quoted in the
 * reason or the raw row, as the connectors write them. At most `perTerritory` rows each, in file order.
 */
export async function rejectsNaming(
  sql: Sql,
  runIds: number[],
  territoryIds: number[],
  perTerritory: number,
): Promise<NamedRejectRow[]> {
  if (!runIds.length || !territoryIds.length) return [];
  return sql.query<NamedRejectRow>(
    `with names as (
       select id as territory_id, '"' || code || '"' as quoted from territory where id = any($2::int[])
       union
       select territory_id, '"' || value || '"' from territory_identifier
       where territory_id = any($2::int[]) and length(value) >= 3
     ),
     hits as (
       select distinct n.territory_id, j.id, j.run_id, j.file, j.line, j.column, j.reason, j.raw
       from rejected_row j join names n
         on strpos(j.reason, n.quoted) > 0 or strpos(coalesce(j.raw, ''), n.quoted) > 0
       where j.run_id = any($1::int[])
     ),
     ranked as (
       select hits.*, row_number() over (partition by territory_id, run_id order by file, line, id) as k from hits
     )
     select territory_id as "territoryId", id, run_id as "runId", file, line, "column", reason, raw
     from ranked where k <= $3 order by territory_id, run_id, file, line, id`,
    [runIds, territoryIds, perTerritory],
  );
}

/** Every release whose id or version is `name`, with its source (to tell an ambiguous name). */
export async function releasesNamed(sql: Sql, name: string): Promise<{ id: number; sourceId: string }[]> {
  return sql.query<{ id: number; sourceId: string }>(
    `select id, source_id as "sourceId" from release where id::text = $1 or version = $1 order by source_id, id`,
    [name],
  );
}
