import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "../../../connectors/engine/scheduler.ts";
import { gwp } from "../../../connectors/reference/gwp.ts";
import type { Connector } from "../../../connectors/types.ts";
import { seed } from "../../../db/seed.ts";
import { freshDatabase, type TestDatabase } from "../../helpers/database.ts";
import { startUpstream, type Upstream } from "../../helpers/upstream.ts";

describe("the local scheduler", () => {
  let t: TestDatabase;
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream();
    upstream.set("/gwp/globalwarmingpotentials.csv", "data/reference/gwp/globalwarmingpotentials.csv");
    t = await freshDatabase("pg", { OGS_UPSTREAM_MIRROR: upstream.url("") });
    await seed(t.db);
  });
  afterAll(async () => {
    await upstream.close();
    await t.drop();
  });

  it("runs each connector on its schedule from its upstream, never twice at once", async () => {
    // every second (croner's 6-field form), and a load slower than that: runs must not overlap
    const slow: Connector = {
      ...gwp,
      schedule: "* * * * * *",
      load: async (ctx) => {
        await new Promise((r) => setTimeout(r, 1500));
        return gwp.load(ctx);
      },
    };
    const done: string[] = [];
    const scheduler = startScheduler(t.db, t.config, [slow], (s) => done.push(s.status));
    expect(scheduler.jobs[0].connector).toBe("gwp");
    expect(scheduler.jobs[0].next).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 4200));
    scheduler.stop();
    await new Promise((r) => setTimeout(r, 2000)); // let a run in flight finish
    const runs = await t.db.query<{ status: string; trigger: string; started_at: Date; ended_at: Date }>(
      `select status, trigger, started_at, ended_at from run where connector = 'gwp' order by id`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.map((r) => r.status)).toEqual(["succeeded", ...runs.slice(1).map(() => "unchanged")]);
    expect(runs.every((r) => r.trigger === "schedule")).toBe(true);
    for (let i = 1; i < runs.length; i++) expect(runs[i].started_at >= runs[i - 1].ended_at).toBe(true);
    expect(upstream.requests.every((r) => r.path === "/gwp/globalwarmingpotentials.csv")).toBe(true);
  });
});
