// Roll-ups read from the precomputed tables (connectors/engine/rollups.ts) instead of the rows: for
// territories that report no value of their own, the sum of everything below them and how many of
// their children have a value, in one statement for all of them, whatever the number of rows below.
import type { Sql } from "../client.ts";
import { OUTSIDE_TREE } from "./indicators.ts";
import type { Cover } from "./slice.ts";

export interface PrecomputedRollup {
  /** none: no values below the territory in this release; unknown: not answerable from the
   *  precomputed tables (a subtree that is not exact, or children not counted) */
  kind: "none" | "unknown" | "known";
  /** the subtree's sums in the cover, by gas and GWP set (empty: no value in this slice) */
  sums: { gas: string; gwp: string | null; tonnes: number }[];
  /** the territory's children in the tree */
  children: number;
  /** of the cover's (sector, gas, GWP set) keys: the most children with values of one key, and the sum over keys */
  maxChildrenWithKey: number;
  sumChildrenWithKey: number;
}

/** The precomputed roll-up of each territory for one release, sector cover, gas cover and year. */
export async function precomputedRollups(
  sql: Sql,
  q: { territoryIds: number[]; releaseId: number; sectors: Cover; gases: Cover; year: number },
): Promise<Map<number, PrecomputedRollup>> {
  const result = new Map<number, PrecomputedRollup>();
  if (!q.territoryIds.length) return result;
  const rows = await sql.query<{
    territoryId: number;
    exact: boolean | null;
    children: number;
    gas: string | null;
    gwp: string | null;
    value: number | null;
    maxChildren: number | null;
    sumChildren: number | null;
    uncounted: boolean | null;
  }>(
    `select t.id as "territoryId", rt.exact,
       (select count(*)::int from territory c where c.parent_id = t.id and c.level <> all($6::text[])) as children,
       g.code as gas, nullif(r.gwp, '') as gwp, sum(r.value) as value,
       max(r.children) as "maxChildren", sum(r.children)::int as "sumChildren", bool_or(r.children is null) as uncounted
     from unnest($1::int[]) as t(id)
     left join rollup_territory rt on rt.release_id = $2 and rt.territory_id = t.id
     left join emission_rollup r on rt.exact and r.release_id = $2 and r.territory_id = t.id and r.year = $3
       and r.sector_id = any($4::int[]) and r.gas_id = any($5::int[])
     left join gas g on g.id = r.gas_id
     group by t.id, rt.exact, g.code, r.gwp`,
    [q.territoryIds, q.releaseId, q.year, q.sectors.candidates, q.gases.candidates, OUTSIDE_TREE],
  );
  for (const r of rows) {
    let p = result.get(r.territoryId);
    if (!p) {
      const kind = r.exact === null ? "none" : r.exact ? "known" : "unknown";
      p = { kind, sums: [], children: r.children, maxChildrenWithKey: 0, sumChildrenWithKey: 0 };
      result.set(r.territoryId, p);
    }
    if (r.gas === null) continue;
    if (r.uncounted) p.kind = "unknown";
    p.sums.push({ gas: r.gas, gwp: r.gwp, tonnes: Number(r.value) });
    p.maxChildrenWithKey = Math.max(p.maxChildrenWithKey, Number(r.maxChildren));
    p.sumChildrenWithKey += Number(r.sumChildren);
  }
  return result;
}
