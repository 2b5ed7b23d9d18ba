// Extract: copy an input (local path, file:// or http(s):// URL) into the raw data lake by hash.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { UserError } from "../../core/errors.ts";
import type { RawFile } from "../types.ts";
import type { RawStore } from "./raw-store.ts";

export class ExtractError extends UserError {
  override name = "ExtractError";
}

export async function extract(name: string, location: string, store: RawStore, tmpDir: string): Promise<RawFile> {
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${randomUUID()}.part`);
  const hash = createHash("sha256");
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(await open(location), tap, fs.createWriteStream(tmp));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof ExtractError) throw e;
    throw new ExtractError(`cannot read ${location}: ${(e as Error).message}`);
  }
  const sha256 = hash.digest("hex");
  const ext = path.extname(new URL(location, "file:///").pathname).toLowerCase();
  const stored = await store.put(tmp, sha256, ext);
  return { name, location, sha256, bytes, ...stored };
}

async function open(location: string): Promise<NodeJS.ReadableStream> {
  if (/^https?:\/\//.test(location)) {
    const res = await fetch(location, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok || !res.body) throw new ExtractError(`GET ${location} answered ${res.status} ${res.statusText}`);
    return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  }
  const file = location.startsWith("file://") ? fileURLToPath(location) : location;
  if (!fs.existsSync(file)) throw new ExtractError(`file not found: ${file}`);
  return fs.createReadStream(file);
}
