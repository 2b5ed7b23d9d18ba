// The aggregation core: the value of any (territory, sector, gas, year, release) slice, summed in
// SQL over every territory of a request at once (`= any($n::int[])`), never double counting.
//
// A source may publish a total and its parts (TOTAL_EXCL_LULUCF and 1, 1.A and 1.A.1, GHG and CH4).
// The value of sector S and gas G is the sum of the rows inside S and G that no other row of the
// same release, territory and year covers: a row is left out when a row at one of its ancestors
// (within the request) exists. Asking for no sector means the total: TOTAL_EXCL_LULUCF where
// published, else TOTAL_INCL_LULUCF, else the sum of the sectors (memo items left out).
import type { Sql } from "../client.ts";

export interface TreeNode {
  id: number;
  code: string;
  parentId: number | null;
}

/** Sectors a request takes rows from, and the (row sector, covering sector) pairs that exclude rows. */
export interface Cover {
  candidates: number[];
  covering: [number, number][];
}

const MEMO_SECTOR = "M.BK";
/** territories in a level above which a slice of the level reads a range rather than each territory */
const LARGE_LEVEL = 2_000;
const TOTAL_SECTORS = ["TOTAL_EXCL_LULUCF", "TOTAL_INCL_LULUCF"];

function ancestorsOf(nodes: TreeNode[]): Map<number, number[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const result = new Map<number, number[]>();
  for (const n of nodes) {
    const chain: number[] = [];
    for (let p = n.parentId; p !== null && chain.length < 50; p = byId.get(p)?.parentId ?? null) chain.push(p);
    result.set(n.id, chain);
  }
  return result;
}

/** The cover of canonical sector `code` (null: the total) over the sector tree. */
export function sectorCover(sectors: TreeNode[], code: string | null): Cover {
  const ancestors = ancestorsOf(sectors);
  const byCode = new Map(sectors.map((s) => [s.code, s]));
  if (code !== null) {
    const root = byCode.get(code);
    if (!root) return { candidates: [], covering: [] };
    const candidates = sectors
      .filter((s) => s.id === root.id || ancestors.get(s.id)!.includes(root.id))
      .map((s) => s.id);
    const inside = new Set(candidates);
    const covering: [number, number][] = [];
    for (const id of candidates) for (const a of ancestors.get(id)!) if (inside.has(a)) covering.push([id, a]);
    return { candidates, covering };
  }
  const memo = byCode.get(MEMO_SECTOR)?.id;
  const totals = TOTAL_SECTORS.map((c) => byCode.get(c)?.id).filter((id) => id !== undefined);
  const candidates = sectors
    .filter((s) => s.id !== memo && !ancestors.get(s.id)!.includes(memo ?? -1))
    .map((s) => s.id);
  const covering: [number, number][] = [];
  for (const id of candidates) {
    const rank = totals.indexOf(id);
    // a published total covers every sector; the total excluding LULUCF is preferred to the one including it
    for (const [i, t] of totals.entries()) if (t !== id && (rank === -1 || i < rank)) covering.push([id, t]);
    if (rank === -1) for (const a of ancestors.get(id)!) covering.push([id, a]);
  }
  return { candidates, covering };
}

/** Parent of each gas in the basket tree; gases not listed sit under OTHER, HFCs under HFCS. */
const GAS_PARENT: Record<string, string> = {
  CO2: "GHG",
  CH4: "GHG",
  N2O: "GHG",
  FGASES: "GHG",
  OTHER: "GHG",
  HFCS: "FGASES",
  PFCS: "FGASES",
  SF6: "FGASES",
  NF3: "FGASES",
};
const OUTSIDE_GHG = new Set(["GHG", "CO2_BIO"]);

export function gasTree(gases: { id: number; code: string }[]): TreeNode[] {
  const ids = new Map(gases.map((g) => [g.code, g.id]));
  return gases.map((g) => {
    let parent: string | null = GAS_PARENT[g.code] ?? (OUTSIDE_GHG.has(g.code) ? null : "OTHER");
    if (!GAS_PARENT[g.code] && /^HFC/.test(g.code)) parent = "HFCS";
    return { id: g.id, code: g.code, parentId: parent ? (ids.get(parent) ?? null) : null };
  });
}

/** The cover of gas `code` (null: all greenhouse gases, the GHG basket) over the basket tree. */
export function gasCover(gases: TreeNode[], code: string | null): Cover {
  return sectorCover(gases, code ?? "GHG");
}

export interface SliceScope {
  /** exactly these territories */
  territoryIds?: number[];
  /** these territories and all their descendants (roll-up) */
  within?: number[];
  /** every territory of a level (rankings), and how many there are */
  level?: { name: string; size: number };
}

