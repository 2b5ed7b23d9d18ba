// Outages: `ogs serve` started while PostgreSQL is down answers DATABASE_UNAVAILABLE (HTTP 503), not
// a crash nor a hang, and serves again as soon as the database is back; the same when PostgreSQL
// restarts under a steady load. The database is a separate cluster started by this test in a
// temporary folder (tests/reliability/cluster.ts): the shared server on 5432 is untouched.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { openDatabase } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { seed } from "../../db/seed.ts";
import { type Cluster, createCluster, freePort } from "./cluster.ts";

const ogs = path.join(import.meta.dirname, "../../bin/ogs.js");
/** a live query (never served from the response cache) that reads the database */
const QUERY = "{ connectors { id kind lastRun { status } } }";

interface Answer {
  at: number;
  ms: number;
  status: number | "network-error";
  code?: string;
  ok: boolean;
}

describe("outages of PostgreSQL under `ogs serve`", () => {
  let cluster: Cluster;
  let server: ChildProcess | undefined;
  let base: string;
  let serverLog = "";
  let exited: number | null | undefined;
  let dataDir: string | undefined;
  const figures: Record<string, number | string> = {};

  const ask = async (): Promise<Answer> => {
    const at = Date.now();
    try {
      const res = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: QUERY }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json()) as {
        data?: { connectors?: unknown[] };
        errors?: { extensions?: { code?: string } }[];
      };
      const ok = res.status === 200 && !body.errors && Array.isArray(body.data?.connectors);
      return { at, ms: Date.now() - at, status: res.status, code: body.errors?.[0]?.extensions?.code, ok };
    } catch {
      return { at, ms: Date.now() - at, status: "network-error", ok: false };
    }
  };

  beforeAll(async () => {
    cluster = await createCluster();
    await cluster.start();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query("create database ogs");
    await admin.end();
    dataDir = fs.mkdtempSync(path.resolve("tests/out/outage-"));
    const env = { DATABASE_URL: cluster.url("ogs"), OGS_DATA_DIR: dataDir };
    const db = await openDatabase(loadConfig(env));
    await migrate(db);
    await seed(db);
    await db.close();
    await cluster.stop();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    server = spawn(process.execPath, [ogs, "serve", "--port", String(port)], {
      env: {
        ...process.env,
        ...env,
        OGS_RATE_LIMIT_ANON: "0", // the load below is one client: no rate limit in the way
        OGS_QUOTA_ANON_DAY: "0",
        OGS_SCHEDULER: "off",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.on("exit", (code) => {
      exited = code;
    });
    server.stdout?.on("data", (d) => {
      serverLog += d;
    });
    server.stderr?.on("data", (d) => {
      serverLog += d;
    });
    while (!serverLog.includes("GraphQL API on")) {
      if (exited !== undefined) throw new Error(`ogs serve exited (${exited}) with the database down:\n${serverLog}`);
      if (Date.now() - started > 60_000) throw new Error(`ogs serve did not start:\n${serverLog}`);
      await sleep(50);
    }
    figures.startWithDatabaseDownMs = Date.now() - started;
  });

  afterAll(async () => {
    console.log(`outage figures: ${JSON.stringify(figures)}`);
    if (server && exited === undefined) {
      server.kill("SIGTERM");
      await new Promise((resolve) => server?.once("exit", resolve));
    }
    await cluster?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts while the database is down and answers DATABASE_UNAVAILABLE at once, then serves when it is back", async () => {
    expect(exited).toBeUndefined();
    // the warning comes after the probe fails: wait for it a little
    for (let i = 0; i < 40 && !serverLog.includes("does not answer"); i++) await sleep(50);
    expect(serverLog).toMatch(/the database does not answer .*serving anyway/);
    const first = await ask();
    figures.firstErrorMs = first.ms;
    expect(first).toMatchObject({ status: 503, code: "DATABASE_UNAVAILABLE", ok: false });
    expect(first.ms).toBeLessThan(2000);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200); // the process is alive, whatever the database
    for (let i = 0; i < 20; i++) expect(await ask()).toMatchObject({ status: 503, code: "DATABASE_UNAVAILABLE" });

    await cluster.start();
    const up = Date.now();
    let answer = await ask();
    while (!answer.ok && Date.now() - up < 15_000) {
      await sleep(20);
      answer = await ask();
    }
    figures.recoverAfterDatabaseUpMs = Date.now() - up;
    expect(answer.ok).toBe(true);
    expect(Date.now() - up).toBeLessThan(2000);
    expect(exited).toBeUndefined();
  });

  it("keeps serving through a PostgreSQL restart under load: 503 while it is away, no crash, no hang", async () => {
    const answers: Answer[] = [];
    const start = Date.now();
    const durationMs = 10_000;
    let stoppedAt = 0;
    let stopDone = 0;
    let startedAt = 0;
    let upAt = 0;
    const restart = (async () => {
      await sleep(3000);
      stoppedAt = Date.now();
      await cluster.stop();
      stopDone = Date.now();
      await sleep(2000);
      startedAt = Date.now();
      await cluster.start();
      upAt = Date.now();
    })();
    // 4 clients, each a request every 80 ms or so: about 40 requests a second
    const worker = async () => {
      while (Date.now() - start < durationMs) {
        answers.push(await ask());
        await sleep(80);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker(), restart]);

    const failed = answers.filter((a) => !a.ok);
    const unexpected = failed.filter((a) => !(a.status === 503 && a.code === "DATABASE_UNAVAILABLE"));
    const firstError = failed[0];
    const lastError = failed.at(-1);
    const afterUp = answers.filter((a) => a.at > upAt + 1000);
    Object.assign(figures, {
      loadRequests: answers.length,
      loadOk: answers.length - failed.length,
      load503: failed.length - unexpected.length,
      loadOther: unexpected.length,
      loadMaxLatencyMs: Math.max(...answers.map((a) => a.ms)),
      firstErrorAfterStopMs: firstError ? firstError.at + firstError.ms - stoppedAt : "none",
      stopTookMs: stopDone - stoppedAt,
      startTookMs: upAt - startedAt,
      lastErrorBeforeUpMs: lastError ? upAt - (lastError.at + lastError.ms) : "none",
      firstOkAfterUpMs: (() => {
        const ok = answers.find((a) => a.ok && a.at >= startedAt);
        return ok ? ok.at + ok.ms - upAt : "none";
      })(),
    });
    expect(answers.length).toBeGreaterThan(100); // about 35 a second when the machine is idle
    expect(unexpected, JSON.stringify(unexpected.slice(0, 5))).toEqual([]); // never a 500, a reset or a timeout
    expect(failed.length).toBeGreaterThan(0); // the outage was seen
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5000); // no request hangs
    expect(afterUp.length).toBeGreaterThan(20);
    expect(afterUp.every((a) => a.ok)).toBe(true); // serving again a second after the database is up
    expect(exited).toBeUndefined();
  });
});
