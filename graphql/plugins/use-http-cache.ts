// HTTP caching of public reads, /graphql queries and /export.csv:
// - a GET answer carries Cache-Control (public, max-age) and an ETag derived from the releases it
//   depends on (the sources its resolvers read, see graphql/dependencies.ts, plus the reference
//   sources); If-None-Match with that ETag answers 304 Not Modified. A new release of one of those
//   sources, or a roll-back, changes the ETag; a release of another source does not;
// - an in-process response cache (GET and POST queries) serves a repeated request without touching
//   the database, until its max-age or until a release is published in this process (onPublish).
// Mutations, answers with errors and live health (Query.connectors) are never cached.
import { createHash } from "node:crypto";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { onPublish } from "../../connectors/engine/events.ts";
import { type Database, db } from "../../db/client.ts";
import { type Dependencies, dependencies, REFERENCE_SOURCES } from "../dependencies.ts";

export interface HttpCacheOptions {
  /** Cache-Control max-age, and the longest an in-process entry is served; 0: no caching */
  maxAgeS: number;
  /** entries kept in process (least recently used dropped first); 0: no in-process cache */
  size: number;
  graphqlPath?: string;
  csvPath?: string;
  /** root fields whose answers are live state, never cached */
  liveFields?: string[];
}

interface Entry {
  etag: string;
  body: string;
  headers: [string, string][];
  expires: number;
}

/** Headers of the answer itself, kept with it; per-request ones (CORS, rate limits) are set anew. */
const KEPT_HEADERS = ["content-type", "content-disposition", "etag", "cache-control"];

/** Larger answers are not kept in process (a wide CSV export), only validated by ETag. */
const MAX_ENTRY_CHARS = 2_000_000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const databaseIds = new WeakMap<Database, number>();
let nextDatabaseId = 1;

function databaseId(): number | null {
  let database: Database;
  try {
    database = db();
  } catch {
    return null;
  }
  let id = databaseIds.get(database);
  if (!id) {
    id = nextDatabaseId++;
    databaseIds.set(database, id);
  }
  return id;
}

function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  return name ? operations.find((o) => o.name?.value === name) : operations.length === 1 ? operations[0] : undefined;
}

/** A fingerprint of every release (id and active flag) of the given sources. */
async function releaseFingerprint(deps: Dependencies): Promise<string> {
  const [row] = await db().query<{ f: string }>(
    `select coalesce(string_agg(id || case when active then '' else '-' end, ',' order by id), '') as f
     from release where $1::text[] is null or source_id = any($1::text[])`,
    [deps === "*" ? null : [...deps]],
  );
  return row.f;
}

function hasErrors(body: string): boolean {
  try {
    return !!(JSON.parse(body) as { errors?: unknown }).errors;
  } catch {
    return true;
  }
}

const matches = (ifNoneMatch: string | null, etag: string) =>
  !!ifNoneMatch &&
  ifNoneMatch
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === etag.replace(/^W\//, ""));

export function useHttpCache(options: HttpCacheOptions): Plugin {
  const graphqlPath = options.graphqlPath ?? "/graphql";
  const csvPath = options.csvPath ?? "/export.csv";
  const liveFields = new Set(options.liveFields ?? ["connectors"]);
  const cacheControl = `public, max-age=${options.maxAgeS}`;
  const entries = new Map<string, Entry>();
  let generation = 0;
  onPublish(() => {
    generation++;
    entries.clear();
  });
  const pending = new WeakMap<Request, { key: string; generation: number; csv: boolean }>();
  const contexts = new WeakMap<Request, { ctx: object; cacheable: boolean }>();

  return {
    async onRequest({ request, url, fetchAPI, endResponse }) {
      if (options.maxAgeS === 0) return;
      const csv = url.pathname === csvPath && request.method === "GET";
      const graphql =
        url.pathname === graphqlPath &&
        (request.method === "GET" ||
          (request.method === "POST" && /json/.test(request.headers.get("content-type") ?? "")));
      if (!csv && !graphql) return;
      const dbId = databaseId();
      if (dbId === null) return;
      const params = [...url.searchParams].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
      const body = request.method === "POST" ? sha256(await request.clone().text()) : "";
      const key = JSON.stringify([dbId, request.method, url.pathname, params, body, request.headers.get("accept")]);
      pending.set(request, { key, generation, csv });
      const entry = entries.get(key);
      if (!entry) return;
      if (entry.expires <= Date.now()) {
        entries.delete(key);
        return;
      }
      entries.delete(key);
      entries.set(key, entry); // most recently used last
      const headers = new fetchAPI.Headers(entry.headers);
      headers.set("x-cache", "HIT");
      if (request.method === "GET" && matches(request.headers.get("if-none-match"), entry.etag)) {
        headers.delete("content-type");
        headers.delete("content-length");
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      endResponse(new fetchAPI.Response(entry.body, { status: 200, headers }));
    },

    onExecute({ args }) {
      const ctx = args.contextValue as { request?: Request };
      if (!ctx.request) return;
      const operation = operationOf(args.document, args.operationName);
      const fields = operation?.selectionSet.selections.map((s) => (s.kind === "Field" ? s.name.value : "")) ?? [];
      const cacheable = operation?.operation === "query" && !fields.some((f) => liveFields.has(f));
      contexts.set(ctx.request, { ctx, cacheable });
    },

    async onResponse({ request, response, setResponse, fetchAPI }) {
      const p = pending.get(request);
      if (!p || response.status !== 200 || response.headers.has("x-cache")) return;
      const type = response.headers.get("content-type") ?? "";
      if (!/json|csv/.test(type)) return;
      let deps: Dependencies;
      if (p.csv) {
        const sources = new URL(request.url).searchParams.get("source");
        deps = sources ? new Set([...REFERENCE_SOURCES, ...sources.split(",").map((s) => s.trim())]) : "*";
      } else {
        const executed = contexts.get(request);
        if (!executed) return;
        if (!executed.cacheable) {
          response.headers.set("cache-control", "no-store");
          return;
        }
        deps = dependencies(executed.ctx);
      }
      const body = await response.text();
      const headers = new fetchAPI.Headers(response.headers);
      const rebuilt = (status: number, text: string | null) => new fetchAPI.Response(text, { status, headers });
      if (!p.csv && hasErrors(body)) {
        headers.set("cache-control", "no-store");
        setResponse(rebuilt(200, body));
        return;
      }
      const etag = `W/"${sha256(`${p.key}\n${await releaseFingerprint(deps)}`).slice(0, 32)}"`;
      if (request.method === "GET") {
        headers.set("etag", etag);
        headers.set("cache-control", cacheControl);
      }
      headers.set("x-cache", "MISS");
      if (options.size > 0 && body.length <= MAX_ENTRY_CHARS && p.generation === generation) {
        const kept = [...headers].filter(([name]) => KEPT_HEADERS.includes(name.toLowerCase())); // the Headers ponyfill keeps the case it was given
        entries.set(p.key, { etag, body, headers: kept, expires: Date.now() + options.maxAgeS * 1000 });
        while (entries.size > options.size) entries.delete(entries.keys().next().value as string);
      }
      if (request.method === "GET" && matches(request.headers.get("if-none-match"), etag)) {
        headers.delete("content-type");
        setResponse(rebuilt(304, null));
        return;
      }
      setResponse(rebuilt(200, body));
    },
  };
}
