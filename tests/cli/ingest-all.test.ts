import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestCommand } from "../../cli/ingest.ts";
import { connectors } from "../../connectors/registry.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { loadedDatabase } from "../helpers/loaded.ts";

describe.each(testDrivers)("ogs ingest --all after a full load on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await loadedDatabase(driver);
  });
  afterAll(() => t.drop());

  const counts = async () =>
    t.db.query<{ source_id: string; releases: number; rows: number }>(
      `select r.source_id, count(distinct r.id)::int as releases, count(e.*)::int as rows
       from release r left join emission e on e.release_id = r.id group by r.source_id order by 1`,
    );

  it("loads nothing new, reports every connector unchanged, and leaves row counts identical", async () => {
    const before = await counts();
    expect(before.map((c) => c.source_id).sort()).toEqual(connectors.map((c) => c.id).sort());
    const log: string[] = [];
    const original = console.log;
    console.log = (line: string) => log.push(line);
    try {
      expect(await ingestCommand(t.db, t.config, [], { all: true })).toBe(0);
    } finally {
      console.log = original;
    }
    const statuses = await t.db.query<{ connector: string; status: string }>(
      `select distinct on (connector) connector, status from run order by connector, id desc`,
    );
    expect(statuses.filter((s) => s.status !== "unchanged")).toEqual([]);
    expect(statuses).toHaveLength(connectors.length);
    for (const c of connectors) expect(log.join("\n")).toMatch(new RegExp(`^${c.id}\\s+\\d+\\s+unchanged`, "m"));
    expect(await counts()).toEqual(before);
  });
});