export interface SliceQuery extends SliceScope {
  releaseIds: number[];
  /** one key per requested sector cover (breakdown by sector asks for several) */
  sectors: Cover[];
  gases: Cover[];
  yearFrom?: number | null;
  yearTo?: number | null;
  /** also return each territory's ancestors, nearest first (roll-up) */
  withAncestors?: boolean;
  /** within: read the subtrees of the children that have precomputed roll-ups from emission_rollup (default true) */
  precomputed?: boolean;
}

export interface SliceRow {
  territoryId: number;
  parentId: number | null;
  sourceId: string;
  releaseId: number;
  year: number;
  /** index into SliceQuery.sectors / gases */
  sectorKey: number;
  gasKey: number;
  gas: string;
  gwp: string | null;
  value: number;
  /** nearest first. A precomputed subtree sum comes as one row per gas and GWP set with territoryId = -(the
   *  child it is under) and ancestors [child, ...the child's ancestors]: core/rollup.ts takes it as the
   *  child's descendants, which it is */
  ancestors?: number[];
}

/** PostgreSQL array literals: the covers are the same from one request to the next, so their
 *  parameters are written once (per cover list) instead of encoded element by element each time. */
const literals = new WeakMap<Cover, string[]>();
const intArray = (xs: number[]) => `{${xs.join(",")}}`;

function coverArrays(covers: Cover[]): string[] {
  const one = covers.length === 1 ? literals.get(covers[0]) : undefined;
  if (one) return one;
  const keys: number[] = [];
  const ids: number[] = [];
  const pk: number[] = [];
  const pid: number[] = [];
  const panc: number[] = [];
  covers.forEach((c, k) => {
    for (const id of c.candidates) {
      keys.push(k);
      ids.push(id);
    }
    for (const [id, anc] of c.covering) {
      pk.push(k);
      pid.push(id);
      panc.push(anc);
    }
  });
  const arrays = [keys, ids, pk, pid, panc].map(intArray);
  if (covers.length === 1) literals.set(covers[0], arrays);
  return arrays;
}

/** The common table expressions of a slice statement, the last one `x`: the covered sums per
 *  territory, release, year, requested sector, requested gas, gas and GWP set (see slice). */
