// Extract: copy an input (local path, file:// or http(s):// URL) into the raw data lake by hash.
// HTTP fetches are conditional (ETag / Last-Modified) and retried with backoff.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { UserError } from "../../core/errors.ts";
import type { RawFile } from "../types.ts";
import { InputTooLargeError, maxRawBytes } from "./parse.ts";
import type { RawStore } from "./raw-store.ts";

export class ExtractError extends UserError {
  override name = "ExtractError";
}

/** HTTP validators of a previous answer */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface ExtractOptions {
  store: RawStore;
  tmpDir: string;
  /** send these as If-None-Match / If-Modified-Since; a 304 answer returns "not-modified" */
  validators?: Validators;
  timeoutMs?: number;
  retries?: number;
}

export type Extracted = (RawFile & { validators: Validators }) | "not-modified";

export async function extract(name: string, location: string, options: ExtractOptions): Promise<Extracted> {
  fs.mkdirSync(options.tmpDir, { recursive: true });
  const tmp = path.join(options.tmpDir, `${randomUUID()}.part`);
  const hash = createHash("sha256");
  let bytes = 0;
  const limit = maxRawBytes();
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      if (bytes > limit)
        done(new ExtractError(`cannot read ${location}: ${new InputTooLargeError(limit, "it has").message}`));
      else done(null, chunk);
    },
  });
  let validators: Validators = {};
  try {
    const opened = await open(location, options);
    if (opened === "not-modified") return opened;
    validators = opened.validators;
    await pipeline(opened.stream, tap, fs.createWriteStream(tmp));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof ExtractError) throw e;
    throw new ExtractError(`cannot read ${location}: ${(e as Error).message}`);
  }
  const sha256 = hash.digest("hex");
  const ext = path.extname(new URL(location, "file:///").pathname).toLowerCase();
  const stored = await options.store.put(tmp, sha256, ext);
  return { name, location, sha256, bytes, validators, ...stored };
}

async function open(
  location: string,
  options: ExtractOptions,
): Promise<{ stream: NodeJS.ReadableStream; validators: Validators } | "not-modified"> {
  if (/^https?:\/\//.test(location)) return fetchWithRetries(location, options);
  const file = location.startsWith("file://") ? fileURLToPath(location) : location;
  if (!fs.existsSync(file)) throw new ExtractError(`file not found: ${file}`);
  return { stream: fs.createReadStream(file), validators: {} };
}

async function fetchWithRetries(url: string, options: ExtractOptions) {
  const retries = options.retries ?? 3;
  const headers: Record<string, string> = { "user-agent": "opengeoscales-hub" };
  if (options.validators?.etag) headers["if-none-match"] = options.validators.etag;
  if (options.validators?.lastModified) headers["if-modified-since"] = options.validators.lastModified;
  let lastError = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
      if (res.status === 304) return "not-modified" as const;
      if (res.ok && res.body) {
        const validators = {
          etag: res.headers.get("etag") ?? undefined,
          lastModified: res.headers.get("last-modified") ?? undefined,
        };
        return {
          stream: Readable.fromWeb(res.body as unknown as import("node:stream/web").ReadableStream),
          validators,
        };
      }
      lastError = `answered ${res.status} ${res.statusText}`;
      if (res.status < 500 && res.status !== 429) break; // a client error will not heal by retrying
    } catch (e) {
      lastError = (e as Error).name === "TimeoutError" ? "timed out" : (e as Error).message;
    }
  }
  throw new ExtractError(`GET ${url} ${lastError} (after ${retries + 1} attempt(s))`);
}
