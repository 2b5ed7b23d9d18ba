import { describe, expect, it } from "vitest";
import { asciiSubscripts, parseNumber, parseUnit, toTonnes, UnitError } from "../../core/units.ts";

describe("units", () => {
  it.each([
    ["t", 1],
    ["t CO2e", 1],
    ["kt", 1e3],
    ["Gg", 1e3],
    ["Gg CO₂ equivalent", 1e3],
    ["Mt", 1e6],
    ["MtCO2", 1e6],
    ["Mt CO2", 1e6],
    ["MtCO₂e", 1e6],
    ["Tg", 1e6],
    ["Gt", 1e9],
    ["kt CO2-eq", 1e3],
  ])("converts 1 %s to %d t", (unit, tonnes) => {
    expect(toTonnes("1", unit)).toBe(tonnes);
  });

  it("tells CO2e units from masses of the gas", () => {
    expect(parseUnit("MtCO₂e").co2e).toBe(true);
    expect(parseUnit("Gg CO₂ equivalent").co2e).toBe(true);
    expect(parseUnit("Gg").co2e).toBe(false);
    expect(parseUnit("MtCO2").co2e).toBe(false);
  });

  it("gives GCP's France 2018 total back exactly in tonnes", () => {
    expect(toTonnes("331.725446", "MtCO2")).toBe(331725446);
    expect(toTonnes("0.05696213", "Mt")).toBe(56962.13);
    expect(toTonnes("3733.23", "Gg CO₂ equivalent")).toBe(3733230);
  });

  it("converts carbon to CO2 with 44/12", () => {
    expect(toTonnes("12", "MtC")).toBeCloseTo(44e6, 0);
  });

  it("refuses a unit it does not know", () => {
    expect(() => parseUnit("MWh")).toThrow(UnitError);
    expect(() => parseUnit("Mt CH4e")).toThrow(/unknown unit/);
  });

  it("reads subscripts and numbers as sources write them", () => {
    expect(asciiSubscripts("CH₄ N₂O CO₂")).toBe("CH4 N2O CO2");
    expect(parseNumber(" 12.5 ")).toBe(12.5);
    expect(parseNumber("-3e2")).toBe(-300);
    expect(parseNumber("N/A")).toBeNaN();
    expect(parseNumber("12,5")).toBeNaN();
  });
});
