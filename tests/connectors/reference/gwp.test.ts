import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunSummary, runConnector, sampleDir } from "../../../connectors/engine/run.ts";
import { gwp, mapGwp } from "../../../connectors/reference/gwp.ts";
import { CORE_GASES, seed } from "../../../db/seed.ts";
import { freshDatabase, type TestDatabase, testDrivers } from "../../helpers/database.ts";

const file = fs.readFileSync(path.join(sampleDir, gwp.inputs.table.sample));

describe("mapGwp", () => {
  it("reads every species below the comment lines, GWP columns only", () => {
    const rejects: unknown[] = [];
    const { rowsRead, values } = mapGwp(file, "globalwarmingpotentials.csv", (r) => rejects.push(r));
    expect(rowsRead).toBe(105);
    expect(rejects).toEqual([]);
    expect(new Set(values.map((v) => v.set))).toEqual(new Set(["SAR", "TAR", "AR4", "AR5", "AR5CCF", "AR6"]));
    expect(new Set(values.map((v) => v.horizon))).toEqual(new Set([20, 100, 500]));
    expect(values.find((v) => v.gas === "HFC134A" && v.set === "AR5CCF" && v.horizon === 100)?.value).toBe(1549);
  });

  it("rejects a cell that is not a number, with its line and column", () => {
    const rejects: { line: number; column?: string }[] = [];
    mapGwp("Species,AR6GWP100,AR6GTP100\nCH4,27.9,5.38\nN2O,n/a,233\n", "x.csv", (r) => rejects.push(r));
    expect(rejects).toMatchObject([{ line: 3, column: "AR6GWP100", reason: "not a number: n/a" }]);
  });
});

describe.each(testDrivers)("gwp connector on %s", (driver) => {
  let t: TestDatabase;
  let run: RunSummary;
  beforeAll(async () => {
    t = await freshDatabase(driver);
    await seed(t.db);
    run = await runConnector(t.db, gwp, { config: t.config });
  });
  afterAll(() => t?.drop());

  const value = async (gas: string, set: string, horizon: number) =>
    (
      await t.db.query<{ value: number }>(
        `select v.value from gwp_value v join gas g on g.id = v.gas_id where g.code = $1 and v.set = $2 and v.horizon = $3`,
        [gas, set, horizon],
      )
    )[0]?.value;

  it("loads methane's GWP100 as 25 under AR4 and 27.9 under AR6", async () => {
    expect(run.error).toBeUndefined();
    expect(run.status).toBe("succeeded");
    expect(await value("CH4", "AR4", 100)).toBe(25);
    expect(await value("CH4", "AR6", 100)).toBe(27.9);
    expect(await value("CH4", "AR6", 20)).toBe(81.2);
    expect(await value("SF6", "SAR", 100)).toBe(23_900);
  });

  it("gives CO2 a GWP of 1 in every set and keeps the seeded gases' names", async () => {
    expect(await value("CO2", "AR5", 100)).toBe(1);
    const [ch4] = await t.db.query<{ name: string }>(`select name from gas where code = 'CH4'`);
    expect(ch4.name).toBe(CORE_GASES.find((g) => g[0] === "CH4")?.[1]);
  });

  it("adds every species of the file as a gas, and skips GTP values", async () => {
    const [{ n }] = await t.db.query<{ n: number }>(
      `select count(distinct g.code)::int as n from gas g join gwp_value v on v.gas_id = g.id`,
    );
    expect(n).toBe(106); // 105 species and CO2
    const [{ sets }] = await t.db.query<{ sets: string }>(
      `select string_agg(distinct set, ',' order by set) as sets from gwp_value`,
    );
    expect(sets).toBe("AR4,AR5,AR5CCF,AR6,SAR,TAR");
  });

  it("reports unchanged on a second run", async () => {
    const [before] = await t.db.query<{ n: number }>(`select count(*)::int as n from gwp_value`);
    const second = await runConnector(t.db, gwp, { config: t.config });
    expect(second.status).toBe("unchanged");
    const [after] = await t.db.query<{ n: number }>(`select count(*)::int as n from gwp_value`);
    expect(after.n).toBe(before.n);
  });
});
