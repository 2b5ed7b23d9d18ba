// API abuse: a statement timeout on every query, a body size limit, the query limits, masked
// internal errors, and a bounded fuzz of arguments (random codes, years, huge integers, injection
// strings) that must never give a 500, a stack trace or a database error's text.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, useDatabase } from "../../db/client.ts";
import { type Api, apiWith, post } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { loadedDatabase } from "../helpers/loaded.ts";

/** A small deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const STRINGS = [
  "FR",
  "FRA",
  "250",
  "FR-BRE",
  "insee-region:53",
  "",
  " ",
  "' OR 1=1 --",
  "'; drop table emission; --",
  '" or ""="',
  "1; select pg_sleep(10)",
  "%00",
  "\u0000",
  "\\",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "$" + "{jndi:ldap://x}",
  "ÿþ",
  "🏳️‍🌈",
  "x".repeat(5000),
  "CO2",
  "co2",
  "1.A",
  "AR6_100",
  "gcp,edgar",
  "scheme:",
  ":",
  "null",
  "-1",
];
const INTS = [0, -1, 1, 1990, 2018, 2100, 32767, 32768, -32769, 65536, 2147483647, -2147483648, 99999, 1e6];
const HUGE = ["9007199254740993", "1e309", "2147483648", "-2147483649", "NaN", "1.5", '"2018"', "null"];

describe.each(testDrivers)("API abuse on %s", (driver) => {
  let t: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    t = await loadedDatabase(driver);
    useDatabase(t.db);
    api = apiWith(t.config, { responseCacheSize: 0, cacheMaxAgeS: 0, maxBodyBytes: 20_000 });
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  it("refuses a body above the size limit with 413, by its length or while it streams", async () => {
    const big = JSON.stringify({ query: `{ territory(code: "${"x".repeat(30_000)}") { code } }` });
    const declared = await api.fetch("http://hub/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    const chunks = [big.slice(0, 10_000), big.slice(10_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const streamed = await api.fetch(
      new Request("http://hub/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    const small = await post(api, { query: `{ territory(code: "FR") { code } }` });
    expect(small.body.data?.territory.code).toBe("FR");
  });

  it("refuses variables that do not fit their types with 400, naming the variable and where it is declared", async () => {
    const query = `query ($y: Int!) { territory(code: "FR") { total(year: $y, source: "gcp") { value } } }`;
    for (const variables of [{ y: "abc" }, {}]) {
      const r = await post(api, { query, variables });
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0].message).toMatch(/Variable "\$y"/);
      expect(r.body.errors?.[0].locations).toEqual([{ line: 1, column: 8 }]);
    }
    const fits = await post(api, { query, variables: { y: 2018 } });
    expect(fits.status).toBe(200);
    expect(fits.body.data?.territory.total.value).toBe(331725446);
  });

  it("masks internal errors: no message, stack or cause leaves the server", async () => {
    const r = await post(api, { query: `{ territory(code: "FR") { code } }`, variables: "not-an-object" });
    expect(r.status).toBeLessThan(500);
    const broken = await api.fetch("http://hub/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(broken.status).toBe(400);
    expect(await broken.text()).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("never answers a fuzzed argument with a 500, a stack trace or a database error", async () => {
    const rnd = random(20_240_601);
    const s = () => JSON.stringify(rnd.pick(STRINGS));
    const n = () => (rnd.next() < 0.25 ? rnd.pick(HUGE) : String(rnd.pick(INTS)));
    const makers = [
      () => `{ territory(code: ${s()}) { code name } }`,
      () => `{ territory(code: "FR") { total(year: ${n()}, gas: ${s()}, source: ${s()}) { value status } } }`,
      () => `{ territory(code: ${s()}) { total(year: ${n()}, sector: ${s()}, gwp: AR6_100) { value } } }`,
      () => `{ territories(first: ${n()}, level: ${s()}, search: ${s()}) { totalCount edges { node { code } } } }`,
      () => `{ territories(first: 3, after: ${s()}) { edges { cursor } } }`,
      () =>
        `{ emissions(territories: [${s()}, "FR"], first: ${n()}, filter: { yearFrom: ${n()}, gases: [${s()}] }) { totalCount } }`,
      () => `{ compare(territory: ${s()}, year: ${n()}, gas: ${s()}) { median } }`,
      () => `{ rankings(level: ${s()}, year: ${n()}, first: ${n()}, source: ${s()}) { value } }`,
      () => `{ releaseDiff(source: ${s()}, from: ${s()}, to: ${s()}, first: ${n()}) { added } }`,
      () => `{ territory(code: "FR") { sectors(yearFrom: ${n()}, yearTo: ${n()}, source: ${s()}) { total } } }`,
      () =>
        `{ territory(code: "FR") { emissions(first: ${n()}, filter: { sector: ${s()}, release: ${s()} }) { totalCount } } }`,
      () => `{ source(id: ${s()}) { id release(asOf: ${s()}) { id } } }`,
      () => `{ territory(code: "FR") { indicators(indicator: ${s()}, yearFrom: ${n()}, yearTo: ${n()}) { value } } }`,
      () => `{ territory(code: "FR") { breakdown(by: CHILDREN, year: ${n()}, source: ${s()}) { total } } }`,
    ];
    const csvParams = [
      "territory",
      "level",
      "source",
      "release",
      "asOf",
      "sector",
      "gas",
      "yearFrom",
      "yearTo",
      "gwp",
      "unit",
      "layout",
      "part",
    ];
    const [{ n: emissionsBefore }] = await t.db.query<{ n: number }>(`select count(*)::int as n from emission`);
    const statuses = new Map<number, number>();
    const codes = new Map<string, number>();
    let requests = 0;
    for (let i = 0; i < 300; i++) {
      let res: Response;
      let label: string;
      if (i % 5 === 4) {
        const params = new URLSearchParams({ territory: rnd.next() < 0.5 ? "FR" : rnd.pick(STRINGS) });
        for (let k = 0; k < 3; k++)
          params.set(rnd.pick(csvParams), rnd.next() < 0.5 ? rnd.pick(STRINGS) : rnd.pick(HUGE));
        label = `/export.csv?${params}`;
        res = await api.fetch(`http://hub${label}`);
      } else {
        const query = rnd.pick(makers)();
        label = query;
        const useVariables = rnd.next() < 0.3;
        res = await api.fetch("http://hub/graphql", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: useVariables
            ? JSON.stringify({
                query: "query($c: String!, $y: Int!) { territory(code: $c) { total(year: $y) { value } } }",
                variables: { c: rnd.pick(STRINGS), y: rnd.next() < 0.5 ? rnd.pick(INTS) : rnd.pick(HUGE) },
              })
            : JSON.stringify({ query }),
        });
      }
      requests++;
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${label.slice(0, 300)} -> ${text.slice(0, 300)}`).toBeLessThan(500);
      expect(text, label.slice(0, 300)).not.toMatch(
        /INTERNAL_SERVER_ERROR|Unexpected error|\bat .*\.(ts|js):\d+|node_modules|syntax error at|violates|out of range for type/,
      );
      for (const m of text.matchAll(/"code":"([A-Z_]+)"/g)) codes.set(m[1], (codes.get(m[1]) ?? 0) + 1);
    }
    const [{ n: emissionsAfter }] = await t.db.query<{ n: number }>(`select count(*)::int as n from emission`);
    expect(emissionsAfter).toBe(emissionsBefore);
    console.log(
      `fuzz: ${requests} requests, statuses ${JSON.stringify([...statuses])}, codes ${JSON.stringify([...codes])}`,
    );
  });

  it.runIf(driver === "pg")(
    "cancels a statement that runs past the statement timeout with a clear QUERY_TIMEOUT",
    async () => {
      const slow: Database = await openDatabase({ ...t.config, statementTimeoutMs: 1000 });
      const locker = new pg.Client({ connectionString: t.url });
      await locker.connect();
      try {
        useDatabase(slow);
        const timed = apiWith(t.config, { responseCacheSize: 0, cacheMaxAgeS: 0 }, { statementTimeoutMs: 1000 });
        // a writer holding the emission table makes the query wait: a slow query the client cannot see
        await locker.query("begin");
        await locker.query("lock table emission in access exclusive mode");
        const started = Date.now();
        const r = await post(timed, {
          query: `{ territory(code: "FR") { code total(year: 2018, gas: "CO2", source: "gcp") { value } } }`,
        });
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(r.status).toBeLessThan(500);
        expect(r.body.errors?.[0].extensions?.code).toBe("QUERY_TIMEOUT");
        expect(r.body.errors?.[0].message).toMatch(/statement timeout of 1000 ms.*ask for less/);
        expect(r.body.data?.territory.code).toBe("FR"); // what did not time out is still answered
        await locker.query("rollback");
        const again = await post(timed, {
          query: `{ territory(code: "FR") { total(year: 2018, gas: "CO2", source: "gcp", unit: MT) { value } } }`,
        });
        expect(again.body.errors, JSON.stringify(again.body.errors)).toBeUndefined(); // the pool serves on
        expect(again.body.data?.territory.total.value).toBe(331.725446);
      } finally {
        await locker.end();
        useDatabase(t.db);
        await slow.close();
      }
    },
  );
});
