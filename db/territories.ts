// Territory lookup by any identifier, and ancestors through the closure table.
import type { Sql } from "./client.ts";

export interface TerritoryRef {
  id: number;
  code: string;
  level: string;
  name: string;
  nameFr: string | null;
  parentId: number | null;
  depth: number;
}

/**
 * Which scheme wins when one value is an identifier in several (INSEE department "53" Mayenne vs
 * INSEE region "53" Bretagne): after the canonical code, the international codes, then the finer
 * French codes before the coarser. Schemes not listed come last, in alphabetical order.
 */
export const SCHEME_PRIORITY = [
  "alpha2",
  "alpha3",
  "numeric",
  "m49",
  "iso3166-2",
  "nuts",
  "insee-commune",
  "insee-department",
  "insee-region",
  "unlocode",
  "siren",
  "epci",
  "edgar",
  "fips",
  "gaul",
  "alias",
];

/** The columns of a TerritoryRef, from `territory t`. */
export const territoryColumns = `t.id, t.code, t.level, t.name, t.name_fr as "nameFr", t.parent_id as "parentId", t.depth`;

/** `scheme:value` (insee-region:53) names the scheme; anything else is a value of any scheme. */
function splitInput(input: string): { scheme: string | null; value: string } {
  const m = /^([a-z][a-z0-9-]*):(.+)$/i.exec(input.trim());
  return m ? { scheme: m[1].toLowerCase(), value: m[2].trim() } : { scheme: null, value: input.trim() };
}

/**
 * Resolves codes in one query: canonical code first, then identifiers by SCHEME_PRIORITY.
 * Case-insensitive (identifiers are stored upper-case, and a value stored otherwise is found as
 * typed). Returns input -> territory, without the inputs found nowhere.
 */
export async function findTerritories(sql: Sql, codes: string[]): Promise<Map<string, TerritoryRef>> {
  const inputs = [...new Set(codes)];
  if (!inputs.length) return new Map();
  const parts = inputs.map(splitInput);
  const rows = await sql.query<TerritoryRef & { input: string }>(
    `with q (input, scheme, value) as (select * from unnest($1::text[], $2::text[], $3::text[])),
     hit (input, territory_id, rank, scheme) as (
       select q.input, t.id, 0, '' from q join territory t on t.code in (q.value, upper(q.value)) where q.scheme is null
       union all
       select q.input, i.territory_id, 1 + coalesce(array_position($4::text[], i.scheme), 1000), i.scheme
       from q join territory_identifier i on i.value in (q.value, upper(q.value))
       where q.scheme is null or i.scheme = q.scheme
     )
     select distinct on (hit.input) hit.input, ${territoryColumns}
     from hit join territory t on t.id = hit.territory_id
     order by hit.input, hit.rank, hit.scheme, t.code`,
    [inputs, parts.map((p) => p.scheme), parts.map((p) => p.value), SCHEME_PRIORITY],
  );
  return new Map(rows.map(({ input, ...t }) => [input, t]));
}

/** One territory by any identifier (see findTerritories), or undefined. */
export async function findTerritory(sql: Sql, code: string): Promise<TerritoryRef | undefined> {
  return (await findTerritories(sql, [code])).get(code);
}

/** Descendants of a territory at any depth, or at one level, ordered by code as the database orders them. */
export async function descendants(sql: Sql, territoryId: number, level: string | null): Promise<TerritoryRef[]> {
  return sql.query<TerritoryRef>(
    `select ${territoryColumns} from territory_ancestor a join territory t on t.id = a.territory_id
     where a.ancestor_id = $1 and ($2::text is null or a.level = $2::text) order by t.code`,
    [territoryId, level],
  );
}

/** Every territory of a level, by id. */
export async function atLevel(sql: Sql, level: string): Promise<TerritoryRef[]> {
  return sql.query<TerritoryRef>(`select ${territoryColumns} from territory t where t.level = $1 order by t.id`, [
    level,
  ]);
}

/** Members of a group (none for a territory that is not a group), by id. */
export async function members(sql: Sql, groupId: number): Promise<TerritoryRef[]> {
  return sql.query<TerritoryRef>(
    `select ${territoryColumns} from group_member m join territory t on t.id = m.member_id where m.group_id = $1 order by m.member_id`,
    [groupId],
  );
}

/** Ancestors of a territory, nearest first (its parent, ..., World). */
export async function ancestors(sql: Sql, territoryId: number): Promise<TerritoryRef[]> {
  return sql.query<TerritoryRef>(
    `select ${territoryColumns} from territory_ancestor a join territory t on t.id = a.ancestor_id
     where a.territory_id = $1 order by a.distance`,
    [territoryId],
  );
}
