// Territory lookups, read in bulk (one query per scheme), never per row, and kept while the tree is unchanged.
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
 * The maps of one territory tree, by scheme, kept per process: every run of `ingest --all` needs
 * the same 46,000 codes and 80,000 identifiers, and reading them into maps costs 150 ms a run. The
 * key is the tree's fingerprint (the database, the territories' latest release, the row counts and
 * the highest id), so a reloaded or changed tree is read again; the two latest trees are kept.
 */
const kept = new Map<string, Map<string, Map<string, number>>>();

async function treeFingerprint(sql: Sql): Promise<string> {
  const [{ f }] = await sql.query<{ f: string }>(
    `select concat_ws(':', current_database(), (select max(id) from release where source_id = 'territories'),
       (select count(*) from territory), (select max(id) from territory), (select count(*) from territory_identifier)) as f`,
  );
  return f;
}

async function schemeMap(sql: Sql, scheme: string): Promise<Map<string, number>> {
  if (scheme === "code") {
    const byCode = new Map<string, number>();
    for (const r of await sql.query<{ code: string; id: number }>(`select code, id from territory`))
      byCode.set(r.code, r.id);
    return byCode;
  }
  if (scheme === "name") {
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
    return new Map([...names].map(([n, v]) => [n, v.id]));
  }
  const map = new Map<string, number>();
  for (const r of await sql.query<{ value: string; territory_id: number }>(
    `select value, territory_id from territory_identifier where scheme = $1`,
    [scheme],
  ))
    map.set(r.value, r.territory_id);
  return map;
}

/**
 * Loads the maps for the given schemes: "code" (territory.code), "name" (territory.name and
 * name_fr, folded) and any territory_identifier scheme (alpha2, alpha3, iso3166-2, unlocode...).
 * territory.code is always loaded: aliases point at it.
 */
export async function loadTerritoryLookup(sql: Sql, schemes: string[]): Promise<TerritoryLookup> {
  const fingerprint = await treeFingerprint(sql);
  let tree = kept.get(fingerprint);
  if (!tree) {
    // two trees at most: runs two at a time see the committed tree and, inside openghgmap's
    // transaction, the tree with its new cities; neither should evict the other
    if (kept.size >= 2) kept.delete(kept.keys().next().value!);
    tree = new Map();
    kept.set(fingerprint, tree);
  }
  const maps = new Map<string, Map<string, number>>();
  for (const scheme of new Set(["code", ...schemes])) {
    let map = tree.get(scheme);
    if (!map) {
      map = await schemeMap(sql, scheme);
      tree.set(scheme, map);
    }
    maps.set(scheme, map);
  }
  const byCode = maps.get("code")!;
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
