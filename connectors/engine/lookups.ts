// Territory lookups, read in bulk once per load (one query per kind of scheme), never per row.
import type { Sql } from "../../db/client.ts";

/** Folds a territory name for matching: case, accents, punctuation and spacing do not count. */
export function foldName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const AMBIGUOUS = -1;

export interface TerritoryLookup {
  /** territory id of a source value, trying the aliases, then each scheme in order */
  find(value: string, aliases?: Record<string, string>): number | undefined;
  /** territory id by territory.code */
  byCode: Map<string, number>;
}

/**
 * Loads the maps for the given schemes: "code" (territory.code), "name" (territory.name and
 * name_fr, folded) and any territory_identifier scheme (alpha2, alpha3, iso3166-2, unlocode...).
 * territory.code is always loaded: aliases point at it.
 */
export async function loadTerritoryLookup(sql: Sql, schemes: string[]): Promise<TerritoryLookup> {
  const byCode = new Map<string, number>();
  for (const r of await sql.query<{ code: string; id: number }>(`select code, id from territory`))
    byCode.set(r.code, r.id);
  const maps = new Map<string, Map<string, number>>([["code", byCode]]);
  const identifierSchemes = schemes.filter((s) => s !== "code" && s !== "name");
  if (identifierSchemes.length) {
    const rows = await sql.query<{ scheme: string; value: string; territory_id: number }>(
      `select scheme, value, territory_id from territory_identifier where scheme = any($1)`,
      [identifierSchemes],
    );
    for (const s of identifierSchemes) maps.set(s, new Map());
    for (const r of rows) maps.get(r.scheme)?.set(r.value, r.territory_id);
  }
  if (schemes.includes("name")) {
    // A name shared by a country and a subdivision (Mexico, Georgia, Luxembourg) is the one nearer
    // the root; two territories at the same depth with one name are ambiguous and match neither.
    const names = new Map<string, { id: number; depth: number }>();
    const rows = await sql.query<{ id: number; name: string; name_fr: string | null; depth: number }>(
      `select id, name, name_fr, depth from territory where level not in ('commune', 'city', 'organisation')`,
    );
    for (const r of rows) {
      for (const n of new Set([r.name, r.name_fr].filter((x): x is string => !!x).map(foldName))) {
        const had = names.get(n);
        if (!had || r.depth < had.depth) names.set(n, { id: r.id, depth: r.depth });
        else if (had.id !== r.id && had.depth === r.depth) names.set(n, { id: AMBIGUOUS, depth: r.depth });
      }
    }
    maps.set("name", new Map([...names].map(([n, v]) => [n, v.id])));
  }
  return {
    byCode,
    find(value, aliases = {}) {
      const alias = aliases[value];
      if (alias !== undefined) return byCode.get(alias);
      for (const s of schemes) {
        const id = s === "name" ? maps.get(s)?.get(foldName(value)) : maps.get(s)?.get(value);
        if (id !== undefined && id !== AMBIGUOUS) return id;
      }
      return undefined;
    },
  };
}
