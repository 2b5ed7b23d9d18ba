import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { type Database, openDatabase } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { createPgDatabase } from "../helpers/database.ts";
import { neonThroughLocalProxy } from "../helpers/neon.ts";

describe("the Neon serverless driver through a local WebSocket proxy", () => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const created = await createPgDatabase();
    const proxy = await neonThroughLocalProxy();
    db = await openDatabase(loadConfig({ DATABASE_URL: created.url, DATABASE_DRIVER: "neon" }), proxy.options);
    cleanup = async () => {
      await db.close();
      await proxy.close();
      await created.drop();
    };
  });
  afterAll(() => cleanup());

  it("migrates, and a second migration applies nothing", async () => {
    expect(db.driver).toBe("neon");
    expect((await migrate(db)).length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual([]);
  });

  it("serves Prisma queries and raw SQL in transactions", async () => {
    await db.transaction(async (tx) => {
      await tx.query(`insert into gas (code, name) values ($1, $2)`, ["XX", "test gas"]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into gas (code, name) values ($1, $2)`, ["YY", "rolled back"]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await db.prisma.gas.findMany()).map((g) => g.code)).toEqual(["XX"]);
  });
});