export function sliceStatement(q: SliceQuery): { ctes: string; params: unknown[]; ancestors: string } {
  const params: unknown[] = [...coverArrays(q.sectors), ...coverArrays(q.gases), q.releaseIds];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  const scope: string[] = [];
  const precomputed = q.within !== undefined && !q.territoryIds && !q.level && q.precomputed !== false;
  let pre = "";
  if (q.territoryIds) scope.push(`e.territory_id = any(${p(q.territoryIds)}::int[])`);
  if (q.within) {
    const w = p(q.within);
    if (precomputed) {
      pre = `kids as materialized (
          select territory_id as id from territory_ancestor where ancestor_id = any(${w}::int[]) and distance = 1
        ),
        pre as materialized (
          select k.id from kids k join rollup_territory rt on rt.territory_id = k.id and rt.release_id = any($11::int[]) and rt.exact
          where not exists (select 1 from territory_ancestor n where n.territory_id = any(${w}::int[]) and n.ancestor_id = any(${w}::int[]))
          group by k.id having count(*) = cardinality($11::int[])
        ),
        scope_t as materialized (
          select unnest(${w}::int[]) as id union all select id from kids
          union all select a.territory_id from territory_ancestor a
          where a.ancestor_id = any(array(select id from kids where id not in (select id from pre)))
        ),`;
      scope.push(`e.territory_id in (select id from scope_t)`);
    } else {
      scope.push(
        `e.territory_id = any(${w}::int[])`,
        `e.territory_id in (select territory_id from territory_ancestor where ancestor_id = any(${w}::int[]))`,
      );
    }
  }
  if (q.level) {
    // a level of a few hundred territories (countries) is read territory by territory; a level of
    // thousands (communes) as one range of emission_slice_idx, kept by a hashed semi-join
    const ids = `select id from territory where level = ${p(q.level.name)}`;
    scope.push(q.level.size > LARGE_LEVEL ? `e.territory_id in (${ids})` : `e.territory_id = any(array(${ids}))`);
  }
  if (!scope.length) throw new Error("slice needs a territory scope");
  where.push(`(${scope.join(" or ")})`);
  const years: string[] = [];
  if (q.yearFrom != null) years.push(`year >= ${p(q.yearFrom)}`);
  if (q.yearTo != null) years.push(`year <= ${p(q.yearTo)}`);
  where.push(...years.map((y) => `e.${y}`));
  const ancestorsOf = (id: string) =>
    `(select coalesce(array_agg(ancestor_id order by distance), '{}') from territory_ancestor a where a.territory_id = ${id})`;
  const ancestors = q.withAncestors
    ? `, case when x.territory_id < 0 then array[-x.territory_id] || ${ancestorsOf("-x.territory_id")}
         else ${ancestorsOf("x.territory_id")} end as ancestors`
    : "";
  // the requested key of a row: with one cover it is 0 and the cover is a filter (the usual total,
  // ranking or roll-up), with several (breakdowns) a join on the (key, id) pairs
  const keyed = (t: string) => {
    const one = (covers: Cover[], ids: string, req: string, key: string, column: string) =>
      covers.length === 1
        ? { key: `0 as ${key}`, join: "", filter: ` and ${t}.${column} = any(${ids}::int[])` }
        : { key: `${req}.${key}`, join: ` join ${req} on ${req}.${column} = ${t}.${column}`, filter: "" };
    const sk = one(q.sectors, "$2", "sreq", "skey", "sector_id");
    const gk = one(q.gases, "$7", "greq", "gkey", "gas_id");
    return { keys: `${sk.key}, ${gk.key}`, joins: sk.join + gk.join, filters: sk.filter + gk.filter };
  };
  const ek = keyed("e");
  const rk = keyed("r");
  const subtrees = precomputed
    ? `union all
        select true, r.release_id, -r.territory_id, r.year, r.sector_id, r.gas_id, nullif(r.gwp, ''), r.value, ${rk.keys}
        from emission_rollup r join pre on pre.id = r.territory_id${rk.joins}
        where r.release_id = any($11::int[])${rk.filters}${years.map((y) => ` and r.${y}`).join("")}`
    : "";
  return {
    ctes: `with sreq as (select * from unnest($1::int[], $2::int[]) as r(skey, sector_id)),
      scov as (select * from unnest($3::int[], $4::int[], $5::int[]) as r(skey, sector_id, anc_id)),
      greq as (select * from unnest($6::int[], $7::int[]) as r(gkey, gas_id)),
      gcov as (select * from unnest($8::int[], $9::int[], $10::int[]) as r(gkey, gas_id, anc_id)),
      ${pre}
      e as materialized (
        select false as sub, e.release_id, e.territory_id, e.year, e.sector_id, e.gas_id, e.gwp, e.value, ${ek.keys}
        from emission e${ek.joins}
        where e.release_id = any($11::int[])${ek.filters} and ${where.join(" and ")}
        ${subtrees}
      ),
      -- a row is left out when another row of the same release, territory and year covers it (an
      -- ancestor sector or gas within the request): an anti-join, hashed on the row's key
      -- only rows that share their release, territory, year and requested key with another can be
      -- covered: without any (one row each, the usual case) the anti-join is skipped
      shared as materialized (
        select exists (select from e where not sub group by release_id, territory_id, year, skey, gkey having count(*) > 1) as found
      ),
      kept as (
        select e.* from e where e.sub or not (select found from shared)
        union all
        select e.* from e where not e.sub and (select found from shared) and not exists (
          select 1 from e c
          where c.release_id = e.release_id and c.territory_id = e.territory_id and c.year = e.year
            and c.skey = e.skey and c.gkey = e.gkey and not c.sub and (c.sector_id, c.gas_id) <> (e.sector_id, e.gas_id)
            and (c.sector_id = e.sector_id or exists (select 1 from scov
                 where scov.skey = e.skey and scov.sector_id = e.sector_id and scov.anc_id = c.sector_id))
            and (c.gas_id = e.gas_id or exists (select 1 from gcov
                 where gcov.gkey = e.gkey and gcov.gas_id = e.gas_id and gcov.anc_id = c.gas_id))
        )
      ),
      x as (
        select territory_id, release_id, year, skey, gkey, gas_id, gwp, sum(value) as value
        from kept group by territory_id, release_id, year, skey, gkey, gas_id, gwp
      )`,
    params,
    ancestors,
  };
}

/** One statement: the covered sums per territory, release, year, requested sector, requested gas, gas and GWP set.
 *
 * With `within`, the rows of the requested territories and of their children are read from emission;
 * under a child that has precomputed roll-ups for every selected release (rollup_territory, see
 * connectors/engine/rollups.ts), the subtree's sum comes from emission_rollup, one row per sector,
 * gas, GWP set and year whatever the number of territories below; other subtrees are read row by
 * row. When one requested territory is inside another, everything is read row by row. */
export async function slice(sql: Sql, q: SliceQuery): Promise<SliceRow[]> {
  if (!q.releaseIds.length || !q.sectors.length || !q.gases.length) return [];
  const { ctes, params, ancestors } = sliceStatement(q);
  const rows = await sql.query<SliceRow>(
    `${ctes}
     select x.territory_id as "territoryId", t.parent_id as "parentId", r.source_id as "sourceId",
       x.release_id as "releaseId", x.year, x.skey as "sectorKey", x.gkey as "gasKey", g.code as gas, x.gwp,
       x.value${ancestors}
     from x left join territory t on t.id = x.territory_id join release r on r.id = x.release_id join gas g on g.id = x.gas_id`,
    params,
  );
  for (const r of rows) {
    r.value = Number(r.value);
    r.year = Number(r.year);
  }
  return rows;
}

