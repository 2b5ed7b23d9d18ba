// The `ogs` commands an operator runs, end to end in child processes, on real databases.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWsProxy } from "../../scripts/ws-proxy.ts";
import { createPgDatabase } from "../helpers/database.ts";

const run = promisify(execFile);
const ogs = path.join(import.meta.dirname, "../../bin/ogs.js");

async function ogsRun(args: string[], env: Record<string, string>) {
  const { stdout, stderr } = await run(process.execPath, [ogs, ...args], {
    env: { ...process.env, OGS_SCHEDULER: "off", ...env },
    timeout: 240_000,
  });
  return { stdout, stderr };
}

describe("ogs migrate on each driver", () => {
  it.each(["pglite", "pg", "neon"] as const)("applies every migration once on %s, then nothing", async (driver) => {
    const dataDir = fs.mkdtempSync(path.resolve("tests/out/cli-migrate-"));
    let env: Record<string, string> = { OGS_DATA_DIR: dataDir, DATABASE_URL: "" };
    let cleanup = async () => {};
    if (driver !== "pglite") {
      const created = await createPgDatabase();
      const proxy = driver === "neon" ? await startWsProxy(0) : undefined;
      env = {
        ...env,
        DATABASE_URL: created.url,
        DATABASE_DRIVER: driver,
        OGS_NEON_WS_PROXY: proxy ? `127.0.0.1:${proxy.port}/v2` : "",
      };
      cleanup = async () => {
        await proxy?.close();
        await created.drop();
      };
    }
    try {
      expect((await ogsRun(["migrate"], env)).stdout).toMatch(/^applied \d+ migration\(s\): \d{14}_init/);
      expect((await ogsRun(["migrate"], env)).stdout).toBe("database is up to date: no migration to apply\n");
    } finally {
      await cleanup();
    }
  });
});

describe("ogs on PostgreSQL", () => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await createPgDatabase();
    drop = created.drop;
    env = { DATABASE_URL: created.url, OGS_DATA_DIR: fs.mkdtempSync(path.resolve("tests/out/cli-pg-")) };
    await ogsRun(["migrate"], env);
  });
  afterAll(() => drop());

  it("ingests the reference data, and a second run changes nothing and says so", async () => {
    const first = await ogsRun(["ingest", "territories", "gwp"], env);
    expect(first.stdout).toMatch(/^territories\s+\d+\s+succeeded\s+\d+\s+\d+/m);
    expect(first.stdout).toMatch(/^gwp\s+\d+\s+succeeded/m);
    const counts = () =>
      ogsRun(["runs", "--limit", "2"], env).then((r) => r.stdout.split("\n").filter((l) => /^\d+\s/.test(l)));
    expect(await counts()).toHaveLength(2);
    const second = await ogsRun(["ingest", "territories", "gwp"], env);
    expect(second.stdout).toMatch(/^territories\s+\d+\s+unchanged\s+0\s+0\s+0/m);
    expect(second.stdout).toMatch(/^gwp\s+\d+\s+unchanged/m);
  });

  it("shows openGHGMap's conflicting duplicates in ogs rejects, both lines named", async () => {
    const out = await ogsRun(["ingest", "openghgmap"], env);
    const runId = out.stdout.match(/^openghgmap\s+(\d+)\s+succeeded/m)?.[1];
    expect(runId).toBeDefined();
    const rejects = await ogsRun(["rejects", runId as string, "--limit", "200"], env);
    expect(rejects.stdout).toMatch(
      /openGHGMap_R2021A__EmissionsAgg\.csv\s+\d+\s+conflicting values for territory "FR-93", year 2018: \d+ t CO2 at line \d+, \d+ t CO2 at line \d+; none loaded/,
    );
    expect(rejects.stdout).toMatch(/^78 row\(s\) rejected in run \d+$/m);
  });

  it("lists every connector with its schedule and next run", async () => {
    const { stdout } = await ogsRun(["connectors"], env);
    const { connectors } = await import("../../connectors/registry.ts");
    for (const c of connectors) expect(stdout).toMatch(new RegExp(`^${c.id}\\s+${c.kind}\\s+`, "m"));
    expect(stdout).toMatch(/^openghgmap\s+emissions\s+.*\d{4}-\d\d-\d\dT\d\d:\d\d\s+\S+\s+succeeded/m);
  });
});

describe("ogs serve", () => {
  let child: ChildProcess;
  afterAll(() => child?.kill());

  it("serves GraphQL on the embedded database", async () => {
    const dataDir = fs.mkdtempSync(path.resolve("tests/out/cli-serve-"));
    child = spawn(process.execPath, [ogs, "serve", "--port", "0"], {
      env: { ...process.env, DATABASE_URL: "", OGS_DATA_DIR: dataDir },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (d) => {
        out += d;
        const m = out.match(/GraphQL API on (http:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`ogs serve exited with ${code}`)));
    });
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
  });
});
