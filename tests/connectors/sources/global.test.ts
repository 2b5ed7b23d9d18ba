// The national connectors (GCP, EDGAR, Climate Watch, OWID, a user's spec file) on real files,
// and how a run fails: each problem names file, line and column, and loaded data stays as it was.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestCommand } from "../../../cli/ingest.ts";
import { runConnector } from "../../../connectors/engine/run.ts";
import { climateWatchCait } from "../../../connectors/sources/climate-watch-cait.ts";
import { edgar } from "../../../connectors/sources/edgar.ts";
import { gcp } from "../../../connectors/sources/gcp.ts";
import { owid } from "../../../connectors/sources/owid.ts";
import { unfcccAnnex1 } from "../../../connectors/sources/unfccc-annex1.ts";
import { unfcccNonAnnex1 } from "../../../connectors/sources/unfccc-non-annex1.ts";
import type { Connector } from "../../../connectors/types.ts";
import type { TestDatabase } from "../../helpers/database.ts";
import { testDrivers } from "../../helpers/database.ts";
import { databaseWithTerritories, emissionCount, figure, rejectsOf } from "./helpers.ts";

const data = path.join(import.meta.dirname, "../../../data/emissions");
const example = path.join(import.meta.dirname, "../../../examples/unfccc-annex1-spec.json");
const Mt = 1e6;

