import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildPlan, gasCode, type Lookups, mapRecord } from "../../../connectors/engine/map.ts";
import { readCsvAll } from "../../../connectors/engine/parse.ts";
import { parseSpec, type SpecInput } from "../../../connectors/engine/spec.ts";
import { gcp } from "../../../connectors/sources/gcp.ts";

const data = path.join(import.meta.dirname, "../../../data/emissions");

/** Lookups over a few territories, the sectors of a crosswalk and the core gases: ids are stable numbers. */
function fakeLookups(territories: Record<string, number>, crosswalk: Record<string, string>): Lookups {
  const names = Object.keys(crosswalk);
  const gases = ["CO2", "CH4", "N2O", "FGASES", "GHG"];
  return {
    territory: (v) => territories[v],
    sourceSector: (n) =>
      names.includes(n) ? { id: 100 + names.indexOf(n), sectorId: 200 + names.indexOf(n) } : undefined,
    gas: (c) => (gases.includes(c) ? 300 + gases.indexOf(c) : undefined),
  };
}

const gcpSpec: SpecInput = {
  id: "gcp-test",
  description: "GCP measures",
  source: gcp.source,
  inputs: gcp.inputs,
  schedule: "0 0 * * *",
  format: { type: "csv", encoding: "latin1" },
  layout: { kind: "measures", year: "Year", measures: { Total: { sector: "Total" }, Coal: { sector: "Coal" } } },
  territory: { column: "ISO 3166-1 alpha-3", fallbackColumn: "Country", schemes: ["alpha3"] },
  sector: { crosswalk: { Total: "TOTAL_EXCL_LULUCF", Coal: "1.A" } },
  gas: { fixed: "CO2" },
  unit: { fixed: "MtCO2" },
};

describe("map", () => {
  it("maps GCP's France 2018 record to tonnes of CO2 per fuel, keeping the original value", async () => {
    const rows = await readCsvAll(path.join(data, "gcp/GCB2020v18_MtCO2_flat.csv"), { encoding: "latin1" });
    const spec = parseSpec(gcpSpec);
    const plan = buildPlan(spec, Object.keys(rows[0].values));
    const fr = rows.find((r) => r.values["ISO 3166-1 alpha-3"] === "FRA" && r.values.Year === "2018");
    const out = mapRecord(fr!, plan, fakeLookups({ FRA: 7 }, spec.sector.crosswalk));
    expect(out.rejects).toEqual([]);
    expect(
      out.rows.map((r) => [
        r.territoryId,
        r.sourceSectorId,
        r.gasId,
        r.year,
        r.value,
        r.gwp,
        r.originalValue,
        r.originalUnit,
      ]),
    ).toEqual([
      [7, 100, 300, 2018, 331725446, null, 331.725446, "MtCO2"],
      [7, 101, 300, 2018, 35490097, null, 35.490097, "MtCO2"],
    ]);
  });

  it("rejects a territory it does not know, naming the code and the column, once per record", async () => {
    const rows = await readCsvAll(path.join(data, "gcp/GCB2020v18_MtCO2_flat.csv"), { encoding: "latin1" });
    const spec = parseSpec(gcpSpec);
    const plan = buildPlan(spec, Object.keys(rows[0].values));
    const pcz = rows.find((r) => r.values["ISO 3166-1 alpha-3"] === "PCZ" && r.values.Total !== "");
    const out = mapRecord(pcz!, plan, fakeLookups({}, spec.sector.crosswalk));
    expect(out.rows).toEqual([]);
    expect(out.rejects).toHaveLength(1);
    expect(out.rejects[0]).toMatchObject({ line: pcz!.line, column: "ISO 3166-1 alpha-3" });
    expect(out.rejects[0].reason).toMatch(/unknown territory "PCZ" \(Panama Canal Zone\)/);
  });

  it("unpivots Climate Watch's year columns, reads gases with subscripts and units per row, and skips N/A", async () => {
    const file = path.join(data, "climate-watch/historical_emissions_UNFCCC_NAI.csv");
    const rows = await readCsvAll(file);
    const spec = parseSpec({
      ...gcpSpec,
      format: { type: "csv" },
      layout: { kind: "wide", years: "four-digit-headers" },
      territory: { column: "Country", schemes: ["name"] },
      sector: { column: "Sector", crosswalk: { Agriculture: "3.AGR" } },
      gas: { column: "Gas" },
      unit: { column: "Unit" },
      gwp: "SAR_100",
    });
    const plan = buildPlan(spec, Object.keys(rows[0].values));
    expect(plan.cells).toHaveLength(29);
    const afg = rows.find(
      (r) => r.values.Country === "Afghanistan" && r.values.Sector === "Agriculture" && r.values.Gas === "CH4",
    );
    const out = mapRecord(afg!, plan, fakeLookups({ Afghanistan: 4 }, spec.sector.crosswalk));
    expect(out.read).toBe(2);
    expect(out.rows.map((r) => [r.year, r.value, r.gwp, r.originalUnit])).toEqual([
      [2005, 9300000, "SAR_100", "MtCO₂e"],
      [2013, 10250000, "SAR_100", "MtCO₂e"],
    ]);
  });

  it("rejects a value that is not a number, naming its line and column", () => {
    const spec = parseSpec(gcpSpec);
    const plan = buildPlan(spec, ["Country", "ISO 3166-1 alpha-3", "Year", "Total", "Coal"]);
    const out = mapRecord(
      {
        line: 42,
        values: { Country: "France", "ISO 3166-1 alpha-3": "FRA", Year: "2018", Total: "33l.7", Coal: "35.49" },
      },
      plan,
      fakeLookups({ FRA: 7 }, spec.sector.crosswalk),
    );
    expect(out.rejects).toEqual([
      expect.objectContaining({ line: 42, column: "Total", reason: 'not a number: "33l.7"' }),
    ]);
    expect(out.rows).toHaveLength(1);
  });

  it("knows the gas names sources write", () => {
    expect(gasCode("CH₄")).toBe("CH4");
    expect(gasCode("CO₂")).toBe("CO2");
    expect(gasCode("N₂O")).toBe("N2O");
    expect(gasCode("Aggregate GHGs")).toBe("GHG");
    expect(gasCode("All GHG")).toBe("GHG");
    expect(gasCode("Aggregate F-gases")).toBe("FGASES");
    expect(gasCode("F-Gas")).toBe("FGASES");
    expect(gasCode("Kyoto", { Kyoto: "GHG" })).toBe("GHG");
  });
});