export interface TopRow {
  territoryId: number;
  releaseId: number;
  gas: string;
  gwp: string | null;
  value: number;
  /** with populations: the population the value is divided by */
  population: number | null;
}

/**
 * The `limit` territories with the largest sums of a one-year slice, largest first (then by id), in
 * one statement: the ranking of a level without reading every territory's rows in Node. Null when
 * the database cannot order them alone: a territory whose values are in several bases (gases or GWP
 * sets, which only a conversion can add), or values from several releases (several sources).
 */
export async function sliceTop(
  sql: Sql,
  q: SliceQuery,
  limit: number,
  /** order by the value per person, with these populations by territory, leaving out territories without one */
  populations?: Map<number, number>,
): Promise<TopRow[] | null> {
  if (q.yearFrom == null || q.yearFrom !== q.yearTo || q.sectors.length !== 1 || q.gases.length !== 1)
    throw new Error("sliceTop ranks one year of one sector and gas cover");
  if (!q.releaseIds.length) return [];
  const { ctes, params } = sliceStatement(q);
  const perCapita = populations !== undefined;
  if (populations) params.push([...populations.keys()], [...populations.values()]);
  const pop = `unnest($${params.length - 1}::int[], $${params.length}::float8[]) as pop(territory_id, value)`;
  params.push(limit);
  const rows = await sql.query<Partial<TopRow> & { plain: boolean }>(
    `${ctes},
     -- one year and one cover: x has a row per territory, release, gas and GWP set (a basis); plain
     -- when each territory has one basis and every row comes from one release
     per_territory as (select count(*) as bases, min(release_id) as lo, max(release_id) as hi from x group by territory_id),
     plain as materialized (select coalesce(max(bases) = 1 and min(lo) = max(hi), true) as ok from per_territory),
     ranked as (
       select p.*, ${perCapita ? `p.value / pop.value` : "p.value"} as by_value, ${perCapita ? "pop.value" : "null::float8"} as population
       from x p${perCapita ? ` join ${pop} on pop.territory_id = p.territory_id where pop.value > 0` : ""}
     )
     select plain.ok as plain, top.* from plain left join lateral (
       select p.territory_id as "territoryId", p.release_id as "releaseId", g.code as gas, p.gwp, p.value, p.population
       from ranked p join gas g on g.id = p.gas_id
       order by p.by_value desc, p.territory_id limit $${params.length}
     ) top on plain.ok`,
    params,
    { prepare: true },
  );
  if (!rows[0]?.plain) return null;
  return rows
    .filter((r) => r.territoryId != null)
    .map((r) => ({
      territoryId: r.territoryId!,
      releaseId: r.releaseId!,
      gas: r.gas!,
      gwp: r.gwp ?? null,
      value: Number(r.value),
      population: r.population == null ? null : Number(r.population),
    }));
}

export interface SeriesRow {
  territoryId: number;
  sourceId: string;
  releaseId: number;
  sectorId: number;
  gasId: number;
  gwp: string | null;
  year: number;
  value: number;
}

/** One statement: every territory's values by source, canonical sector, gas and year (the nested query). */
export async function sectorSeries(
  sql: Sql,
  q: { territoryIds: number[]; releaseIds: number[]; yearFrom?: number | null; yearTo?: number | null },
): Promise<SeriesRow[]> {
  if (!q.releaseIds.length || !q.territoryIds.length) return [];
  const rows = await sql.query<SeriesRow>(
    `select e.territory_id as "territoryId", r.source_id as "sourceId", e.release_id as "releaseId",
       e.sector_id as "sectorId", e.gas_id as "gasId", e.gwp, e.year, sum(e.value) as value
     from emission e join release r on r.id = e.release_id
     where e.territory_id = any($1::int[]) and e.release_id = any($2::int[])
       and ($3::int is null or e.year >= $3::int) and ($4::int is null or e.year <= $4::int)
     group by e.territory_id, r.source_id, e.release_id, e.sector_id, e.gas_id, e.gwp, e.year
     order by e.territory_id, r.source_id, e.sector_id, e.gas_id, e.year`,
    [q.territoryIds, q.releaseIds, q.yearFrom ?? null, q.yearTo ?? null],
    { prepare: true },
  );
  for (const r of rows) {
    r.value = Number(r.value);
    r.year = Number(r.year);
  }
  return rows;
}
