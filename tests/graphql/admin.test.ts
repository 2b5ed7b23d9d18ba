// Admin operations through the API: run a connector, roll a release back and forward. Refused
// without a key, with a partner key or a wrong key; no log line shows a key or a password.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runConnector, sampleDir } from "../../connectors/engine/run.ts";
import { findConnector } from "../../connectors/registry.ts";
import { loadConfig } from "../../core/config.ts";
import { createKey } from "../../db/api-keys.ts";
import { openDatabase, useDatabase } from "../../db/client.ts";
import { type Api, apiWith, post } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { loadedDatabase } from "../helpers/loaded.ts";

const FR_GCP = `{ territory(code: "FR") { total(year: 2018, gas: "CO2", source: "gcp", unit: MT) { value } } }`;
const RUN = `mutation { runConnector(id: "gwp") { status connector runId release { id } error } }`;

describe.each(testDrivers)("admin operations on %s", (driver) => {
  let t: TestDatabase;
  let api: Api;
  let admin: string;
  let partner: string;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await loadedDatabase(driver);
    useDatabase(t.db);
    api = apiWith(t.config);
    admin = await createKey(t.db, "ops", "admin");
    partner = await createKey(t.db, "partner-a", "partner");
    for (const method of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    useDatabase(undefined);
    await t?.drop();
  });

  it("refuses admin mutations without a key, with a partner key and with a wrong key", async () => {
    const none = await post(api, { query: RUN });
    expect(none.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(none.body.data ?? null).toBeNull();
    const asPartner = await post(api, { query: RUN }, { authorization: `Bearer ${partner}` });
    expect(asPartner.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(asPartner.body.errors?.[0].message).toMatch(/partner key/);
    const wrong = await post(api, { query: RUN }, { authorization: `Bearer ${admin.slice(0, -2)}xx` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const runs = await t.db.query<{ n: number }>(`select count(*)::int as n from run where trigger = 'api'`);
    expect(runs[0].n).toBe(0);
  });

  it("runs a connector with an admin key, recorded as an API run", async () => {
    const r = await post(api, { query: RUN }, { authorization: `Bearer ${admin}` });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.runConnector).toMatchObject({ connector: "gwp", status: "unchanged", error: null });
    const [run] = await t.db.query<{ trigger: string }>(`select trigger from run where id = $1`, [
      r.body.data?.runConnector.runId,
    ]);
    expect(run.trigger).toBe("api");
    const unknown = await post(
      api,
      { query: `mutation { runConnector(id: "nope") { status } }` },
      { "x-api-key": admin },
    );
    expect(unknown.body.errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  it("rolls a source back to its previous release and forward again, and the answers follow at once", async () => {
    const text = fs
      .readFileSync(path.join(sampleDir, "emissions/gcp/GCB2020v18_MtCO2_flat.csv"), "latin1")
      .replace('"France","FRA",2018,331.725446,', `"France","FRA",2018,350,`);
    const file = path.resolve(`tests/out/gcp-admin-${process.pid}.csv`);
    fs.writeFileSync(file, text, "latin1");
    const gcp = findConnector("gcp");
    if (!gcp) throw new Error("no gcp");
    const value = async () => (await post(api, { query: FR_GCP })).body.data?.territory.total.value;
    expect(await value()).toBe(331.725446); // cached from now on, until a release changes
    const published = await runConnector(t.db, gcp, { config: t.config, files: { data: file }, trigger: "test" });
    expect(published.status).toBe("succeeded");
    expect(await value()).toBe(350);

    const headers = { authorization: `Bearer ${admin}` };
    const back = await post(api, { query: `mutation { rollbackRelease(source: "gcp") { id active } }` }, headers);
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data?.rollbackRelease.id).not.toBe(published.releaseId);
    expect(await value()).toBe(331.725446);

    const forward = await post(
      api,
      { query: `mutation { setReleaseActive(id: ${published.releaseId}, active: true) { id active } }` },
      headers,
    );
    expect(forward.body.data?.setReleaseActive).toEqual({ id: published.releaseId, active: true });
    expect(await value()).toBe(350);
    const refused = await post(api, {
      query: `mutation { setReleaseActive(id: ${published.releaseId}, active: false) { id } }`,
    });
    expect(refused.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(await value()).toBe(350);
  });

  it("writes no log line that reveals a key or a database password", async () => {
    await expect(
      openDatabase(loadConfig({ DATABASE_URL: "postgres://ogs:hunter2-secret@127.0.0.1:1/ogs" })),
    ).rejects.toThrow(/127\.0\.0\.1:1\/ogs/);
    try {
      await openDatabase(loadConfig({ DATABASE_URL: "postgres://ogs:hunter2-secret@127.0.0.1:1/ogs" }));
    } catch (e) {
      expect((e as Error).message).not.toContain("hunter2");
    }
    expect(lines.some((l) => l.includes('admin key "ops"'))).toBe(true); // actions are logged, by key name
    for (const line of lines) {
      expect(line).not.toContain(admin);
      expect(line).not.toContain(partner);
      expect(line).not.toContain(admin.slice(10)); // not even the secret part
      expect(line).not.toContain("hunter2");
    }
  });
});
