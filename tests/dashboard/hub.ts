// A real hub for the browser tests: a fresh database with real bundled data loaded by the real
// connectors, the GraphQL API and the built dashboard on one local port.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "vite";
import { runConnector } from "../../connectors/engine/run.ts";
import { findConnector } from "../../connectors/registry.ts";
import { dashboardRoot, serveDashboard } from "../../dashboard/serve-static.ts";
import { useDatabase } from "../../db/client.ts";
import { seed } from "../../db/seed.ts";
import { yoga } from "../../graphql/yoga.ts";
import { freshDatabase, type TestDatabase } from "../helpers/database.ts";

/** Reference data first; gcp and openghgmap are what the tests read, owid gives populations. */
export const LOADED = ["territories", "gwp", "gcp", "openghgmap", "owid", "edgar", "unfccc-annex1"];

export interface Hub {
  url: string;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startHub(
  driver: "pglite" | "pg" = "pglite",
  dist = path.resolve("tests/out/dashboard-dist"),
): Promise<Hub> {
  await build({ configFile: path.join(dashboardRoot, "vite.config.ts"), build: { outDir: dist }, logLevel: "warn" });
  const database = await freshDatabase(driver);
  useDatabase(database.db);
  await seed(database.db);
  for (const id of LOADED) {
    const connector = findConnector(id);
    if (!connector) throw new Error(`no connector ${id} in connectors/registry.ts`);
    const run = await runConnector(database.db, connector, { config: database.config, trigger: "test" });
    if (run.status === "failed") throw new Error(`${id} failed: ${run.error}`);
  }
  const server: Server = createServer((req, res) => {
    if (!serveDashboard(req, res, dist)) void yoga(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      useDatabase(undefined);
      await database.drop();
    },
  };
}
