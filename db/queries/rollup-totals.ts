// The totals of a batch of territories for one release, sector cover, gas cover and year, in one
// statement: the values each reports itself (the slice, db/queries/slice.ts), and for the others
// the precomputed roll-up (connectors/engine/rollups.ts): the sum of everything below them and how
// many of their children have a value, whatever the number of rows below.
import type { Quantity } from "../../core/gwp.ts";
import type { Sql } from "../client.ts";
import { OUTSIDE_TREE } from "./indicators.ts";
import { type Cover, sliceStatement } from "./slice.ts";

export interface PrecomputedRollup {
  /** none: no values below the territory in this release; unknown: not answerable from the
   *  precomputed tables (a subtree that is not exact, or children not counted) */
  kind: "none" | "unknown" | "known";
  /** the subtree's sums in the cover, by gas and GWP set (empty: no value in this slice) */
  sums: Quantity[];
  /** the territory's children in the tree (counted for the known kind only) */
  children: number;
  /** of the cover's (sector, gas, GWP set) keys: the most children with values of one key, and the sum over keys */
  maxChildrenWithKey: number;
  sumChildrenWithKey: number;
}

export interface QuickTotals {
  /** the covered sums each territory reports itself, by gas and GWP set */
  own: Map<number, Quantity[]>;
  /** the territories without values of their own */
  precomputed: Map<number, PrecomputedRollup>;
}

interface Row {
  precomputed: boolean;
  territoryId: number;
  gas: string | null;
  gwp: string | null;
  value: number | null;
  exact: boolean | null;
  children: number | null;
  maxChildren: number | null;
  sumChildren: number | null;
  uncounted: boolean | null;
}

export async function quickTotals(
  sql: Sql,
  q: { territoryIds: number[]; releaseId: number; sectors: Cover; gases: Cover; year: number },
): Promise<QuickTotals> {
  const result: QuickTotals = { own: new Map(), precomputed: new Map() };
  if (!q.territoryIds.length) return result;
  const { ctes, params } = sliceStatement({
    territoryIds: q.territoryIds,
    releaseIds: [q.releaseId],
    sectors: [q.sectors],
    gases: [q.gases],
    yearFrom: q.year,
    yearTo: q.year,
  });
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const [ids, release, year] = [p(q.territoryIds), p(q.releaseId), p(q.year)];
  const [sectors, gases, outside] = [p(q.sectors.candidates), p(q.gases.candidates), p(OUTSIDE_TREE)];
  const rows = await sql.query<Row>(
    `${ctes},
     pre as (
       select t.id as territory_id, rt.exact,
         case when rt.exact then (select count(*)::int from territory c
           where c.parent_id = t.id and c.level <> all(${outside}::text[])) end as children,
         r.gas_id, nullif(r.gwp, '') as gwp, sum(r.value) as value,
         max(r.children) as max_children, sum(r.children)::int as sum_children, bool_or(r.children is null) as uncounted
       from unnest(${ids}::int[]) as t(id)
       left join rollup_territory rt on rt.release_id = ${release}::int and rt.territory_id = t.id
       left join emission_rollup r on rt.exact and r.release_id = ${release}::int and r.territory_id = t.id
         and r.year = ${year}::int and r.sector_id = any(${sectors}::int[]) and r.gas_id = any(${gases}::int[])
       where t.id not in (select territory_id from x)
       group by t.id, rt.exact, r.gas_id, r.gwp
     )
     select false as precomputed, x.territory_id as "territoryId", g.code as gas, x.gwp, x.value,
       null::boolean as exact, null::int as children, null::int as "maxChildren", null::int as "sumChildren",
       null::boolean as uncounted
     from x join gas g on g.id = x.gas_id
     union all
     select true, p.territory_id, g.code, p.gwp, p.value, p.exact, p.children, p.max_children, p.sum_children, p.uncounted
     from pre p left join gas g on g.id = p.gas_id`,
    params,
    { prepare: true },
  );
  for (const r of rows) {
    if (!r.precomputed) {
      const list = result.own.get(r.territoryId) ?? [];
      list.push({ gas: r.gas!, gwp: r.gwp, tonnes: Number(r.value) });
      result.own.set(r.territoryId, list);
      continue;
    }
    let pre = result.precomputed.get(r.territoryId);
    if (!pre) {
      const kind = r.exact === null ? "none" : r.exact ? "known" : "unknown";
      pre = { kind, sums: [], children: r.children ?? 0, maxChildrenWithKey: 0, sumChildrenWithKey: 0 };
      result.precomputed.set(r.territoryId, pre);
    }
    if (r.gas === null) continue;
    if (r.uncounted) pre.kind = "unknown";
    pre.sums.push({ gas: r.gas, gwp: r.gwp, tonnes: Number(r.value) });
    pre.maxChildrenWithKey = Math.max(pre.maxChildrenWithKey, Number(r.maxChildren));
    pre.sumChildrenWithKey += Number(r.sumChildren);
  }
  return result;
}
