// The precomputed roll-ups (connectors/engine/rollups.ts) give the roll-up summed live, exactly, on
// the real sources: for every release and a spread of territories, the value, status and children
// of core/rollup.ts are the same from emission_rollup as from the rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRollups, ParentSums } from "../../../connectors/engine/rollups.ts";
import { gwpTable } from "../../../core/gwp.ts";
import { type RollupRow, rollup } from "../../../core/rollup.ts";
import { childrenOf } from "../../../db/queries/indicators.ts";
import { gasCover, gasTree, sectorCover, slice } from "../../../db/queries/slice.ts";
import type { TestDatabase } from "../../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../../helpers/loaded.ts";

const TERRITORIES = ["001", "150", "FR", "FR-IDF", "FR-29", "US"];

describe("precomputed roll-ups", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await loadedDatabase("pg", API_SOURCES);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("are written for the releases where they are exact, and give the live roll-up", { timeout: 600_000 }, async () => {
    const db = t.db;
    const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from rollup_territory`);
    expect(n).toBeGreaterThan(0);
    const sectors = await db.query<{ id: number; code: string; parentId: number | null }>(
      `select id, code, parent_id as "parentId" from sector`,
    );
    const gases = gasTree(await db.query<{ id: number; code: string }>(`select id, code from gas`));
    const gwp = gwpTable(
      (
        await db.query<{ gas: string; set: string; horizon: number; value: number }>(
          `select g.code as gas, v.set, v.horizon, v.value from gwp_value v join gas g on g.id = v.gas_id`,
        )
      ).map((g) => ({ ...g, value: Number(g.value) })),
    );
    const ids = await db.query<{ id: number }>(`select id from territory where code = any($1) order by code`, [
      TERRITORIES,
    ]);
    const releases = await db.query<{ id: number; year: number }>(
      `select r.id, max(e.year)::int as year from release r join emission e on e.release_id = r.id group by r.id`,
    );
    let compared = 0;
    for (const r of releases) {
      for (const sector of [null, "1.A"]) {
        for (const gas of [null]) {
          const q = {
            releaseIds: [r.id],
            sectors: [sectorCover(sectors, sector)],
            gases: [gasCover(gases, gas)],
            yearFrom: r.year,
            yearTo: r.year,
            withAncestors: true,
          };
          for (const { id } of ids) {
            const [pre, live] = await Promise.all([
              slice(db, { ...q, within: [id] }),
              slice(db, { ...q, within: [id], precomputed: false }),
            ]);
            const kids = await childrenOf(db, [id]);
            const toRows = (rows: typeof pre): RollupRow[] =>
              rows.map((x) => ({
                territoryId: x.territoryId,
                ancestors: x.ancestors ?? [],
                gas: x.gas,
                gwp: x.gwp,
                tonnes: x.value,
              }));
            const summary = (rows: typeof pre) => {
              try {
                const v = rollup(id, toRows(rows), kids, "AR5_100", gwp);
                if (!v) return null;
                return {
                  status: v.status,
                  value: Number(v.value.tonnes.toPrecision(9)),
                  children: [...v.childValues].map(([c, x]) => [c, x.status, Number(x.value.tonnes.toPrecision(9))]),
                  coverage: v.coverage,
                };
              } catch (e) {
                return (e as Error).message;
              }
            };
            expect(summary(pre), `release ${r.id}, territory ${id}, sector ${sector}, gas ${gas}`).toEqual(
              summary(live),
            );
            if (pre.some((x) => x.territoryId < 0)) compared++;
          }
        }
      }
    }
    // some of these answers did come from emission_rollup
    expect(compared).toBeGreaterThan(0);
  });

  it("are built only from the sums of every row of the release", async () => {
    const [r] = await t.db.query<{ id: number; n: number }>(
      `select release_id as id, count(*)::int as n from emission group by release_id order by 1 limit 1`,
    );
    const before = await t.db.query(`select count(*)::int as n from emission_rollup where release_id = $1`, [r.id]);
    await expect(t.db.transaction((tx) => buildRollups(tx, r.id, new ParentSums()))).rejects.toThrow(
      `the roll-ups were given the sums of 0 rows for a release of ${r.n} rows`,
    );
    expect(await t.db.query(`select count(*)::int as n from emission_rollup where release_id = $1`, [r.id])).toEqual(
      before,
    );
  });
});
