// Precomputed roll-ups of a release, written in the load's transaction (run.ts calls buildRollups
// before the release is published), so they are as consistent as the rows themselves.
//
// A roll-up (core/rollup.ts) values a territory that does not report by summing its nearest
// reporting descendants; over the commune level that means reading tens of thousands of rows per
// answer. emission_rollup holds, for a territory A, the sum of the release's values at every
// territory strictly below A, by canonical sector, gas, GWP set and year. That sum is the roll-up's
// exactly when, below A, no territory with values has another with values below it (else only the
// upper one counts) and no value of a territory covers another of the same territory (a total and
// its parts, CO2 and the GHG basket: the slice keeps only the upper one). rollup_territory lists the
// territories A where both hold (exact), and every other territory with values below it (not exact),
// so that a territory absent there has no values below it; the API reads emission_rollup for the
// exact ones and sums live elsewhere.
//
// Each emission_rollup row also counts the children of A with values of its key at or below them:
// a roll-up's status (DERIVED when every child has a value, PARTIAL otherwise) then needs no read of
// the children. Counted where each territory has at most one row per key (one source sector per
// canonical sector and gas) and A has no child outside the tree (an organisation) with values.
import type { Sql } from "../../db/client.ts";
import { OUTSIDE_TREE } from "../../db/queries/indicators.ts";
import { gasTree } from "../../db/queries/slice.ts";
import type { EmissionRow } from "./map.ts";

const TOTAL_SECTORS = ["TOTAL_EXCL_LULUCF", "TOTAL_INCL_LULUCF"];

/** (row, covering) pairs of the sector and gas trees: a row of the first can be left out for one of the second. */
async function coveringPairs(sql: Sql) {
  const sectors = await sql.query<{ id: number; code: string; parent_id: number | null }>(
    `select id, code, parent_id from sector`,
  );
  const gases = await sql.query<{ id: number; code: string }>(`select id, code from gas`);
  const pairs = (nodes: { id: number; parentId: number | null }[]) => {
    const parent = new Map(nodes.map((n) => [n.id, n.parentId]));
    const out: [number, number][] = [];
    for (const n of nodes)
      for (let p = n.parentId, i = 0; p !== null && p !== undefined && i < 50; p = parent.get(p) ?? null, i++)
        out.push([n.id, p]);
    return out;
  };
  const sector = pairs(sectors.map((s) => ({ id: s.id, parentId: s.parent_id })));
  const totals = sectors.filter((s) => TOTAL_SECTORS.includes(s.code)).map((s) => s.id);
  for (const s of sectors) for (const t of totals) if (t !== s.id) sector.push([s.id, t]);
  const gas = pairs(gasTree(gases));
  return { sector, gas };
}

/**
 * The sums of a release's rows under each territory's parent, by canonical sector, gas, GWP set and
 * year, and how many rows each sums: gathered in Node from the rows the writers hold anyway
 * (EmissionWriter.flush), instead of a group-by over the whole release joined to the closure table
 * in the database (its largest cost: 1.6 s of the bundled sources' 816,000 rows).
 */
export class ParentSums {
  /** rows added, with a parent or not: buildRollups checks it against the release's rows */
  rows = 0;
  /** parent -> (GWP set, sector, gas, year) as one number -> sum */
  private readonly sums = new Map<number, Map<number, { value: number; n: number }>>();
  private readonly gwps = new Map<string | null, number>([[null, 0]]);

  /** The parent of each of these territories in the tree, one each (none: a group, World). */
  static async parentsOf(sql: Sql, territoryIds: number[]): Promise<Map<number, number>> {
    const rows = await sql.query<{ t: number; p: number }>(
      `select territory_id as t, ancestor_id as p from territory_ancestor where territory_id = any($1::int[]) and distance = 1`,
      [territoryIds],
    );
    return new Map(rows.map((r) => [r.t, r.p]));
  }

