// Totals of territories that report no value of their own, read from the precomputed roll-ups
// (db/queries/rollup-totals.ts: the subtree's sums and the children counted at load), give exactly
// what the live roll-up gives (core/rollup.ts over the rows), on the real sources and both drivers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "../../db/client.ts";
import { forgetCatalog } from "../../graphql/catalog.ts";
import { type Api, apiWith, post } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../helpers/loaded.ts";

// France's regions and departments (openGHGMap reports some only through their cities), Europe's
// countries, and the levels above them
const QUERY = `query ($source: String!, $year: Int!, $sector: String, $gas: String) {
  adm1: territories(parent: "FR", level: "adm1", first: 100) { edges { node { ...t } } }
  adm2: territories(parent: "FR", level: "adm2", first: 200) { edges { node { ...t } } }
  countries: territories(parent: "150", level: "country", first: 100) { edges { node { ...t } } }
  subregions: territories(level: "subregion", first: 100) { edges { node { ...t } } }
  regions: territories(level: "region", first: 100) { edges { node { ...t } } }
  world: territory(code: "001") { ...t }
}
fragment t on Territory {
  code total(year: $year, source: $source, sector: $sector, gas: $gas) { value status coverage { children childrenWithData } }
}`;

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape the query fixes
type Answer = Record<string, any>;

describe.each(testDrivers)("totals from the precomputed roll-ups on %s", (driver) => {
  let t: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    t = await loadedDatabase(driver, API_SOURCES);
    useDatabase(t.db);
    api = apiWith(t.config, { responseCacheSize: 0, catalogMaxAgeS: 0 });
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  /** every source's newest year, for the total and two sectors and gases: territory -> [value, status, coverage] or error codes */
  async function ask(): Promise<{ answers: Answer; statements: number }> {
    const sources = await t.db.query<{ source: string; year: number }>(
      `select r.source_id as source, max(e.year)::int as year from release r join emission e on e.release_id = r.id
       group by r.source_id order by 1`,
    );
    const answers: Answer = {};
    const before = t.db.statements.count;
    for (const { source, year } of sources)
      for (const [sector, gas] of [
        [null, null],
        ["1.A", null],
        [null, "CO2"],
        ["1", "CH4"],
      ]) {
        const { body } = await post(api, { query: QUERY, variables: { source, year, sector, gas } });
        const key = `${source} ${year} ${sector} ${gas}`;
        if (body.errors) answers[key] = body.errors.map((e) => `${e.extensions?.code} ${e.path?.join(".")}`).sort();
        for (const list of Object.values(body.data ?? {})) {
          const nodes: { code: string; total: Answer | null }[] = list?.edges
            ? list.edges.map((e: { node: unknown }) => e.node)
            : [list];
          for (const n of nodes)
            answers[`${key} ${n.code}`] = n.total && [
              Number(Number(n.total.value).toPrecision(12)),
              n.total.status,
              n.total.coverage,
            ];
        }
      }
    return { answers, statements: t.db.statements.count - before };
  }

  it("are those of the live roll-up, for every source, with fewer statements", { timeout: 600_000 }, async () => {
    const fast = await ask();
    const statuses = Object.values(fast.answers).map((a) => (Array.isArray(a) ? a[1] : a));
    expect(statuses).toContain("DERIVED");
    expect(statuses).toContain("PARTIAL");
    expect(statuses).toContain(null);
    // openGHGMap's Alsace (FR-6AE) reports nothing itself: the sum of its two departments
    expect(fast.answers["openghgmap 2018 null null FR-6AE"]).toEqual([
      8331359,
      "DERIVED",
      { children: 2, childrenWithData: 2 },
    ]);

    // the same questions with every subtree marked not exact: everything is summed live from the rows
    await t.db.query(`update rollup_territory set exact = false`);
    forgetCatalog();
    const live = await ask();
    expect(fast.answers).toEqual(live.answers);
    expect(fast.statements).toBeLessThan(live.statements);
  });
});
