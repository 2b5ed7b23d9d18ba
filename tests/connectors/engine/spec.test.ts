import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSpec, readSpecFile, SpecError, specConnector } from "../../../connectors/engine/spec.ts";
import { connectors } from "../../../connectors/registry.ts";

const example = path.join(import.meta.dirname, "../../../examples/unfccc-annex1-spec.json");

describe("spec", () => {
  it("lists every problem of a bad spec at once", () => {
    const bad = {
      ...readSpecFile(example),
      id: "Bad Id",
      schedule: "every day",
      gwp: "AR4",
      layout: { kind: "diagonal" },
      sector: { crosswalk: {} },
    };
    let error: unknown;
    try {
      parseSpec(bad, "bad.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const problems = (error as SpecError).problems.join("\n");
    expect(problems).toMatch(/bad\.json: id: a connector id is kebab-case/);
    expect(problems).toMatch(/gwp/);
    expect(problems).toMatch(/layout/);
    expect(problems).toMatch(/sector\.crosswalk: must not be empty/);
  });

  it("refuses a schedule that is not a cron expression", () => {
    expect(() => parseSpec({ ...readSpecFile(example), schedule: "every day" })).toThrow(
      /schedule: not a cron expression/,
    );
  });

  it("reads the example spec file into a connector", () => {
    const c = specConnector(readSpecFile(example));
    expect(c.id).toBe("my-unfccc-annex1");
    expect(c.inputs.data.sample).toBe("emissions/climate-watch/historical_emissions_UNFCCC_AI.csv");
  });

  it("registers the emissions connectors after gwp, each with an upstream URL and a schedule", () => {
    const ids = connectors.map((c) => c.id);
    expect(ids.slice(ids.indexOf("gwp") + 1)).toEqual(
      expect.arrayContaining([
        "gcp",
        "edgar",
        "climate-watch-cait",
        "unfccc-annex1",
        "unfccc-non-annex1",
        "owid",
        "openclimate-gcb2022",
        "openclimate-climate-watch",
        "openclimate-unfccc-annex1",
        "openclimate-edgar8",
        "epa-states",
        "eia-states",
        "openghgmap",
      ]),
    );
    for (const c of connectors.filter((c) => c.kind === "emissions")) {
      for (const input of Object.values(c.inputs)) expect(input.upstream).toMatch(/^https:\/\//);
    }
  });
});
