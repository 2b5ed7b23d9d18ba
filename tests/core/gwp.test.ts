import { describe, expect, it } from "vitest";
import { convert, GwpError, gwpTable, sum } from "../../core/gwp.ts";
import { fromTonnes } from "../../core/mass-unit.ts";
import { populationShare, rollup } from "../../core/rollup.ts";
import { isOutlier, median, spread } from "../../core/stats.ts";
import { sectorCover } from "../../db/queries/slice.ts";

// CH4 factors as in globalwarmingpotentials.csv; 204.36 Gg is India's 2010 CH4 from fuel combustion (UNFCCC DI)
const table = gwpTable([
  { gas: "CH4", set: "AR4", horizon: 100, value: 25 },
  { gas: "CH4", set: "AR6", horizon: 100, value: 27.9 },
  { gas: "CO2", set: "AR6", horizon: 100, value: 1 },
]);

describe("GWP conversion", () => {
  it("converts a mass of CH4 to different CO2e under AR4 and AR6", () => {
    const mass = { gas: "CH4", gwp: null, tonnes: 204_360 };
    expect(convert(mass, "AR4_100", table).tonnes).toBe(5_109_000);
    expect(convert(mass, "AR6_100", table).tonnes).toBeCloseTo(5_701_644, 6);
  });

  it("keeps values as published when no set is asked", () => {
    const q = { gas: "CH4", gwp: "AR4_100", tonnes: 10 };
    expect(convert(q, null, table)).toBe(q);
  });

  it("refuses a value published only as CO2e under another set", () => {
    expect(() => convert({ gas: "CH4", gwp: "AR4_100", tonnes: 1 }, "AR6_100", table)).toThrow(
      /only as CO2e under AR4_100/,
    );
  });

  it("treats CO2 as CO2e under every set", () => {
    expect(convert({ gas: "CO2", gwp: "AR4_100", tonnes: 7 }, "AR6_100", table)).toEqual({
      gas: "CO2",
      gwp: "AR6_100",
      tonnes: 7,
    });
  });

  it("refuses a gas without a known GWP", () => {
    expect(() => convert({ gas: "HFCS", gwp: null, tonnes: 1 }, "AR6_100", table)).toThrow(GwpError);
  });

  it("never sums two GWP sets", () => {
    expect(() =>
      sum([
        { gas: "CH4", gwp: "AR4_100", tonnes: 1 },
        { gas: "N2O", gwp: "AR5_100", tonnes: 1 },
      ]),
    ).toThrow(expect.objectContaining({ code: "MIXED_GWP_SETS" }));
  });

  it("asks for a set before summing masses of different gases", () => {
    expect(() =>
      sum([
        { gas: "CO2", gwp: null, tonnes: 1 },
        { gas: "CH4", gwp: null, tonnes: 1 },
      ]),
    ).toThrow(expect.objectContaining({ code: "GWP_REQUIRED" }));
  });

  it("sums CO2 masses with CO2e of one set", () => {
    expect(
      sum([
        { gas: "CO2", gwp: null, tonnes: 2 },
        { gas: "CH4", gwp: "AR4_100", tonnes: 3 },
      ]),
    ).toMatchObject({ tonnes: 5, gwp: "AR4_100", gas: "CO2e" });
  });
});

describe("mass units", () => {
  it("expresses tonnes in Mt without floating-point noise", () => {
    expect(fromTonnes(331_725_446, "MT")).toBe(331.725446);
    expect(fromTonnes(1.5e9, "GT")).toBe(1.5);
    expect(fromTonnes(20_784_720, "KT")).toBe(20_784.72);
  });
});

describe("comparison statistics", () => {
  it("gives the median, the spread and outliers", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(spread([1, 2, 4])).toEqual({ range: 3, relative: 1.5 });
    expect(isOutlier(130, 100, 0.2)).toBe(true);
    expect(isOutlier(110, 100, 0.2)).toBe(false);
  });
});

describe("sector covers", () => {
  const sectors = [
    { id: 1, code: "TOTAL_EXCL_LULUCF", parentId: null },
    { id: 2, code: "TOTAL_INCL_LULUCF", parentId: null },
    { id: 3, code: "1", parentId: null },
    { id: 4, code: "1.A", parentId: 3 },
    { id: 5, code: "M.BK", parentId: null },
  ];

  it("lets a parent sector cover its sub-sectors", () => {
    expect(sectorCover(sectors, "1")).toEqual({ candidates: [3, 4], covering: [[4, 3]] });
  });

  it("takes the total excluding LULUCF first, and leaves memo items out", () => {
    const c = sectorCover(sectors, null);
    expect(c.candidates).toEqual([1, 2, 3, 4]);
    expect(c.covering).toContainEqual([2, 1]);
    expect(c.covering).toContainEqual([4, 3]);
    expect(c.covering).not.toContainEqual([1, 2]);
  });
});

describe("roll-up", () => {
  const mass = (territoryId: number, ancestors: number[], tonnes: number) => ({
    territoryId,
    ancestors,
    gas: "CO2",
    gwp: null,
    tonnes,
  });

  it("reports a parent's gap to the sum of its children", () => {
    const r = rollup(1, [mass(1, [], 100), mass(2, [1], 60), mass(3, [1], 45)], [{ id: 2 }, { id: 3 }], null, table)!;
    expect(r.status).toBe("REPORTED");
    expect(r.value.tonnes - r.children!.tonnes).toBe(-5);
  });

  it("derives a parent from its children, PARTIAL when some lack data", () => {
    const children = [{ id: 2 }, { id: 3 }, { id: 5 }];
    const r = rollup(1, [mass(2, [1], 60), mass(4, [3, 1], 5)], children, null, table)!;
    expect(r.status).toBe("PARTIAL");
    expect(r.value.tonnes).toBe(65);
    expect(r.coverage).toEqual({ children: 3, childrenWithData: 2, missing: [5] });
    const population = new Map<number, number | null>([
      [2, 10],
      [3, 30],
      [5, 60],
    ]);
    expect(populationShare([2, 3, 5], r.childValues, population)).toBe(0.4);
    expect(populationShare([2, 3, 5], r.childValues, new Map([[5, null]]))).toBeNull();
  });
});
