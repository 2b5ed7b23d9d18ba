// Browsers and caches in front of the API: CORS preflight, Cache-Control and ETag derived from the
// releases an answer depends on (304 while they are unchanged), the in-process response cache and
// its invalidation when a release is published. Real data, real connectors, through yoga.fetch.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnector, sampleDir } from "../../connectors/engine/run.ts";
import { findConnector } from "../../connectors/registry.ts";
import { useDatabase } from "../../db/client.ts";
import { type Api, apiWith, getUrl, post } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { loadedDatabase } from "../helpers/loaded.ts";

const FR_GCP = `{ territory(code: "FR") { total(year: 2018, gas: "CO2", source: "gcp", unit: MT) { value } } }`;
const SAMPLE = path.join(sampleDir, "emissions/gcp/GCB2020v18_MtCO2_flat.csv");

/** Publishes a new gcp release: the real sample with France's 2018 total changed to `value` Mt. */
async function publishGcp(t: TestDatabase, value: number): Promise<number> {
  const text = fs
    .readFileSync(SAMPLE, "latin1")
    .replace('"France","FRA",2018,331.725446,', `"France","FRA",2018,${value},`);
  const file = path.resolve(`tests/out/gcp-${process.pid}-${value}.csv`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, "latin1");
  const connector = findConnector("gcp");
  if (!connector) throw new Error("no gcp connector");
  const run = await runConnector(t.db, connector, { config: t.config, files: { data: file }, trigger: "test" });
  expect(run.status, run.error).toBe("succeeded");
  return run.releaseId as number;
}

describe.each(testDrivers)("HTTP caching and CORS on %s", (driver) => {
  let t: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    t = await loadedDatabase(driver);
    useDatabase(t.db);
    api = apiWith(t.config);
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  it("answers a browser's preflight from another origin, without asking for credentials", async () => {
    const res = await api.fetch("http://hub/graphql", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.org",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    const read = await api.fetch(getUrl(FR_GCP), { headers: { origin: "https://app.example.org" } });
    expect(read.status).toBe(200);
    expect(read.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    expect(read.headers.get("access-control-expose-headers")).toMatch(/etag/);
  });

  it("allows only the configured origins when OGS_CORS_ORIGINS lists them", async () => {
    const strict = apiWith(t.config, { corsOrigins: ["https://a.example.org", "https://b.example.org"] });
    const preflight = (origin: string) =>
      strict.fetch("http://hub/graphql", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
    expect((await preflight("https://b.example.org")).headers.get("access-control-allow-origin")).toBe(
      "https://b.example.org",
    );
    expect((await preflight("https://evil.example.com")).headers.get("access-control-allow-origin")).toBe("null");
  });

  it("gives a GET query Cache-Control and an ETag, 304 while its releases are unchanged, a new ETag after a release", async () => {
    const first = await api.fetch(getUrl(FR_GCP));
    expect(first.status).toBe(200);
    expect((await first.json()).data.territory.total.value).toBe(331.725446);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);

    const again = await api.fetch(getUrl(FR_GCP), { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);

    await publishGcp(t, 340.5);
    const after = await api.fetch(getUrl(FR_GCP), { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect((await after.json()).data.territory.total.value).toBe(340.5);
    expect(after.headers.get("etag")).not.toBe(etag);
  });

  it("derives the ETag from the releases of the sources the answer read, not from every source", async () => {
    const uncached = apiWith(t.config, { responseCacheSize: 0 }); // every request is computed again
    const etag = async (query: string) => (await uncached.fetch(getUrl(query))).headers.get("etag");
    const edgarQuery = `{ territory(code: "FR") { total(year: 2018, gas: "CO2", source: "edgar", unit: MT) { value } } }`;
    const [gcpBefore, edgarBefore] = [await etag(FR_GCP), await etag(edgarQuery)];
    // a new (empty, inactive) edgar release: edgar answers change their ETag, gcp answers keep theirs
    await t.db.query(
      `insert into release (source_id, version, raw_hash, raw_uri, retrieved_at, row_count, active)
       values ('edgar', 'probe', 'probe', 'probe', now(), 0, false)`,
    );
    expect(await etag(FR_GCP)).toBe(gcpBefore);
    expect(await etag(edgarQuery)).not.toBe(edgarBefore);
    await t.db.query(`delete from release where source_id = 'edgar' and version = 'probe'`);
    expect(await etag(edgarQuery)).toBe(edgarBefore);
  });

  it("serves a repeated query from the response cache without a SQL statement, until a release is published", async () => {
    const query = `{ territory(code: "DE") { code total(year: 2017, gas: "CO2", source: "gcp", unit: MT) { value } } }`;
    const first = await post(api, { query });
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get("x-cache")).toBe("MISS");
    const before = t.db.statements.count;
    const second = await post(api, { query });
    expect(t.db.statements.count - before).toBe(0);
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.body).toEqual(first.body);

    await publishGcp(t, 341.5);
    const beforeThird = t.db.statements.count;
    const third = await post(api, { query });
    expect(third.headers.get("x-cache")).toBe("MISS");
    expect(t.db.statements.count - beforeThird).toBeGreaterThan(0);
    expect(third.body).toEqual(first.body); // Germany did not change: same answer, read again
  });

  it("never caches a mutation, an answer with errors, or the live connector health", async () => {
    const bad = await post(api, { query: `{ territory(code: "FR") { total(year: 2018, gas: "XX") { value } } }` });
    expect(bad.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.headers.get("cache-control")).toBe("no-store");
    const health = await api.fetch(getUrl("{ connectors { id status } }"));
    expect(health.headers.get("cache-control")).toBe("no-store");
    expect(health.headers.get("etag")).toBeNull();
  });

  it("caches /export.csv the same way: ETag, 304, a new ETag after a release of its source", async () => {
    const url = "http://hub/export.csv?territory=FR&source=gcp&gas=CO2&yearFrom=2016&yearTo=2018";
    const first = await api.fetch(url);
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/^territory,territory_name,source/);
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^W\//);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    expect((await api.fetch(url, { headers: { "if-none-match": etag } })).status).toBe(304);
    await publishGcp(t, 342.5);
    const after = await api.fetch(url, { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(await after.text()).toMatch(/342\.5/);
  });
});
