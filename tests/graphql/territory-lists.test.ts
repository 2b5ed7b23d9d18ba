// A territory's descendants, territories(parent:) and a group's members: answered from the catalog's
// lists when the nodes ask for no relation, through Prisma when they do. Both give the same lists and
// pages, forward and back, from any cursor, on the real reference tree and both drivers. Rankings
// name their territories from the catalog's list of the level.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "../../db/client.ts";
import { type Api, apiWith, post } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../helpers/loaded.ts";

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape the query fixes
type Answer = Record<string, any>;

describe.each(testDrivers)("territory lists on %s", (driver) => {
  let t: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    t = await loadedDatabase(driver, API_SOURCES);
    useDatabase(t.db);
    api = apiWith(t.config, { responseCacheSize: 0, catalogMaxAgeS: 3600 });
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  async function ok(query: string): Promise<Answer> {
    const { body } = await post(api, { query });
    expect(body.errors).toBeUndefined();
    return body.data as Answer;
  }

  /** the same page with plain nodes (the catalog) and with each node's parent (Prisma) */
  async function both(args: string, level = `level: "adm2"`) {
    const q = (node: string) =>
      `{ territory(code: "FR") { descendants(${level}${args ? `, ${args}` : ""}) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${node} } } } } }`;
    const plain = (await ok(q("code name level depth"))).territory.descendants;
    const related = (await ok(q("code name level depth parent { code }"))).territory.descendants;
    for (const e of related.edges) delete e.node.parent;
    expect(plain).toEqual(related);
    return plain;
  }

  it("pages France's 98 departments (ISO 3166-2) forward and back by code, as Prisma does", async () => {
    const all = await both("first: 200");
    expect(all.totalCount).toBe(98);
    const codes: string[] = all.edges.map((e: Answer) => e.node.code);
    expect(codes).toHaveLength(98);
    expect(codes.slice(0, 3)).toEqual(["FR-01", "FR-02", "FR-03"]);
    expect(all.edges[0].node).toEqual({ code: "FR-01", name: "Ain", level: "adm2", depth: 5 });

    const second = await both(`first: 5, after: "${all.edges[4].cursor}"`);
    expect(second.edges.map((e: Answer) => e.node.code)).toEqual(codes.slice(5, 10));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true });

    const back = await both(`last: 3, before: "${all.edges[10].cursor}"`);
    expect(back.edges.map((e: Answer) => e.node.code)).toEqual(codes.slice(7, 10));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true });

    const tail = await both("last: 4");
    expect(tail.edges.map((e: Answer) => e.node.code)).toEqual(codes.slice(-4));
    const end = await both(`first: 10, after: "${all.edges[94].cursor}"`);
    expect(end.edges.map((e: Answer) => e.node.code)).toEqual(["FR-93", "FR-94", "FR-95"]);
    expect(end.pageInfo.hasNextPage).toBe(false);
  });

  it("pages every descendant at any depth, and gives nothing after a cursor that names no descendant", async () => {
    const any = await both("first: 3", `level: null`);
    expect(any.totalCount).toBeGreaterThan(98);
    // a cursor in the right format that names no descendant of France
    const nowhere = Buffer.from(
      Buffer.from(any.edges[0].cursor, "base64").toString().replace(any.edges[0].node.code, "XX-NOPE"),
    ).toString("base64");
    expect(nowhere).not.toBe(any.edges[0].cursor);
    const gone = await both(`first: 3, after: "${nowhere}"`);
    expect(gone.edges).toEqual([]);
  });

  it("territories(parent:, level:) gives the same pages as descendants", async () => {
    const page = async (node: string) =>
      (
        await ok(
          `{ territories(parent: "FR-BRE", level: "adm2", first: 10) { totalCount edges { node { ${node} } } } }`,
        )
      ).territories;
    const plain = await page("code");
    expect(plain.totalCount).toBe(4);
    expect(plain.edges.map((e: Answer) => e.node.code)).toEqual(["FR-22", "FR-29", "FR-35", "FR-56"]);
    const related = await page("code parent { code }");
    expect(related.edges.map((e: Answer) => e.node)).toEqual(
      ["FR-22", "FR-29", "FR-35", "FR-56"].map((code) => ({ code, parent: { code: "FR-BRE" } })),
    );
  });

  it("lists a group's members by id, the same with or without their relations", async () => {
    const list = async (node: string) =>
      await ok(
        `{ eu: territory(code: "EU27") { members { ${node} } } fr: territory(code: "FR") { members { code } } }`,
      );
    const plain = await list("code name level");
    const related = await list("code name level parent { code }");
    expect(plain.eu.members).toHaveLength(27);
    expect(plain.eu.members.map((m: Answer) => m.code)).toContain("FR");
    expect(related.eu.members.map((m: Answer) => ({ code: m.code, name: m.name, level: m.level }))).toEqual(
      plain.eu.members,
    );
    expect(related.eu.members.find((m: Answer) => m.code === "FR").parent).toEqual({ code: "155" });
    expect(plain.fr.members).toEqual([]);
  });

  it("names the ranked territories from the level's list, and one added to the level since it was read", async () => {
    const ranking = `{ rankings(level: "country", year: 2018, source: "openghgmap", first: 40) { rank total territory { code name } } }`;
    const before = (await ok(ranking)).rankings;
    expect(before[0]).toMatchObject({ rank: 1, territory: { code: "DE", name: "Germany" } });
    expect(before.map((r: Answer) => r.territory.code)).not.toContain("FR-IDF");
    // another process moves a territory into the level: the kept list does not have it yet
    await t.db.query(`update territory set level = 'country' where code = 'FR-IDF'`);
    const after = (await ok(ranking)).rankings;
    const idf = after.find((r: Answer) => r.territory.code === "FR-IDF");
    expect(idf).toMatchObject({ territory: { code: "FR-IDF", name: "Île-de-France" } });
    expect(idf.total).toBe(32_844_956); // FR-IDF as openGHGMap reports it (32.8 Mt, data README)
  });
});
