// Statements sent with { prepare: true } (db/client.ts): on PostgreSQL over TCP, prepared once per
// connection under a name taken from their text; the same rows as an unnamed statement, on both drivers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPgDatabase,
  freshDatabase,
  openPgTestDatabase,
  type TestDatabase,
  testDrivers,
} from "../helpers/database.ts";

const TEXT = `select g.code, g.basket from g where g.code = any($1::text[]) order by g.code`;

describe.each(testDrivers)("prepared statements on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(driver);
    await t.db.exec(`create table g (code text primary key, basket boolean);
      insert into g values ('CO2', false), ('CH4', false), ('GHG', true)`);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("give the rows an unnamed statement gives, for any values", async () => {
    for (const codes of [["CO2", "CH4"], ["GHG"], ["NOPE"]]) {
      const plain = await t.db.query(TEXT, [codes]);
      expect(await t.db.query(TEXT, [codes], { prepare: true })).toEqual(plain);
    }
    expect(await t.db.query(TEXT, [["CO2", "CH4"]], { prepare: true })).toEqual([
      { code: "CH4", basket: false },
      { code: "CO2", basket: false },
    ]);
  });

  it("are prepared once per connection on PostgreSQL, under one name for one text", async () => {
    const prepared = await t.db.transaction(async (tx) => {
      await tx.query(TEXT, [["CO2"]], { prepare: true });
      await tx.query(TEXT, [["N2O"]], { prepare: true });
      await tx.query(`${TEXT} limit 1`, [["N2O"]], { prepare: true });
      await tx.query(`${TEXT} limit 2`, [["N2O"]]);
      return tx.query<{ name: string; statement: string }>(
        `select name, statement from pg_prepared_statements order by statement`,
      );
    });
    if (driver === "pglite") {
      expect(prepared).toEqual([]);
      return;
    }
    expect(prepared.map((p) => p.statement)).toEqual([TEXT, `${TEXT} limit 1`]);
    expect(prepared[0].name).toMatch(/^ogs\d+_[\w-]{20}$/);
    expect(prepared[1].name).not.toBe(prepared[0].name);
  });
});

describe("prepared statements on a database changed behind them", () => {
  it.runIf(testDrivers.includes("pg"))("answer after the table they read is dropped and made again", async () => {
    const t = await openPgTestDatabase(await createPgDatabase(), {});
    try {
      await t.db.exec(`create table k (id int primary key, v text); insert into k values (1, 'a'), (2, 'b')`);
      const q = `select id, v from k where id = any($1::int[]) order by id`;
      expect(await t.db.query(q, [[1, 2]], { prepare: true })).toEqual([
        { id: 1, v: "a" },
        { id: 2, v: "b" },
      ]);
      // a migration while the server runs changes the columns: the statement is prepared again
      await t.db.exec(`drop table k; create table k (v text, id bigint, w int); insert into k values ('c', 2, 7)`);
      expect(await t.db.query(q, [[2]], { prepare: true })).toEqual([{ id: "2", v: "c" }]);
    } finally {
      await t.drop();
    }
  });
});
