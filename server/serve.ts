// The HTTP server of `ogs serve` and `ogs start`: the dashboard at /, GraphQL at /graphql, CSV at
// /export.csv, a health check at /health (the last three answered by graphql-yoga).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildDashboardIfMissing, serveDashboard } from "../dashboard/serve-static.ts";
import { yoga } from "../graphql/yoga.ts";

export async function serve(port: number, host = "127.0.0.1"): Promise<{ server: Server; url: string }> {
  await buildDashboardIfMissing();
  const server = createServer((req, res) => {
    if (!serveDashboard(req, res)) yoga(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}
