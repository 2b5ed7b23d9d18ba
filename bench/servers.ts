// One GraphQL server for bench/api.ts, in its own process (forked with tsx): `hub DATABASE_URL` (the
// hub's own server, server/serve.ts) or `postgraphile DATABASE_URL` (PostGraphile v5, Amber preset,
// the public schema as it is). Prints `ready <url>` once listening; answers {statements: n} to any
// IPC message (the hub's SQL statement count, db().statements.count).
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { benchApiEnv } from "./lib.ts";

// PostGraphile 5.1 calls Promise.withResolvers (Node 22); Node 20 lacks it. The polyfill is the
// one-liner of the specification: nothing else of PostGraphile needs Node 22.
if (!("withResolvers" in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((a, b) => {
        resolve = a;
        reject = b;
      });
      return { promise, resolve, reject };
    },
  });
}

const [kind, url] = process.argv.slice(2);

async function hub(): Promise<{ server: Server; statements: () => number }> {
  benchApiEnv(process.env.BENCH_HUB_CACHE === "1");
  const { loadConfig } = await import("../core/config.ts");
  const { openDatabase, useDatabase } = await import("../db/client.ts");
  const { serve } = await import("../server/serve.ts");
  const database = await openDatabase(
    loadConfig({ DATABASE_URL: url, OGS_DATA_DIR: "bench/out/serve", OGS_LOG_LEVEL: "error" }),
  );
  useDatabase(database);
  const { server } = await serve(0);
  return { server, statements: () => database.statements.count };
}

async function postgraphile(): Promise<{ server: Server; statements: () => number }> {
  process.env.GRAPHILE_ENV ??= "production";
  const { postgraphile } = await import("postgraphile");
  const { makePgService } = await import("postgraphile/adaptors/pg");
  const { PostGraphileAmberPreset } = await import("postgraphile/presets/amber");
  const { grafserv } = await import("postgraphile/grafserv/node");
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString: url, schemas: ["public"] })],
    grafserv: { graphqlPath: "/graphql", graphiql: false },
  });
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  serv.addTo(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { server, statements: () => 0 };
}

const started = kind === "hub" ? await hub() : await postgraphile();
process.on("message", () => process.send?.({ statements: started.statements() }));
process.on("disconnect", () => process.exit(0));
const address = started.server.address() as AddressInfo;
console.log(`ready http://127.0.0.1:${address.port}/graphql`);
