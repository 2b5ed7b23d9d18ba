// Per-request caches: the catalog (reference data and releases, see graphql/catalog.ts) as the
// request first saw it, the release selections, and any value computed once per request and key.
import { createContextCache } from "@pothos/core";
import type { ReleaseRow, ReleaseSelection } from "../db/queries/releases.ts";
import type { Context } from "./builder.ts";
import { type Catalog, catalog, pickReleases, type Reference } from "./catalog.ts";
import { dependOn } from "./dependencies.ts";
import { clientError } from "./errors.ts";

const memos = createContextCache(() => new Map<string, Promise<unknown>>());

/** fn's promise, computed once per request and key. */
export function memo<T>(ctx: Context, key: string, fn: () => Promise<T>): Promise<T> {
  const map = memos(ctx);
  let p = map.get(key) as Promise<T> | undefined;
  if (!p) {
    p = fn();
    map.set(key, p);
  }
  return p;
}

/** The catalog (graphql/catalog.ts) as this request first saw it: one request never mixes two. */
function requestCatalog(ctx: Context): Promise<Catalog> {
  return memo(ctx, "catalog", catalog);
}

export async function reference(ctx: Context): Promise<Reference> {
  return (await requestCatalog(ctx)).reference;
}

/**
 * The selected release of each source (see selectReleases), once per request and selection. A
 * release named by id or version must name releases of one source only (a version string may be
 * used by several sources): otherwise a SOURCE_REQUIRED error lists them; a name that matches no
 * release is NOT_FOUND.
 */
export function releases(ctx: Context, selection: ReleaseSelection): Promise<ReleaseRow[]> {
  const key = `releases:${JSON.stringify([selection.sources ?? null, selection.release ?? null, selection.asOf ?? null])}`;
  dependOn(ctx, selection.sources?.length ? selection.sources : "*"); // the answer's ETag follows these releases
  return memo(ctx, key, async () => {
    const selected = pickReleases((await requestCatalog(ctx)).releases, selection);
    const name = selection.release;
    if (name != null) {
      const among = selection.sources?.length ? ` of ${selection.sources.join(", ")}` : "";
      if (!selected.length)
        throw clientError(
          "NOT_FOUND",
          `no release${among} has the id or version ${JSON.stringify(name)}${selection.asOf ? " as of the asOf date" : ""}: see Source.releases`,
        );
      if (selected.length > 1) {
        const sources = selected.map((r) => r.sourceId).sort();
        throw clientError(
          "SOURCE_REQUIRED",
          `release ${JSON.stringify(name)} names releases of ${sources.length} sources (${sources.join(", ")}): choose one with the source argument`,
          { sources },
        );
      }
    }
    return selected;
  });
}

/** The releases a slice's `source`, `release` and `asOf` arguments select (see releases). */
export function sliceReleases(
  ctx: Context,
  args: { source?: string | null; release?: string | null; asOf?: Date | null },
): Promise<ReleaseRow[]> {
  return releases(ctx, { sources: args.source ? [args.source] : null, release: args.release, asOf: args.asOf });
}

/** A canonical sector or gas code given by a client, checked against the reference data. */
export function checkCode(ref: Reference, kind: "sector" | "gas", code: string | null | undefined): string | null {
  if (code == null) return null;
  const known = kind === "sector" ? ref.sectorByCode.has(code) : ref.gasByCode.has(code.toUpperCase());
  if (!known)
    throw clientError(
      "BAD_USER_INPUT",
      `unknown ${kind} ${JSON.stringify(code)}: see Query.${kind === "sector" ? "sectors" : "gases"}`,
    );
  return kind === "gas" ? code.toUpperCase() : code;
}
