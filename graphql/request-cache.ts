// Per-request caches of the reference data every aggregate needs (sectors, gases, GWP values,
// sources, release selections): each is read once per request, whatever the number of territories.
import { createContextCache } from "@pothos/core";
import { type GwpTable, gwpTable } from "../core/gwp.ts";
import { db } from "../db/client.ts";
import { type ReleaseRow, type ReleaseSelection, selectReleases } from "../db/queries/releases.ts";
import { gasTree, type TreeNode } from "../db/queries/slice.ts";
import type { Gas, Sector, Source } from "../generated/prisma/client.ts";
import type { Context } from "./builder.ts";
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

export interface Reference {
  sectors: Sector[];
  sectorById: Map<number, Sector>;
  sectorByCode: Map<string, Sector>;
  gases: Gas[];
  gasById: Map<number, Gas>;
  gasByCode: Map<string, Gas>;
  gasTree: TreeNode[];
  gwp: GwpTable;
  sources: Map<string, Source>;
}

export function reference(ctx: Context): Promise<Reference> {
  return memo(ctx, "reference", async () => {
    const prisma = db().prisma;
    const [sectors, gases, gwps, sources] = await Promise.all([
      prisma.sector.findMany({ orderBy: { id: "asc" } }),
      prisma.gas.findMany({ orderBy: { id: "asc" } }),
      db().query<{ gas: string; set: string; horizon: number; value: number }>(
        `select g.code as gas, v.set, v.horizon, v.value from gwp_value v join gas g on g.id = v.gas_id`,
      ),
      prisma.source.findMany(),
    ]);
    return {
      sectors,
      sectorById: new Map(sectors.map((s) => [s.id, s])),
      sectorByCode: new Map(sectors.map((s) => [s.code, s])),
      gases,
      gasById: new Map(gases.map((g) => [g.id, g])),
      gasByCode: new Map(gases.map((g) => [g.code, g])),
      gasTree: gasTree(gases),
      gwp: gwpTable(gwps.map((g) => ({ ...g, value: Number(g.value) }))),
      sources: new Map(sources.map((s) => [s.id, s])),
    };
  });
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
    const selected = await selectReleases(db(), selection);
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
