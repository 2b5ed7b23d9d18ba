// A run killed with SIGKILL at any point leaves exactly the previous release, and no half release
// is ever visible; the next run completes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnector } from "../../connectors/engine/run.ts";
import { territories } from "../../connectors/reference/territories.ts";
import { gcp } from "../../connectors/sources/gcp.ts";
import { openDatabase } from "../../db/client.ts";
import { seed } from "../../db/seed.ts";
import { freshDatabase, type TestDatabase } from "../helpers/database.ts";

const ogs = path.join(import.meta.dirname, "../../bin/ogs.js");
const gcpFile = path.join(import.meta.dirname, "../../data/emissions/gcp/GCB2020v18_MtCO2_flat.csv");

/** Runs `ogs ingest gcp --file ...` in a child process; resolves with its exit code and signal. */
function ingestChild(env: Record<string, string>, file: string) {
  return new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    const child = spawn(process.execPath, [ogs, "ingest", "gcp", "--file", file], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
}

describe.each(["pg", "pglite"] as const)("a connector killed mid-run on %s", (driver) => {
  let t: TestDatabase;
  let env: Record<string, string>;
  let changed: string;
  let dataDir: string;

  const state = async () => {
    const db = t.db;
    const [r] = await db.query<{ releases: number; rows: number; total: number }>(
      `select (select count(*)::int from release where source_id = 'gcp') as releases,
              count(*)::int as rows, coalesce(sum(value), 0)::float8 as total
       from emission where release_id = (select id from release where source_id = 'gcp' and active
                                         order by loaded_at desc, id desc limit 1)`,
    );
    return r;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.resolve("tests/out/crash-"));
    changed = path.join(dataDir, "gcp-changed.csv");
    fs.writeFileSync(
      changed,
      fs.readFileSync(gcpFile, "latin1").replace('"France","FRA",2018,331.725446', '"France","FRA",2018,331.8'),
      "latin1",
    );
    if (driver === "pg") {
      t = await freshDatabase("pg", { OGS_DATA_DIR: dataDir });
      env = { DATABASE_URL: t.url as string, OGS_DATA_DIR: dataDir };
    } else {
      // a persisted PGlite folder that the child processes open after this process closes it
      env = { DATABASE_URL: "", OGS_DATA_DIR: dataDir };
      t = await freshDatabase("pglite", env, { memory: false });
    }
    await seed(t.db);
    await runConnector(t.db, territories, { config: t.config });
    expect((await runConnector(t.db, gcp, { config: t.config })).status).toBe("succeeded");
    if (driver === "pglite") await t.db.close();
  });
  afterAll(() => (driver === "pg" ? t.drop() : undefined));

  const reopen = async () => {
    if (driver === "pglite") t = { ...t, db: await openDatabase(t.config) };
  };
  const release = async () => {
    if (driver === "pglite") await t.db.close();
  };

  for (const point of ["fetch", "load", "publish"]) {
    it(`keeps exactly the previous release when killed at ${point}`, async () => {
      await reopen();
      const before = await state();
      await release();
      let sawHalfRelease = false;
      const watching = driver === "pg";
      const watcher = watching
        ? setInterval(async () => {
            const [r] = await t.db.query<{ n: number }>(
              `select count(*)::int as n from release where source_id = 'gcp'`,
            );
            if (r.n !== before.releases) sawHalfRelease = true;
          }, 20)
        : undefined;
      const result = await ingestChild({ ...env, OGS_FAULT_KILL_AT: point }, changed);
      clearInterval(watcher);
      expect(result.signal).toBe("SIGKILL");
      await reopen();
      expect(await state()).toEqual(before);
      expect(sawHalfRelease).toBe(false);
      await release();
    }, 300_000);
  }

  it.runIf(driver === "pg")("lets only one of two simultaneous runs load, the other refusing clearly", async () => {
    const other = path.join(dataDir, "gcp-changed-again.csv");
    fs.writeFileSync(
      other,
      fs.readFileSync(changed, "latin1").replace('"France","FRA",2017,', '"France","FRA",2017,1'),
      "latin1",
    );
    const before = await state();
    const [a, b] = await Promise.all([ingestChild(env, other), ingestChild(env, other)]);
    const runs = await t.db.query<{ status: string; error: string | null }>(
      `select status, error from run where connector = 'gcp' order by id desc limit 2`,
    );
    const statuses = runs.map((r) => r.status).sort();
    expect(statuses[1]).toBe("succeeded");
    if (statuses[0] === "failed") {
      expect(runs.find((r) => r.status === "failed")?.error).toMatch(/another run of gcp is loading right now/);
      expect([a.code, b.code].sort()).toEqual([0, 1]);
    } else {
      expect(statuses[0]).toBe("unchanged"); // the second started after the first had published
    }
    const after = await state();
    expect(after.releases).toBe(before.releases + 1);
    expect(after.rows).toBe(before.rows);
    // put the database back where the next test expects it
    await t.db.query(`delete from release where id = (select max(id) from release where source_id = 'gcp')`);
  });

  it("completes the next run after the kills", async () => {
    const result = await ingestChild(env, changed);
    expect(result).toEqual({ code: 0, signal: null });
    await reopen();
    const after = await state();
    expect(after.releases).toBe(2);
    const [fr] = await t.db.query<{ value: number }>(
      `select e.value from emission e join territory t on t.id = e.territory_id join source_sector s on s.id = e.source_sector_id
       join release r on r.id = e.release_id
       where t.code = 'FR' and e.year = 2018 and s.name = 'Total' and r.id = (select max(id) from release where source_id = 'gcp')`,
    );
    expect(fr.value).toBe(331800000);
    await release();
  }, 300_000);
});
