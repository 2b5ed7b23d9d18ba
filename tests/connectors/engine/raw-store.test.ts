// The raw data lake on S3, against a minimal S3 stand-in on 127.0.0.1 (HEAD and PUT of objects).
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extract } from "../../../connectors/engine/extract.ts";
import { localRawStore, s3RawStore } from "../../../connectors/engine/raw-store.ts";

const gwpFile = path.join(import.meta.dirname, "../../../data/reference/gwp/globalwarmingpotentials.csv");
const sha = createHash("sha256").update(fs.readFileSync(gwpFile)).digest("hex");

describe("the raw data lake", () => {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  let server: Server;
  let client: S3Client;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const key = (req.url ?? "").split("?")[0];
      if (req.method === "HEAD") {
        res.writeHead(objects.has(key) ? 200 : 404).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        objects.set(key, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"x"' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    client = new S3Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      forcePathStyle: true,
      region: "eu-west-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("stores a file in S3 once, under its SHA-256", async () => {
    const tmpDir = fs.mkdtempSync(path.resolve("tests/out/raw-s3-"));
    const store = s3RawStore("ogs-raw", client);
    const first = await extract("data", gwpFile, { store, tmpDir });
    if (first === "not-modified") throw new Error("unexpected");
    expect(first.uri).toBe(`s3://ogs-raw/${sha.slice(0, 2)}/${sha}.csv`);
    expect(objects.get(`/ogs-raw/${sha.slice(0, 2)}/${sha}.csv`)?.equals(fs.readFileSync(gwpFile))).toBe(true);
    expect(fs.readFileSync(first.path).equals(fs.readFileSync(gwpFile))).toBe(true);
    await extract("data", gwpFile, { store, tmpDir });
    expect(requests.filter((r) => r.startsWith("PUT"))).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith("HEAD"))).toHaveLength(2);
  });

  it("stores a file in a local folder once, under its SHA-256", async () => {
    const root = fs.mkdtempSync(path.resolve("tests/out/raw-local-"));
    const store = localRawStore(root);
    const a = await extract("data", gwpFile, { store, tmpDir: path.join(root, "tmp") });
    const b = await extract("data", `file://${gwpFile}`, { store, tmpDir: path.join(root, "tmp") });
    if (a === "not-modified" || b === "not-modified") throw new Error("unexpected");
    expect(a.path).toBe(path.join(root, sha.slice(0, 2), `${sha}.csv`));
    expect(b.uri).toBe(a.uri);
    expect(fs.readdirSync(path.join(root, sha.slice(0, 2)))).toEqual([`${sha}.csv`]);
  });
});
