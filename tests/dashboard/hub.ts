// A real hub for the browser tests: a copy of a database with real bundled data loaded by the real
// connectors, the GraphQL API and the built dashboard on one local port.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "vite";
import { dashboardRoot, serveDashboard } from "../../dashboard/serve-static.ts";
import { useDatabase } from "../../db/client.ts";
import { yoga } from "../../graphql/yoga.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../helpers/loaded.ts";

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
  // the API tests' sources (gcp and openghgmap are what these tests read, owid gives populations)
  const database = await loadedDatabase(driver, API_SOURCES);
  useDatabase(database.db);
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