describe.each(testDrivers)("national connectors on %s", (driver) => {
  let t: TestDatabase;
  let tmp: string;
  const run = (c: Connector, files?: Record<string, string>) => runConnector(t.db, c, { config: t.config, files });
  /** Writes a file derived from a real one into the temp folder. */
  const derive = (name: string, bytes: Buffer | string) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  const gcpLines = () =>
    fs.readFileSync(path.join(data, "gcp/GCB2020v18_MtCO2_flat.csv")).toString("latin1").split("\r\n");

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ogs-sources-"));
    t = await databaseWithTerritories(driver);
  });
  afterAll(async () => {
    await t?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("loads GCP and gives France's 2018 fossil CO2 back exactly", async () => {
    const s = await run(gcp);
    expect(s).toMatchObject({ status: "succeeded" });
    expect(s.rowsRejected / s.rowsRead).toBeLessThan(0.01);
    expect(await figure(t.db, { source: "gcp", territory: "FR", year: 2018, gas: "CO2", sourceSector: "Total" })).toBe(
      331725446,
    );
    expect(
      await figure(t.db, { source: "gcp", territory: "FR", year: 1990, gas: "CO2", sourceSector: "Total" }),
    ).toBeCloseTo(401.0 * Mt, -5);
    const [release] = await t.db.query<{ version: string }>(`select version from release where source_id = 'gcp'`);
    expect(release.version).toBe("GCB2020v18");
    const rejects = await rejectsOf(t.db, s.runId);
    expect(rejects).toContainEqual(
      expect.objectContaining({
        file: "GCB2020v18_MtCO2_flat.csv",
        column: "ISO 3166-1 alpha-3",
        reason: expect.stringMatching(/unknown territory "PCZ"/),
      }),
    );
  });

  it("says unchanged when the same file is run again, and loads nothing more", async () => {
    const before = await emissionCount(t.db, "gcp");
    const s = await run(gcp);
    expect(s.status).toBe("unchanged");
    expect(await emissionCount(t.db, "gcp")).toBe(before);
  });

  it("loads EDGAR with FRA_MCO as France: 323.3 Mt in 2018, sum of its sectors", async () => {
    const s = await run(edgar);
    expect(s).toMatchObject({ status: "succeeded", rowsRejected: 0 });
    const fr = await figure(t.db, { source: "edgar", territory: "FR", year: 2018, gas: "CO2" });
    expect((fr as number) / Mt).toBeCloseTo(323.3, 1);
    const aviation = await figure(t.db, {
      source: "edgar",
      territory: "001",
      year: 2018,
      gas: "CO2",
      sector: "M.BK.A",
    });
    expect(aviation).toBeGreaterThan(0);
  });

  it("loads the UNFCCC Annex I file: France all GHG without LULUCF in 2018 = 452.21 Mt CO2e (AR4)", async () => {
    const s = await run(unfcccAnnex1);
    expect(s).toMatchObject({ status: "succeeded", rowsRejected: 0 });
    const ghg = { source: "unfccc-annex1", territory: "FR", year: 2018, gas: "GHG", sector: "TOTAL_EXCL_LULUCF" };
    expect(await figure(t.db, ghg)).toBe(452210000);
    expect(await figure(t.db, { ...ghg, gas: "CO2" })).toBe(338330000);
    const [g] = await t.db.query<{ gwp: string }>(
      `select distinct gwp from emission e join release r on r.id = e.release_id where r.source_id = 'unfccc-annex1'`,
    );
    expect(g.gwp).toBe("AR4_100");
  });

  it("loads the UNFCCC non-Annex I file with SAR GWPs, skipping N/A cells", async () => {
    const s = await run(unfcccNonAnnex1);
    expect(s).toMatchObject({ status: "succeeded", rowsRejected: 0 });
    expect(s.rowsDuplicate).toBe(30);
    expect(
      await figure(t.db, { source: "unfccc-non-annex1", territory: "AF", year: 2013, gas: "CH4", sector: "3.AGR" }),
    ).toBe(10250000);
  });

  it("loads Climate Watch CAIT, names and groups resolved: France 2016 all GHG excluding LUCF = 410.11 Mt", async () => {
    const s = await run(climateWatchCait);
    expect(s).toMatchObject({ status: "succeeded", rowsRejected: 0 });
    const fr = { source: "climate-watch-cait", territory: "FR", year: 2016, gas: "GHG", sector: "TOTAL_EXCL_LULUCF" };
    expect(await figure(t.db, fr)).toBe(410110000);
    expect(await figure(t.db, { ...fr, territory: "001", sector: "TOTAL_INCL_LULUCF" })).toBe(49358030000);
    expect(await figure(t.db, { ...fr, territory: "EU27" })).toBeGreaterThan(0);
  });

  it("loads OWID emissions and population and GDP into indicator", async () => {
    const s = await run(owid);
    expect(s.status).toBe("succeeded");
    expect(await figure(t.db, { source: "owid", territory: "FR", year: 2016, gas: "CO2", sourceSector: "co2" })).toBe(
      342956000,
    );
    const [pop] = await t.db.query<{ value: number; unit: string }>(
      `select value, unit from indicator i join territory t on t.id = i.territory_id
       where t.code = 'FR' and i.indicator = 'population' and i.year = 2016 and i.source_id = 'owid'`,
    );
    const line = fs
      .readFileSync(path.join(data, "owid/owid-co2-data.csv"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("FRA,France,2016,")) as string;
    expect(pop).toEqual({ value: Number(line.split(",")[36]), unit: "persons" });
    const rejects = await rejectsOf(t.db, s.runId);
    expect(rejects.some((r) => /not loaded: "OECD"/.test(r.reason))).toBe(true);
  });

  it("runs a user's JSON spec file, as `ogs ingest --spec` does", async () => {
    const failed = await ingestCommand(t.db, t.config, [], { spec: example });
    expect(failed).toBe(0);
    const fr = { source: "my-unfccc-annex1", territory: "FR", year: 2018, gas: "GHG", sector: "TOTAL_EXCL_LULUCF" };
    expect(await figure(t.db, fr)).toBe(452210000);
  });

  it("fails on a wrong header, naming file, line and column, and keeps the loaded release", async () => {
    const before = await emissionCount(t.db, "gcp");
    const lines = gcpLines();
    const f = derive(
      "GCB-bad-header.csv",
      [lines[0].replace('"Total"', '"Totals"'), ...lines.slice(1, 400)].join("\r\n"),
    );
    const s = await run(gcp, { data: f });
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/GCB-bad-header\.csv, line 1, column "Total": missing column "Total"/);
    expect(await emissionCount(t.db, "gcp")).toBe(before);
    expect(await figure(t.db, { source: "gcp", territory: "FR", year: 2018, gas: "CO2", sourceSector: "Total" })).toBe(
      331725446,
    );
  });

  it("fails on a truncated file, naming file and line, and keeps the loaded release", async () => {
    const before = await emissionCount(t.db, "gcp");
    const text = gcpLines().slice(0, 20000).join("\r\n");
    const f = derive("GCB-truncated.csv", text.slice(0, text.lastIndexOf(",") - 2));
    const s = await run(gcp, { data: f });
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/GCB-truncated\.csv, line 20000: wrong number of fields/);
    expect(await emissionCount(t.db, "gcp")).toBe(before);
  });

  it("fails on a file in the wrong encoding, naming file and line", async () => {
    const utf8 = fs.readFileSync(path.join(data, "climate-watch/cait_historical_emissions.csv"), "utf8");
    const f = derive("cait-latin1.csv", iconv.encode(utf8.split("\n").slice(0, 2000).join("\n"), "latin1"));
    const before = await emissionCount(t.db, "climate-watch-cait");
    const s = await run(climateWatchCait, { data: f });
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/cait-latin1\.csv, line \d+: invalid UTF-8/);
    expect(await emissionCount(t.db, "climate-watch-cait")).toBe(before);
  });

  it("rejects a non-numeric value and an unknown territory code, naming line and column, and loads the rest", async () => {
    const lines = fs.readFileSync(path.join(data, "edgar/edgar-co2-emissions.csv"), "utf8").split("\n");
    const small = lines.slice(0, 300);
    small[10] = small[10].replace(/,[^,]*$/, ",12,5x");
    small[11] = small[11].replace(/^[^,]+,/, "XYZ,");
    const f = derive("edgar-small.csv", small.join("\n"));
    const s = await run(edgar, { data: f });
    expect(s.status).toBe("failed"); // 2 of 299 rows, but a wrong field count is a parse error
    expect(s.error).toMatch(/edgar-small\.csv, line 11: wrong number of fields/);
    small[10] = lines[10].replace(/,[^,]*$/, ",12.5x");
    const g = derive("edgar-small2.csv", `${small.join("\n")}\n`);
    // 300 rows after the full release: forced past the history guard, which would refuse it as incomplete
    const ok = await runConnector(
      t.db,
      { ...edgar, rejectThreshold: 0.05 },
      { config: t.config, files: { data: g }, force: true },
    );
    expect(ok.status).toBe("succeeded");
    expect(ok.rowsLoaded).toBe(ok.rowsRead - 2);
    const rejects = await rejectsOf(t.db, ok.runId);
    expect(rejects).toEqual([
      expect.objectContaining({
        file: "edgar-small2.csv",
        line: 11,
        column: "Emissions",
        reason: 'not a number: "12.5x"',
      }),
      expect.objectContaining({
        file: "edgar-small2.csv",
        line: 12,
        column: "Code",
        reason: expect.stringMatching(/unknown territory "XYZ"/),
      }),
    ]);
  });
});
