// The example frontend client (examples/): its documents are checked against the committed
// schema.graphql by gql.tada, its code type-checks, and its query runs against a test server.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabase } from "../../db/client.ts";
import { fetchTerritorySectors } from "../../examples/territory-client.ts";
import { readManifest } from "../../graphql/plugins/use-persisted-operations.ts";
import { type Api, apiWith } from "../helpers/api.ts";
import { type TestDatabase, testDrivers } from "../helpers/database.ts";
import { loadedDatabase } from "../helpers/loaded.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const bin = (name: string) => path.join(root, "node_modules/.bin", name);

describe("the example client", () => {
  it("is typed from the committed schema.graphql (graphql-env.d.ts is up to date)", async () => {
    const out = path.join(root, `tests/out/graphql-env-${process.pid}.d.ts`);
    await run(bin("gql.tada"), ["generate-output", "-c", "examples/tsconfig.json", "-o", out], { cwd: root });
    expect(fs.readFileSync(out, "utf8")).toBe(fs.readFileSync(path.join(root, "examples/graphql-env.d.ts"), "utf8"));
  });

  it("has documents valid against the schema, and code that type-checks", async () => {
    await run(bin("gql.tada"), ["check", "-c", "examples/tsconfig.json", "--fail-on-warn"], { cwd: root });
    await run(bin("tsc"), ["-p", "examples/tsconfig.json"], { cwd: root });
  });

  it("publishes its persisted operations: the manifest matches its documents, keyed by their SHA-256", async () => {
    const out = path.join(root, `tests/out/persisted-${process.pid}.json`);
    await run(bin("gql.tada"), ["generate-persisted", "-c", "examples/tsconfig.json", "-o", out], { cwd: root });
    expect(JSON.parse(fs.readFileSync(out, "utf8"))).toEqual(
      JSON.parse(fs.readFileSync(path.join(root, "examples/persisted-operations.json"), "utf8")),
    );
    expect(readManifest(path.join(root, "examples/persisted-operations.json")).size).toBe(1);
  });
});

describe.each(testDrivers)("the example client against a test server on %s", (driver) => {
  let t: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    t = await loadedDatabase(driver);
    useDatabase(t.db);
    api = apiWith(t.config, { persistedOperations: path.join(root, "examples/persisted-operations.json") });
  });
  afterAll(async () => {
    useDatabase(undefined);
    await t?.drop();
  });

  for (const persisted of [false, true])
    it(`fetches France's sectors and gases${persisted ? " as a persisted operation" : ""}`, async () => {
      const territory = await fetchTerritorySectors(
        { code: "FR", yearFrom: 2016, yearTo: 2018, unit: "MT" },
        { endpoint: "http://hub/graphql", persisted, fetch: (url, init) => Promise.resolve(api.fetch(url, init)) },
      );
      expect(territory?.code).toBe("FR");
      const gcp = territory?.sectors.find((s) => s.source === "gcp");
      expect(gcp?.gases.map((g) => g.gas.code)).toContain("CO2");
      expect(gcp?.gases[0].series?.map((p) => p.year)).toEqual([2016, 2017, 2018]);
    });
});
