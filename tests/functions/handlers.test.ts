// The Lambda handlers invoked with recorded event shapes, against the real PostgreSQL (adapter-pg)
// and through the Neon serverless driver (local WebSocket proxy), with a local upstream server.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnector } from "../../connectors/engine/run.ts";
import { territories } from "../../connectors/reference/territories.ts";
import { loadConfig } from "../../core/config.ts";
import { type Database, openDatabase } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { seed } from "../../db/seed.ts";
import { handler as graphqlHandler } from "../../functions/graphql.ts";
import { handler as ingestHandler } from "../../functions/ingest.ts";
import { handler as migrateHandler } from "../../functions/migrate.ts";
import { closeDatabase } from "../../functions/runtime.ts";
import { startWsProxy } from "../../scripts/ws-proxy.ts";
import { createPgDatabase } from "../helpers/database.ts";
import { startUpstream, type Upstream } from "../helpers/upstream.ts";
import { apiGatewayV2Event, functionUrlEvent, scheduledEvent } from "./events.ts";

const gcpFile = path.join(import.meta.dirname, "../../data/emissions/gcp/GCB2020v18_MtCO2_flat.csv");
const gcpPath = "/gcp/GCB2020v18_MtCO2_flat.csv";

describe.each(["pg", "neon"] as const)("Lambda handlers on %s", (driver) => {
  let db: Database;
  let upstream: Upstream;
  let cleanup: () => Promise<void>;
  const saved = { ...process.env };

  const franceGcp2018 = async () => {
    const rows = await db.query<{ value: number; release_id: number }>(
      `select e.value, e.release_id from emission e join source_sector ss on ss.id = e.source_sector_id
       join territory t on t.id = e.territory_id
       where t.code = 'FR' and e.year = 2018 and ss.name = 'Total'
         and e.release_id = (select id from release where source_id = 'gcp' and active order by loaded_at desc, id desc limit 1)`,
    );
    return rows[0];
  };
  const releases = async () =>
    (await db.query<{ n: number }>(`select count(*)::int as n from release where source_id = 'gcp'`))[0].n;
  const lastRun = async () =>
    (
      await db.query<{ status: string; error: string | null; trigger: string }>(
        `select status, error, trigger from run where connector = 'gcp' order by id desc limit 1`,
      )
    )[0];

  beforeAll(async () => {
    const created = await createPgDatabase();
    const dataDir = fs.mkdtempSync("tests/out/handlers-");
    db = await openDatabase(loadConfig({ DATABASE_URL: created.url, OGS_DATA_DIR: dataDir }));
    await migrate(db);
    await seed(db);
    await runConnector(db, territories, { config: loadConfig({ DATABASE_URL: created.url, OGS_DATA_DIR: dataDir }) });
    upstream = await startUpstream();
    upstream.set(gcpPath, gcpFile);
    const proxy = driver === "neon" ? await startWsProxy(0) : undefined;
    Object.assign(process.env, {
      DATABASE_URL: created.url,
      DATABASE_DRIVER: driver,
      OGS_NEON_WS_PROXY: proxy ? `127.0.0.1:${proxy.port}/v2` : "",
      OGS_DATA_DIR: dataDir,
      OGS_UPSTREAM_MIRROR: upstream.url(""),
      OGS_FETCH_TIMEOUT_MS: "2000",
      OGS_CONNECTOR: "gcp",
    });
    cleanup = async () => {
      await closeDatabase();
      await db.close();
      await upstream.close();
      await proxy?.close();
      await created.drop();
      process.env = saved;
    };
  });
  afterAll(() => cleanup());

  it("runs the migrations as a deploy step, applying nothing on an up-to-date database", async () => {
    expect(await migrateHandler()).toEqual({ applied: [] });
  });

  it("loads a connector from its upstream on a scheduled event", async () => {
    const summary = await ingestHandler(scheduledEvent);
    expect(summary).toMatchObject({ connector: "gcp", status: "succeeded" });
    expect((await franceGcp2018()).value).toBe(331725446);
    expect(await lastRun()).toMatchObject({ status: "succeeded", trigger: "schedule" });
  });

  it("loads nothing when the upstream answers 304 Not Modified", async () => {
    const summary = await ingestHandler(scheduledEvent);
    expect(summary.status).toBe("unchanged");
    expect(upstream.requests.at(-1)).toMatchObject({ path: gcpPath, status: 304 });
    expect(upstream.requests.at(-1)?.ifNoneMatch).toMatch(/^"/);
    expect(await releases()).toBe(1);
  });

  it("publishes a new release when the upstream file changes, and queries default to it", async () => {
    const changed = fs
      .readFileSync(gcpFile, "latin1")
      .replace('"France","FRA",2018,331.725446', '"France","FRA",2018,331.8');
    const file = path.join(process.env.OGS_DATA_DIR as string, "gcp-changed.csv");
    fs.writeFileSync(file, changed, "latin1");
    upstream.set(gcpPath, file);
    expect((await ingestHandler(scheduledEvent)).status).toBe("succeeded");
    expect(await releases()).toBe(2);
    expect((await franceGcp2018()).value).toBe(331800000);
  });

  it("records a failed run when the upstream errors or times out, and the previous release still answers", async () => {
    const before = await franceGcp2018();
    upstream.fail(503);
    await expect(ingestHandler(scheduledEvent)).rejects.toThrow(/gcp run \d+ failed: GET .* answered 503/);
    expect(await lastRun()).toMatchObject({ status: "failed" });
    upstream.fail("timeout");
    await expect(ingestHandler(scheduledEvent)).rejects.toThrow(/timed out \(after 4 attempt\(s\)\)/);
    upstream.fail(null);
    expect(await franceGcp2018()).toEqual(before);
    expect(await releases()).toBe(2);
  });

  it("answers GraphQL over a Function URL event and an API Gateway v2 event", async () => {
    const query = { query: `{ territory(code: "FRA") { code name level ancestors { code } } }` };
    for (const event of [functionUrlEvent("POST", "/graphql", query), apiGatewayV2Event("POST", "/graphql", query)]) {
      const res = await graphqlHandler(event);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/json/);
      expect(JSON.parse(res.body).data.territory).toEqual({
        code: "FR",
        name: "France",
        level: "country",
        ancestors: [{ code: "155" }, { code: "150" }, { code: "001" }],
      });
    }
  });

  it("answers a GET query over a Function URL", async () => {
    const res = await graphqlHandler(functionUrlEvent("GET", "/graphql", undefined, "query=%7B__typename%7D"));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: { __typename: "Query" } });
  });
});
