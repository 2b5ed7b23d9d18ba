// The HTTP server of `ogs serve` and `ogs start`: GraphQL at /graphql, a health check at /health.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { yoga } from "../graphql/yoga.ts";

export async function serve(port: number, host = "127.0.0.1"): Promise<{ server: Server; url: string }> {
  const server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}
