// Partner integrations: API keys with higher rate limits than anonymous clients, usage counted per
// key, invalid keys refused, and persisted operations (trusted documents) that a server can require.
import path from "node:path";
import { print } from "@0no-co/graphql.web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, listKeys, revokeKey } from "../../db/api-keys.ts";
import { useDatabase } from "../../db/client.ts";
import { TerritorySectorsPersisted, TerritorySectorsQuery } from "../../examples/territory-client.ts";
import { apiWith, getUrl, post } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { loadedDatabase } from "../helpers/loaded.ts";

const MANIFEST = path.resolve("examples/persisted-operations.json");
const QUERY = `{ territory(code: "FR") { code } }`;
const variables = { code: "FR", yearFrom: 2017, yearTo: 2018, unit: "MT" };

describe.each(testDrivers)("partners on %s", (driver) => {
  let t: TestDatabase;
  let partner: string;
  let admin: string;
  beforeAll(async () => {
    t = await loadedDatabase(driver);
    useDatabase(t.db);
    partner = await createKey(t.db, "partner-a", "partner");
    admin = await createKey(t.db, "ops", "admin");
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  it("limits an anonymous client sooner than a partner key, and counts the key's use", async () => {
    const api = apiWith(t.config, { rateLimitAnon: 3, rateLimitPartner: 8, responseCacheSize: 0 });
    const anonymous = (address: string) => post(api, { query: QUERY }, { "x-forwarded-for": address });
    for (let i = 0; i < 3; i++) expect((await anonymous("203.0.113.7")).status).toBe(200);
    const limited = await anonymous("203.0.113.7");
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0].extensions?.code).toBe("RATE_LIMITED");
    expect(limited.body.errors?.[0].message).toMatch(/3 requests a minute.*partner API key/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await anonymous("198.51.100.9")).status).toBe(200); // another client has its own window

    const before = (await listKeys(t.db)).find((k) => k.name === "partner-a")?.requests ?? 0;
    const keyed = () =>
      post(api, { query: QUERY }, { authorization: `Bearer ${partner}`, "x-forwarded-for": "203.0.113.7" });
    for (let i = 0; i < 8; i++) {
      const r = await keyed();
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-remaining")).toBe(String(7 - i));
    }
    const over = await keyed();
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0].message).toMatch(/the key "partner-a".*8 requests a minute/);
    expect((await listKeys(t.db)).find((k) => k.name === "partner-a")?.requests).toBe(before + 9);
  });

  it("enforces a daily quota per key", async () => {
    const api = apiWith(t.config, { rateLimitPartner: 0, quotaPartnerDay: 2, responseCacheSize: 0 });
    const keyed = () => post(api, { query: QUERY }, { "x-api-key": partner });
    expect((await keyed()).status).toBe(200);
    expect((await keyed()).status).toBe(200);
    const over = await keyed();
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0].message).toMatch(/2 requests a day/);
  });

  it("refuses an unknown, malformed or revoked key with 401 instead of serving it as anonymous", async () => {
    const api = apiWith(t.config);
    const headers: Record<string, string>[] = [
      { authorization: "Bearer ogs_partner_not-a-real-key" },
      { authorization: "Bearer something-else" },
      { "x-api-key": "' or 1=1 --" },
    ];
    for (const header of headers) {
      const r = await post(api, { query: QUERY }, header);
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(r.body.data).toBeUndefined();
    }
    const revoked = await createKey(t.db, "partner-gone", "partner");
    expect((await post(api, { query: QUERY }, { "x-api-key": revoked })).status).toBe(200);
    await revokeKey(t.db, "partner-gone");
    expect((await post(api, { query: QUERY }, { "x-api-key": revoked })).status).toBe(401);
  });

  it("with persisted operations required, refuses unknown and ad-hoc documents clearly and runs a known one", async () => {
    const api = apiWith(t.config, { persistedOnly: true, persistedOperations: MANIFEST });
    const adHoc = await post(api, { query: print(TerritorySectorsQuery), variables });
    expect(adHoc.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_ONLY");
    expect(adHoc.body.errors?.[0].message).toMatch(/persisted operations only.*documentId/);
    expect(adHoc.body.data).toBeUndefined();

    const unknown = await post(api, { documentId: `sha256:${"0".repeat(64)}`, variables });
    expect(unknown.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(unknown.body.errors?.[0].message).toMatch(/not in this server's manifest/);

    const known = await post(api, { documentId: TerritorySectorsPersisted.documentId, variables });
    expect(known.body.errors).toBeUndefined();
    expect(known.body.data?.territory.code).toBe("FR");
    expect(known.body.data?.territory.sectors.length).toBeGreaterThan(0);

    const hash = TerritorySectorsPersisted.documentId.replace("sha256:", "");
    const apq = await api.fetch(
      `${getUrl("").replace("query=", "")}extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }))}&variables=${encodeURIComponent(JSON.stringify(variables))}`,
    );
    expect((await apq.json()).data.territory.code).toBe("FR");

    const operator = await post(api, { query: QUERY }, { authorization: `Bearer ${admin}` });
    expect(operator.body.data?.territory.code).toBe("FR"); // an admin key keeps ad-hoc access
  });

  it("keeps ad-hoc queries open by default, with the manifest's operations runnable too", async () => {
    const api = apiWith(t.config, { persistedOperations: MANIFEST });
    expect((await post(api, { query: QUERY })).body.data?.territory.code).toBe("FR");
    const known = await post(api, { documentId: TerritorySectorsPersisted.documentId, variables });
    expect(known.body.data?.territory.code).toBe("FR");
  });
});
