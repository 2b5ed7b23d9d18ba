import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunSummary, runConnector, sampleDir } from "../../../connectors/engine/run.ts";
import { apiYear, unfcccDi } from "../../../connectors/sources/unfccc-di.ts";
import { type TestDatabase, testDrivers } from "../../helpers/database.ts";
import { databaseWithTerritories } from "./helpers.ts";

interface Value {
  value: number;
  gwp: string | null;
  original_value: number;
  original_unit: string;
}

/** The one value of a territory, source sector, gas and year in the newest unfccc-di release. */
async function storedValue(t: TestDatabase, territory: string, sourceSector: string, gas: string, year: number) {
  const rows = await t.db.query<Value>(
    `select e.value, e.gwp, e.original_value, e.original_unit
     from emission e join territory t on t.id = e.territory_id join source_sector ss on ss.id = e.source_sector_id
       join gas g on g.id = e.gas_id
     where e.release_id = (select max(id) from release where source_id = 'unfccc-di')
       and t.code = $1 and ss.name = $2 and g.code = $3 and e.year = $4`,
    [territory, sourceSector, gas, year],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

const count = async (t: TestDatabase, table: string) =>
  (await t.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

describe("DI API columns", () => {
  it("reads calendar years and the last inventory year, and no year from the base year", () => {
    expect(apiYear("1990")).toBe("1990");
    expect(apiYear("Last Inventory Year (2019)")).toBe("2019");
    expect(apiYear("Base year")).toBeUndefined();
  });
});

describe.each(testDrivers)("unfccc-di connector on %s", (driver) => {
  let t: TestDatabase;
  let first: RunSummary;
  beforeAll(async () => {
    t = await databaseWithTerritories(driver);
    first = await runConnector(t.db, unfcccDi, { config: t.config, trigger: "test" });
    console.log(
      `unfccc-di on ${driver}: ${first.ms} ms, ${first.rowsLoaded} rows loaded, ${first.rowsRejected} rejected`,
    );
  });
  afterAll(() => t?.drop());

  it("loads every value of the CSV and of the API answers once", async () => {
    expect(first.status).toBe("succeeded");
    // 59,765 distinct (party, category, gas, year) values of the CSV outside the 7 categories not
    // loaded, less the 408 distinct CO₂e repeats of the biomass memo item, and 14,900 numbers of the two
    // answers outside the base year and the two EU entities
    expect(first.rowsLoaded).toBe(59_765 - 408 + 14_900);
    expect(await count(t, "emission")).toBe(59_765 - 408 + 14_900);
  });

  it("stores CSV masses in tonnes with no GWP set", async () => {
    expect(await storedValue(t, "AF", "1.A Fuel Combustion - Sectoral Approach", "CH4", 2005)).toEqual({
      value: 33016.5,
      gwp: null,
      original_value: 33.0165,
      original_unit: "Gg",
    });
  });

  it("stores CSV CO2e under SAR GWP100, including values written with an exponent", async () => {
    expect(await storedValue(t, "AF", "1.A Fuel Combustion - Sectoral Approach", "GHG", 2005)).toMatchObject({
      value: 3_733_230,
      gwp: "SAR_100",
    });
    expect(await storedValue(t, "IN", "Total GHG emissions excluding LULUCF/LUCF", "GHG", 2010)).toMatchObject({
      value: 2_100_850_000,
      gwp: "SAR_100",
      original_value: 2.10085e6,
    });
  });

  it("loads the biomass memo item as biogenic CO2 under fuel combustion, and not into the GHG basket", async () => {
    const rows = await t.db.query<{ sector: string; gas: string }>(
      `select distinct s.code as sector, g.code as gas from emission e join source_sector ss on ss.id = e.source_sector_id
       join sector s on s.id = e.sector_id join gas g on g.id = e.gas_id where ss.name = 'CO₂ Emissions from Biomass'`,
    );
    expect(rows).toEqual([{ sector: "1.A", gas: "CO2_BIO" }]);
  });

  it("resolves the API's party, year and unit ids: France 1.AA CO2 2018 and GHG 2019 (AR4)", async () => {
    expect(await storedValue(t, "FR", "1.AA  Fuel Combustion - Sectoral approach", "CO2", 2018)).toEqual({
      value: 300084203.95160675,
      gwp: null,
      original_value: 300084.20395160676,
      original_unit: "Gg",
    });
    expect(await storedValue(t, "FR", "1.AA  Fuel Combustion - Sectoral approach", "GHG", 2019)).toMatchObject({
      value: 299729235.7539419,
      gwp: "AR4_100",
    });
  });

  it("reports the categories it does not load and the EU entities, naming file, line and column", async () => {
    const rejects = await t.db.query<{ file: string; line: number; column: string; reason: string }>(
      `select file, line, "column", reason from rejected_row where run_id = $1 order by file, line`,
      [first.runId],
    );
    expect(rejects.filter((r) => r.file === "detailed-data-by-country-non-annex-one.csv")).toHaveLength(7);
    expect(rejects).toContainEqual(
      expect.objectContaining({
        file: "annex-one__1.AA_Fuel_Combustion_Sectoral__CO2.json",
        column: "Party",
        reason: expect.stringContaining('"EUA" is the European Union (Convention)'),
      }),
    );
    expect(first.rowsRejected).toBe(7 + 2); // EUA and EUC, once each
  });

  it("changes nothing when run again on the same files", async () => {
    const before = await count(t, "emission");
    const again = await runConnector(t.db, unfcccDi, { config: t.config, trigger: "test" });
    expect(again.status).toBe("unchanged");
    expect(await count(t, "emission")).toBe(before);
  });

  it("rejects an unknown party and an unknown category naming file, line and column", async () => {
    const file = path.join(t.config.dataDir, "bad-di.csv");
    const lines = fs.readFileSync(path.join(sampleDir, unfcccDi.inputs.csv.sample), "utf8").split("\n").slice(0, 4);
    lines[2] = lines[2].replace("Afghanistan", "Atlantis");
    lines[3] = lines[3].replace("1.A Fuel Combustion - Sectoral Approach", "9.Z Unheard Of");
    fs.mkdirSync(t.config.dataDir, { recursive: true });
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    const run = await runConnector(t.db, unfcccDi, { config: t.config, trigger: "test", files: { csv: file } });
    // a 3-row CSV would replace a 74,665-row release: the engine refuses it, keeping the rejects
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/incomplete/);
    const rejects = await t.db.query<{ file: string; line: number; column: string; reason: string }>(
      `select file, line, "column", reason from rejected_row where run_id = $1 and file = 'bad-di.csv' order by line`,
      [run.runId],
    );
    expect(rejects).toEqual([
      expect.objectContaining({
        line: 3,
        column: "Party",
        reason: expect.stringContaining('unknown territory "Atlantis"'),
      }),
      expect.objectContaining({
        line: 4,
        column: "Category",
        reason: expect.stringContaining('unknown sector "9.Z Unheard Of"'),
      }),
    ]);
  });
});
