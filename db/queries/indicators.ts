// Context indicators (population, GDP), the children of territories and their populations, for
// per-capita values and a roll-up's coverage. Batched over territories.
import type { Sql } from "../client.ts";
import { type TerritoryRef, territoryColumns } from "../territories.ts";

/** Levels that are not part of the geographic tree's coverage (membership sets, organisations). */
export const OUTSIDE_TREE = ["group", "organisation"];

export interface IndicatorValue {
  territoryId: number;
  year: number;
  value: number;
  unit: string;
  sourceId: string;
}

/** Each territory's indicator at the year nearest to `year` (the exact year first, then the closest, earlier first). */
export async function nearestIndicator(
  sql: Sql,
  territoryIds: number[],
  indicator: string,
  year: number,
): Promise<Map<number, IndicatorValue>> {
  if (!territoryIds.length) return new Map();
  // per territory, the nearest year at or before and the nearest after, each found in the primary key
  const rows = await sql.query<IndicatorValue>(
    `select t.id as "territoryId", x.year, x.value, x.unit, x.source_id as "sourceId"
     from unnest($1::int[]) as t(id) cross join lateral (
       select * from (
         (select i.year, i.value, i.unit, i.source_id from indicator i
          where i.territory_id = t.id and i.indicator = $2 and i.year <= $3 order by i.year desc, i.source_id limit 1)
         union all
         (select i.year, i.value, i.unit, i.source_id from indicator i
          where i.territory_id = t.id and i.indicator = $2 and i.year > $3 order by i.year, i.source_id limit 1)
       ) c order by abs(c.year - $3), c.year, c.source_id limit 1
     ) x`,
    [territoryIds, indicator, year],
  );
  return new Map(rows.map((r) => [r.territoryId, { ...r, value: Number(r.value) }]));
}

export type ChildRow = TerritoryRef;

/** The children in the tree of every parent (groups and organisations are not children), by code. */
export async function childrenOf(sql: Sql, parentIds: number[]): Promise<ChildRow[]> {
  if (!parentIds.length) return [];
  return sql.query<ChildRow>(
    `select ${territoryColumns} from territory t where t.parent_id = any($1::int[]) and t.level <> all($2::text[])
     order by t.code`,
    [parentIds, OUTSIDE_TREE],
  );
}

/** Each territory's population nearest to `year`, else the sum of its communes' (null: unknown). */
export async function populations(sql: Sql, ids: number[], year: number): Promise<Map<number, number | null>> {
  if (!ids.length) return new Map();
  const rows = await sql.query<{ id: number; population: number | null }>(
    `select t.id, coalesce(
       (select i.value from indicator i where i.territory_id = t.id and i.indicator = 'population'
        order by abs(i.year - $2), i.year, i.source_id limit 1),
       (select sum(i.value) from territory_ancestor a
          join territory c on c.id = a.territory_id and c.level = 'commune'
          join indicator i on i.territory_id = c.id and i.indicator = 'population'
        where a.ancestor_id = t.id)
     ) as population
     from territory t where t.id = any($1::int[])`,
    [ids, year],
  );
  return new Map(rows.map((r) => [r.id, r.population === null ? null : Number(r.population)]));
}

export async function territoriesById(sql: Sql, ids: number[]): Promise<Map<number, TerritoryRef>> {
  if (!ids.length) return new Map();
  const rows = await sql.query<TerritoryRef>(
    `select ${territoryColumns} from territory t where t.id = any($1::int[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}
