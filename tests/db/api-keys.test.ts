import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, listKeys, revokeKey, verifyKey } from "../../db/api-keys.ts";
import { freshDatabase, type TestDatabase, testDrivers } from "../helpers/database.ts";

describe.each(testDrivers)("API keys on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(driver);
  });
  afterAll(() => t.drop());

  it("stores only a hash, verifies the token, counts its use and refuses it once revoked", async () => {
    const token = await createKey(t.db, "ops", "admin");
    expect(token).toMatch(/^ogs_admin_[\w-]{32}$/);
    const stored = await t.db.query<{ hash: string; prefix: string }>(`select hash, prefix from api_key`);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyKey(t.db, token)).toMatchObject({ name: "ops", role: "admin" });
    expect(await verifyKey(t.db, `${token}x`)).toBeNull();
    expect(await verifyKey(t.db, "' or 1=1 --")).toBeNull();
    expect((await listKeys(t.db))[0]).toMatchObject({ name: "ops", requests: 1 });
    await revokeKey(t.db, "ops");
    expect(await verifyKey(t.db, token)).toBeNull();
  });

  it("refuses duplicate names, bad names and unknown roles with a clear message", async () => {
    await createKey(t.db, "partner-a", "partner");
    await expect(createKey(t.db, "partner-a", "partner")).rejects.toThrow('a key named "partner-a" exists already');
    await expect(createKey(t.db, "bad name!", "partner")).rejects.toThrow(/must be 1-64 letters/);
    await expect(revokeKey(t.db, "nobody")).rejects.toThrow('no active key named "nobody"');
  });
});