  /** Adds a row the release now holds, under its territory's parent. */
  add(parent: number | undefined, row: Pick<EmissionRow, "sectorId" | "gasId" | "gwp" | "year" | "value">): void {
    this.rows++;
    if (parent === undefined) return;
    let gwp = this.gwps.get(row.gwp);
    if (gwp === undefined) {
      gwp = this.gwps.size;
      this.gwps.set(row.gwp, gwp);
    }
    if (row.sectorId >= 1024 || row.gasId >= 1024 || gwp >= 1024 || !(row.year >= 0 && row.year < 16384))
      throw new Error(`roll-up key out of range: sector ${row.sectorId}, gas ${row.gasId}, year ${row.year}`);
    const key = ((gwp * 1024 + row.sectorId) * 1024 + row.gasId) * 16384 + row.year;
    let byKey = this.sums.get(parent);
    if (!byKey) {
      byKey = new Map();
      this.sums.set(parent, byKey);
    }
    const sum = byKey.get(key);
    if (sum) {
      sum.value += row.value;
      sum.n++;
    } else byKey.set(key, { value: row.value, n: 1 });
  }

  /** The sums as columns: parent, sector, gas, GWP set ('' for none), year, value, rows. */
  columns(): [number[], number[], number[], string[], number[], number[], number[]] {
    const gwpName = [...this.gwps.keys()].map((g) => g ?? "");
    const cols: ReturnType<ParentSums["columns"]> = [[], [], [], [], [], [], []];
    for (const [parent, byKey] of this.sums)
      for (const [key, sum] of byKey) {
        cols[0].push(parent);
        cols[1].push(Math.floor(key / 2 ** 24) % 1024);
        cols[2].push(Math.floor(key / 16384) % 1024);
        cols[3].push(gwpName[Math.floor(key / 2 ** 34)]);
        cols[4].push(key % 16384);
        cols[5].push(sum.value);
        cols[6].push(sum.n);
      }
    return cols;
  }
}

export interface RollupStats {
  /** territories whose subtree sums are stored */
  territories: number;
  /** emission_rollup rows written */
  rows: number;
}

/** Computes and stores the roll-ups of one release (inside the load's transaction), from the
 *  parent sums its writers gathered: every row of the release must have been added to them. */
