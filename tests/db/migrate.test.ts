import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrate.ts";
import { freshDatabase, type TestDatabase, testDrivers } from "../helpers/database.ts";

describe.each(testDrivers)("migrations on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(driver);
  });
  afterAll(() => t.drop());

  it("applies nothing the second time", async () => {
    expect(await migrate(t.db)).toEqual([]);
    const rows = await t.db.query<{ n: number }>(`select count(*)::int as n from "_prisma_migrations"`);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("creates the tables of schema.prisma", async () => {
    expect(await t.db.prisma.territory.count()).toBe(0);
    const tables = await t.db.query<{ t: string }>(
      `select table_name as t from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((r) => r.t)).toContain("emission");
  });
});
