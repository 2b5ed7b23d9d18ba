import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunSummary, runConnector, sampleDir } from "../../../connectors/engine/run.ts";
import { ademeBeges, organisationOf } from "../../../connectors/sources/ademe-beges.ts";
import { type TestDatabase, testDrivers } from "../../helpers/database.ts";
import { databaseWithTerritories } from "./helpers.ts";

const count = async (t: TestDatabase, sql: string) => (await t.db.query<{ n: number }>(sql))[0].n;

/** Sum of an organisation's values of one canonical sector and gas in one year, with the GWP sets met. */
async function scopeTotal(t: TestDatabase, org: string, sector: string, gas: string, year: number) {
  const [row] = await t.db.query<{ value: number; gwps: string[] }>(
    `select sum(e.value)::float8 as value, array_agg(distinct coalesce(e.gwp, 'mass')) as gwps
     from emission e join territory t on t.id = e.territory_id join sector s on s.id = e.sector_id join gas g on g.id = e.gas_id
     where t.code = $1 and s.code = $2 and g.code = $3 and e.year = $4`,
    [org, sector, gas, year],
  );
  return row;
}

describe("ADEME organisations", () => {
  it("are named by their one SIREN, a SIRET counting as its SIREN", () => {
    expect(organisationOf("BOIRON", ["96750469700822", "967504697"]).code).toBe("FR-SIREN-967504697");
  });
  it("are named by ADEME's organisation name when they have several SIRENs or none", () => {
    expect(organisationOf("Conseil Général de l'Allier", []).code).toBe("ADEME-conseil-general-de-l-allier");
    expect(organisationOf("ARKEMA FRANCE", ["319632790", "775728025"]).code).toBe("ADEME-arkema-france");
  });
});

describe.each(testDrivers)("ademe-beges connector on %s", (driver) => {
  let t: TestDatabase;
  let first: RunSummary;
  beforeAll(async () => {
    t = await databaseWithTerritories(driver);
    first = await runConnector(t.db, ademeBeges, { config: t.config, trigger: "test" });
    console.log(
      `ademe-beges on ${driver}: ${first.ms} ms, ${first.rowsLoaded} rows loaded, ${first.rowsRejected} rejected`,
    );
  });
  afterAll(() => t?.drop());

  it("creates one organisation territory under France per SIREN or name, named as in its latest assessment", async () => {
    expect(first.status).toBe("succeeded");
    expect(await count(t, `select count(*)::int as n from territory where level = 'organisation'`)).toBe(2606);
    const [maif] = await t.db.query<{ name: string; parent: string; siren: string; ancestors: number }>(
      `select t.name, p.code as parent, i.value as siren,
         (select count(*)::int from territory_ancestor a where a.territory_id = t.id) as ancestors
       from territory t join territory p on p.id = t.parent_id join territory_identifier i on i.territory_id = t.id and i.scheme = 'siren'
       where t.code = 'FR-SIREN-775709702'`,
    );
    expect(maif).toMatchObject({
      name: "MAIF",
      parent: "FR",
      siren: "775709702",
    });
    expect(maif.ancestors).toBeGreaterThan(1);
  });

  it("loads each declared value once and rejects both sides of conflicting assessments", async () => {
    // 129,602 declared values in 129,272 keys; 57 keys have differing values: 123 rejects (a value
    // repeated before the differing one is counted as a duplicate, not rejected again)
    expect(first.rowsRead).toBe(129_602);
    expect(first.rowsLoaded).toBe(129_215);
    expect(first.rowsRejected).toBe(123 + 1); // + the one line on the 13,392 "Référence" rows
  });

  it("sums scope items to the assessment's scope totals (MAIF 2011, AR4)", async () => {
    // assessments.csv line 2: total_scope_1 6017.0, total_scope_2 2170.0, total_scope_3 59931.0
    expect(await scopeTotal(t, "FR-SIREN-775709702", "SCOPE1", "GHG", 2011)).toEqual({
      value: 6017,
      gwps: ["AR4_100"],
    });
    expect(await scopeTotal(t, "FR-SIREN-775709702", "SCOPE2", "GHG", 2011)).toEqual({
      value: 2170,
      gwps: ["AR4_100"],
    });
    expect(await scopeTotal(t, "FR-SIREN-775709702", "SCOPE3", "GHG", 2011)).toEqual({
      value: 59931,
      gwps: ["AR4_100"],
    });
    // emissions.csv lines 2-3: co2 624.0 + 4565.0 (a mass), co2_biogenic 266.0 (memo)
    expect(await scopeTotal(t, "FR-SIREN-775709702", "SCOPE1", "CO2", 2011)).toEqual({ value: 5189, gwps: ["mass"] });
    expect(await scopeTotal(t, "FR-SIREN-775709702", "SCOPE1", "CO2_BIO", 2011)).toEqual({
      value: 266,
      gwps: ["mass"],
    });
  });

  it("stores reporting years from 2016 under AR5", async () => {
    const rows = await t.db.query<{ gwp: string; from: number; to: number }>(
      `select gwp, min(year)::int as from, max(year)::int as to from emission where gwp is not null group by gwp order by gwp`,
    );
    expect(rows).toEqual([
      { gwp: "AR4_100", from: 2009, to: 2015 },
      { gwp: "AR5_100", from: 2016, to: 2020 },
    ]);
  });

  it("names both lines of a conflict", async () => {
    const rejects = await t.db.query<{ file: string; line: number; reason: string }>(
      `select file, line, reason from rejected_row where run_id = $1 and reason like 'conflicting%' order by line`,
      [first.runId],
    );
    expect(rejects).toHaveLength(123);
    expect(rejects[0].file).toBe("emissions.csv");
    expect(rejects[0].reason).toMatch(
      /^conflicting values for territory "FR-SIREN-\d{9}|ADEME-.*", year \d{4}: .* at line \d+, .* at line \d+/,
    );
  });

  it("changes nothing when run again, and keeps the organisations' ids", async () => {
    const ids = await t.db.query<{ id: number }>(`select id from territory where level = 'organisation' order by code`);
    const emissions = await count(t, `select count(*)::int as n from emission`);
    const again = await runConnector(t.db, ademeBeges, { config: t.config, trigger: "test" });
    expect(again.status).toBe("unchanged");
    expect(await count(t, `select count(*)::int as n from emission`)).toBe(emissions);
    expect(await t.db.query(`select id from territory where level = 'organisation' order by code`)).toEqual(ids);
  });

  it("rejects an unknown scope item and a non-numeric value naming file, line and column", async () => {
    const dir = path.join(t.config.dataDir, "bad-ademe");
    fs.mkdirSync(dir, { recursive: true });
    const lines = fs
      .readFileSync(path.join(sampleDir, ademeBeges.inputs.emissions.sample), "utf8")
      .split("\n")
      .slice(0, 60);
    lines[1] = lines[1].replace(/^1,Déclaration,1,624\.0/, "1,Déclaration,99,624.0");
    lines[2] = lines[2].replace("4565.0", "lots");
    const file = path.join(dir, "emissions.csv");
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    const run = await runConnector(t.db, ademeBeges, { config: t.config, trigger: "test", files: { emissions: file } });
    const rejects = await t.db.query<{ line: number; column: string; reason: string }>(
      `select line, "column", reason from rejected_row where run_id = $1 and line < 4 order by line`,
      [run.runId],
    );
    expect(rejects).toEqual([
      { line: 2, column: "scope_item_id", reason: 'unknown scope item "99"' },
      { line: 3, column: "co2", reason: 'not a number: "lots"' },
    ]);
  });
});