export async function buildRollups(sql: Sql, releaseId: number, sums: ParentSums): Promise<RollupStats> {
  const cover = await coveringPairs(sql);
  await sql.query(
    `create temp table rl_combo on commit drop as
    select territory_id, sector_id, gas_id, min(source_sector_id) <> max(source_sector_id) as several, count(*)::int as n
    from emission where release_id = $1 group by 1, 2, 3`,
    [releaseId],
  );
  const [{ n }] = await sql.query<{ n: number }>(`select coalesce(sum(n), 0)::int as n from rl_combo`);
  if (n !== sums.rows)
    throw new Error(`the roll-ups were given the sums of ${sums.rows} rows for a release of ${n} rows`);
  await sql.query(
    `create temp table rl_cover on commit drop as
    select * from unnest($1::int[], $2::int[]) as s(sector_id, anc_sector_id)`,
    [cover.sector.map((p) => p[0]), cover.sector.map((p) => p[1])],
  );
  await sql.query(
    `create temp table rl_gcover on commit drop as
    select * from unnest($1::int[], $2::int[]) as g(gas_id, anc_gas_id)`,
    [cover.gas.map((p) => p[0]), cover.gas.map((p) => p[1])],
  );
  // (sector, gas) pairs of the release where one can cover the other: none (the usual case for a
  // bottom-up inventory) means no territory can hold a covered value, and the per-territory check is skipped
  const coverExpr = (x: string, y: string) => `(${y}.sector_id = ${x}.sector_id or exists (select 1 from rl_cover c
      where c.sector_id = ${x}.sector_id and c.anc_sector_id = ${y}.sector_id))
    and (${y}.gas_id = ${x}.gas_id or exists (select 1 from rl_gcover c where c.gas_id = ${x}.gas_id and c.anc_gas_id = ${y}.gas_id))
    and (${x}.sector_id, ${x}.gas_id) <> (${y}.sector_id, ${y}.gas_id)`;
  const [{ covers }] = await sql.query<{ covers: boolean }>(`with g as (select distinct sector_id, gas_id from rl_combo)
    select exists (select 1 from g x join g y on ${coverExpr("x", "y")}) as covers`);
  await sql.query(
    `create temp table rl_bad on commit drop as
    select distinct x.territory_id from rl_combo x join rl_combo y on y.territory_id = x.territory_id and ${coverExpr("x", "y")}
    where $1::boolean`,
    [covers],
  );
  await sql.query(`create temp table rl_valid on commit drop as
    with rt as (select distinct territory_id from rl_combo),
    -- territories with values that have another territory with values below them
    upper as (select distinct a.ancestor_id as id from territory_ancestor a
      join rt d on d.territory_id = a.territory_id join rt u on u.territory_id = a.ancestor_id),
    invalid as (select a.ancestor_id as id from territory_ancestor a
      where a.territory_id in (select id from upper union select territory_id from rl_bad))
    select distinct a.ancestor_id as territory_id from territory_ancestor a
    where a.territory_id in (select territory_id from rt) and a.ancestor_id not in (select id from invalid)`);
  // one pass over the release's rows: sums under each parent, then up the tree through the closure table
  await sql.query(
    `create temp table rl_parent on commit drop as
    select * from unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::int[], $6::float8[], $7::int[])
      as p(parent_id, sector_id, gas_id, gwp, year, value, n)`,
    sums.columns(),
  );
  // children with values below: counted per key where one row per territory and key is certain
  const [{ countable }] = await sql.query<{ countable: boolean }>(
    `select not exists (select 1 from rl_combo where several) as countable`,
  );
  const [{ rows }] = await sql.query<{ rows: number }>(
    `with up as (
       select v.territory_id as root, p.* from rl_valid v join rl_parent p on p.parent_id = v.territory_id
       union all
       select a.ancestor_id, p.* from rl_parent p
         join territory_ancestor a on a.territory_id = p.parent_id join rl_valid v on v.territory_id = a.ancestor_id
     ), ins as (
       insert into emission_rollup (release_id, territory_id, sector_id, gas_id, gwp, year, value, rows)
       select $1, root, sector_id, gas_id, gwp, year, sum(value), sum(n) from up group by root, sector_id, gas_id, gwp, year
       returning 1
     )
     select count(*)::int as rows from ins`,
    [releaseId],
  );
  if (countable) {
    // the children of A with values of a key: those with rows of it (rl_parent counts one row per
    // child) and those with a roll-up row of it (one per child); never both, A being exact
    await sql.query(
      `update emission_rollup r set children = c.n
       from (
         select parent_id, sector_id, gas_id, gwp, year, sum(n)::int as n from (
           select parent_id, sector_id, gas_id, gwp, year, n from rl_parent
           union all
           select a.ancestor_id, x.sector_id, x.gas_id, x.gwp, x.year, count(*) from emission_rollup x
             join territory_ancestor a on a.territory_id = x.territory_id and a.distance = 1
           where x.release_id = $1 group by 1, 2, 3, 4, 5
         ) u group by 1, 2, 3, 4, 5
       ) c
       where r.release_id = $1 and r.territory_id = c.parent_id and r.sector_id = c.sector_id and r.gas_id = c.gas_id
         and r.gwp = c.gwp and r.year = c.year
         and r.territory_id not in (select t.parent_id from rl_combo x join territory t on t.id = x.territory_id
           where t.level = any($2::text[]) and t.parent_id is not null)`,
      [releaseId, OUTSIDE_TREE],
    );
  }
  const [{ territories }] = await sql.query<{ territories: number }>(
    `with ins as (
       insert into rollup_territory (release_id, territory_id, exact)
       select $1, a.ancestor_id, bool_or(v.territory_id is not null)
       from territory_ancestor a left join rl_valid v on v.territory_id = a.ancestor_id
       where a.territory_id in (select territory_id from rl_combo) group by a.ancestor_id
       returning exact
     )
     select count(*) filter (where exact)::int as territories from ins`,
    [releaseId],
  );
  for (const t of ["rl_combo", "rl_cover", "rl_gcover", "rl_bad", "rl_valid", "rl_parent"])
    await sql.query(`drop table ${t}`);
  return { territories, rows };
}
