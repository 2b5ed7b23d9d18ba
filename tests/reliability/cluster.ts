// A throwaway PostgreSQL 15 cluster in a temporary folder, on a free port, that a test may stop and
// restart at will (the shared server on 5432 is never touched). initdb refuses to run as root: as
// root, the commands run as the `postgres` user (runuser).
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BIN = process.env.OGS_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface Cluster {
  port: number;
  dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  start(): Promise<void>;
  /** fast shutdown: open connections are terminated */
  stop(): Promise<void>;
  /** stops the server and removes its folder */
  remove(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

async function pg(command: string, args: string[]) {
  const file = path.join(BIN, command);
  return asRoot ? run("runuser", ["-u", "postgres", "--", file, ...args]) : run(file, args);
}

/** initdb a cluster in a fresh temporary folder (not started). */
export async function createCluster(): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogs-pg-"));
  if (asRoot) await run("chown", ["postgres:postgres", dir]);
  const data = path.join(dir, "data");
  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const log = path.join(dir, "server.log");
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB`;
  let running = false;
  const stop = async () => {
    await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
    running = false;
  };
  return {
    port,
    dir,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await pg("pg_ctl", ["-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"]);
      running = true;
    },
    stop,
    async remove() {
      if (running) await stop().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
