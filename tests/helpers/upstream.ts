// A local stand-in for a connector's upstream: serves real files over HTTP on 127.0.0.1 with
// ETag / Last-Modified, and can be told to fail or hang.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Upstream {
  url(path: string): string;
  /** serve this file at this path (replacing what was there) */
  set(path: string, file: string): void;
  /** answer every request with this status, or hang ("timeout"), until reset with null */
  fail(mode: number | "timeout" | null): void;
  requests: { path: string; status: number; ifNoneMatch?: string }[];
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const files = new Map<string, { body: Buffer; etag: string; modified: string }>();
  let failure: number | "timeout" | null = null;
  const requests: Upstream["requests"] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const ifNoneMatch = req.headers["if-none-match"];
    const log = (status: number) => requests.push({ path, status, ifNoneMatch });
    if (failure === "timeout") return log(0); // never answers
    if (failure !== null) {
      log(failure);
      res.writeHead(failure).end("upstream failure");
      return;
    }
    const f = files.get(path);
    if (!f) {
      log(404);
      res.writeHead(404).end("not found");
      return;
    }
    if (ifNoneMatch === f.etag) {
      log(304);
      res.writeHead(304, { etag: f.etag }).end();
      return;
    }
    log(200);
    res.writeHead(200, { etag: f.etag, "last-modified": f.modified, "content-length": f.body.length }).end(f.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set(path, file) {
      const body = fs.readFileSync(file);
      const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
      files.set(path, { body, etag, modified: new Date().toUTCString() });
    },
    fail(mode) {
      failure = mode;
    },
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
