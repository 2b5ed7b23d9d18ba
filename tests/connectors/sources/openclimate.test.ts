// The OpenClimate-harmonised connectors, openGHGMap's cities and its inconsistencies, and a
// connector fetching its files over HTTP from a local server.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnector } from "../../../connectors/engine/run.ts";
import { eiaStates } from "../../../connectors/sources/eia-states.ts";
import { epaStates } from "../../../connectors/sources/epa-states.ts";
import { openclimateClimateWatch } from "../../../connectors/sources/openclimate-climate-watch.ts";
import { openclimateEdgar8 } from "../../../connectors/sources/openclimate-edgar8.ts";
import { openclimateGcb2022 } from "../../../connectors/sources/openclimate-gcb2022.ts";
import { openclimateUnfcccAnnex1 } from "../../../connectors/sources/openclimate-unfccc-annex1.ts";
import { openghgmap } from "../../../connectors/sources/openghgmap.ts";
import type { Connector } from "../../../connectors/types.ts";
import { type TestDatabase, testDrivers } from "../../helpers/database.ts";
import { startUpstream, type Upstream } from "../../helpers/upstream.ts";
import { databaseWithTerritories, emissionCount, figure, rejectsOf } from "./helpers.ts";

const data = path.join(import.meta.dirname, "../../../data");

describe.each(testDrivers)("OpenClimate connectors on %s", (driver) => {
  let t: TestDatabase;
  let upstream: Upstream;
  const run = (c: Connector) => runConnector(t.db, c, { config: t.config });

  beforeAll(async () => {
    t = await databaseWithTerritories(driver);
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream?.close();
    await t?.drop();
  });

  it("fetches its files over HTTP and loads them: EIA, Alaska 1970 = 11,348,909 t CO2", async () => {
    for (const [name, input] of Object.entries(eiaStates.inputs))
      upstream.set(`/eia/${name}.csv`, path.join(data, input.sample));
    const s = await runConnector(t.db, eiaStates, {
      config: t.config,
      files: { data: upstream.url("/eia/data.csv"), datasource: upstream.url("/eia/datasource.csv") },
    });
    expect(s).toMatchObject({ status: "succeeded", rowsRejected: 0, rowsLoaded: 2652 });
    expect(upstream.requests.map((r) => [r.path, r.status])).toEqual([
      ["/eia/data.csv", 200],
      ["/eia/datasource.csv", 200],
    ]);
    expect(
      await figure(t.db, { source: "eia-states", territory: "US-AK", year: 1970, gas: "CO2", sector: "1.A" }),
    ).toBe(11348909);
    const [r] = await t.db.query<{ version: string; published: string }>(
      `select version, to_char(published_on, 'YYYY-MM-DD') as published from release where source_id = 'eia-states'`,
    );
    expect(r).toEqual({ version: "EIA:state_energy_co2_emissions:2023", published: "2023-07-12" });
  });

  it("loads openGHGMap, creating its cities under their country, and rejects conflicting duplicates", async () => {
    const s = await run(openghgmap);
    expect(s.status).toBe("succeeded");
    expect(await figure(t.db, { source: "openghgmap", territory: "FR-BRE", year: 2018, gas: "CO2" })).toBe(20784720);
    expect(await figure(t.db, { source: "openghgmap", territory: "FR-93", year: 2018, gas: "CO2" })).toBeNull();
    expect(await figure(t.db, { source: "openghgmap", territory: "FR AMI", year: 2018, gas: "CO2" })).toBe(347015);
    const [city] = await t.db.query<{ level: string; parent: string; ancestors: string[] }>(
      `select c.level, p.code as parent,
         array(select a.code from territory_ancestor x join territory a on a.id = x.ancestor_id
               where x.territory_id = c.id order by x.distance) as ancestors
       from territory c join territory p on p.id = c.parent_id where c.code = 'FR AMI'`,
    );
    expect(city).toMatchObject({ level: "city", parent: "FR" });
    expect(city.ancestors[0]).toBe("FR");
    expect(city.ancestors.at(-1)).toBe("001");
    const [{ n }] = await t.db.query<{ n: number }>(`select count(*)::int as n from territory where level = 'city'`);
    expect(n).toBe(4079 + 264 + 68 + 29 + 12 + 5 + 3);
    const rejects = await rejectsOf(t.db, s.runId);
    const fr93 = rejects.filter((r) => /territory "FR-93"/.test(r.reason));
    expect(fr93.map((r) => r.line)).toHaveLength(2);
    expect(fr93[0].reason).toMatch(
      /conflicting values .* 41740913 t CO2 at line \d+, 2234352 t CO2 at line \d+; none loaded/,
    );
    expect(rejects.every((r) => r.file === "openGHGMap_R2021A__EmissionsAgg.csv")).toBe(true);
    expect(s.rowsRejected).toBe(78);
    const [release] = await t.db.query<{ version: string; published: string }>(
      `select version, to_char(published_on, 'YYYY-MM-DD') as published from release where source_id = 'openghgmap'`,
    );
    expect(release).toEqual({ version: "openGHGmap:R2021A", published: "2021-01-01" });
  });

  it("says unchanged on a second openGHGMap run, cities and rows as they were", async () => {
    const before = await emissionCount(t.db, "openghgmap");
    const s = await run(openghgmap);
    expect(s.status).toBe("unchanged");
    expect(await emissionCount(t.db, "openghgmap")).toBe(before);
  });

  it.each([
    {
      id: "openclimate-gcb2022",
      connector: openclimateGcb2022,
      territory: "FR",
      year: 2018,
      gas: "CO2",
      value: 322526820,
      rejected: 0, // Kosovo (XK) is a territory of the reference
    },
    {
      id: "openclimate-climate-watch",
      connector: openclimateClimateWatch,
      territory: "FR",
      year: 2018,
      gas: "GHG",
      value: 422740000,
      rejected: 0,
    },
    {
      id: "openclimate-unfccc-annex1",
      connector: openclimateUnfcccAnnex1,
      territory: "FR",
      year: 2018,
      gas: "GHG",
      value: 447070005,
      rejected: 0,
    },
    {
      id: "openclimate-edgar8",
      connector: openclimateEdgar8,
      territory: "AE",
      year: 2010,
      gas: "GHG",
      value: 224915544,
      rejected: 0,
    },
    {
      id: "epa-states",
      connector: epaStates,
      territory: "US-AK",
      year: 1990,
      gas: "GHG",
      value: 37046987,
      rejected: 0,
    },
  ])(
    "loads $id: $territory $year $gas comes back as in the file",
    async ({ connector, territory, year, gas, value, rejected }) => {
      const s = await run(connector);
      expect(s).toMatchObject({ status: "succeeded", rowsRejected: rejected });
      expect(await figure(t.db, { source: connector.id, territory, year, gas })).toBe(value);
    },
  );
});
