// The catalog kept per process (graphql/catalog.ts): its release selection agrees with the SQL
// rules of db/queries/releases.ts, a publish in this process is seen at once, and a change made by
// another process is seen within the catalog's max age.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitPublish } from "../../connectors/engine/events.ts";
import { loadConfig } from "../../core/config.ts";
import { useDatabase } from "../../db/client.ts";
import { selectReleases } from "../../db/queries/releases.ts";
import { catalog, forgetCatalog, indicatorValues, pickReleases, setCatalogMaxAge } from "../../graphql/catalog.ts";
import { createApi } from "../../graphql/yoga.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../helpers/loaded.ts";

// no response cache: each request runs its resolvers, so what it sees is the catalog's
const api = createApi(loadConfig({ OGS_RESPONSE_CACHE_SIZE: "0", OGS_CACHE_MAX_AGE_S: "0" }));

async function gcpVersion(): Promise<string> {
  const res = await api.fetch("http://yoga/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `{ territory(code: "FR") { total(year: 2018, source: "gcp") { release { version } } } }`,
    }),
  });
  const json = (await res.json()) as { data: { territory: { total: { release: { version: string } } } } };
  return json.data.territory.total.release.version;
}

describe.each(testDrivers)("the catalog on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await loadedDatabase(driver, API_SOURCES);
    useDatabase(t.db);
    forgetCatalog();
  });
  afterAll(async () => {
    setCatalogMaxAge(5_000);
    useDatabase(undefined);
    await t?.drop();
  });

  it("selects the releases the SQL rules select, for every kind of selection", async () => {
    const { releases } = await catalog();
    const [gcp] = releases.filter((r) => r.sourceId === "gcp");
    const selections = [
      {},
      { sources: ["gcp", "owid"] },
      { sources: ["no-such-source"] },
      { release: String(gcp.id) },
      { release: gcp.version },
      { release: "no-such-release" },
      { asOf: new Date(gcp.loadedAt.getTime() - 1) },
      { asOf: new Date() },
      { sources: ["gcp"], asOf: new Date(), release: gcp.version },
    ];
    for (const s of selections) {
      const fromSql = await selectReleases(t.db, s);
      expect(pickReleases(releases, s), JSON.stringify(s)).toEqual(fromSql);
    }
    expect(pickReleases(releases, {}).length).toBe(API_SOURCES.length);
  });

  it("sees a publish of this process at once, and another process's change within its max age", async () => {
    setCatalogMaxAge(60_000);
    const original = await gcpVersion();
    await t.db.query(`update release set version = 'changed-elsewhere' where source_id = 'gcp' and active`);
    try {
      // another process changed the table: this one keeps its catalog until the max age
      expect(await gcpVersion()).toBe(original);
      // a publish in this process (a run's commit, an admin's switch) drops it at once
      emitPublish({ source: "gcp", releaseId: 0, kind: "activated" });
      expect(await gcpVersion()).toBe("changed-elsewhere");
      await t.db.query(`update release set version = $1 where source_id = 'gcp' and active`, [original]);
      setCatalogMaxAge(200);
      await new Promise((r) => setTimeout(r, 250));
      expect(await gcpVersion()).toBe(original);
    } finally {
      await t.db.query(`update release set version = $1 where source_id = 'gcp' and active`, [original]);
      forgetCatalog();
    }
  });

  it("remembers indicator values per year, as the database has them", async () => {
    const [fr] = await t.db.query<{ id: number }>(`select id from territory where code = 'FR'`);
    const [row] = await t.db.query<{ value: number; year: number }>(
      `select value, year from indicator where territory_id = $1 and indicator = 'population'
       order by abs(year - 2018), year, source_id limit 1`,
      [fr.id],
    );
    setCatalogMaxAge(60_000); // kept for the whole test
    await catalog();
    const before = t.db.statements.count;
    const first = await indicatorValues([fr.id], "population", 2018);
    const again = await indicatorValues([fr.id], "population", 2018);
    expect(first.get(fr.id)).toMatchObject({ year: row.year, value: Number(row.value) });
    expect(again.get(fr.id)).toEqual(first.get(fr.id));
    expect(t.db.statements.count - before).toBe(1);
  });
});
