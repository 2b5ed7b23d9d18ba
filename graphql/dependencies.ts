// The releases an answer depends on, recorded while it is computed: the HTTP cache derives its
// ETag from them (graphql/plugins/use-http-cache.ts), so a new release of a source the answer read,
// or a roll-back, changes the ETag, and a release of another source does not.
import { connectors } from "../connectors/registry.ts";

/** Every answer reads reference data (territories, sectors, gases, GWPs): it depends on their sources. */
export const REFERENCE_SOURCES = connectors.filter((c) => c.kind === "reference").map((c) => c.id);

/** "*": every source (an answer that lists sources or releases, or reads all of them). */
export type Dependencies = Set<string> | "*";

const recorded = new WeakMap<object, Set<string> | "*">();

/** Records that the answer being computed in ctx reads these sources' releases ("*": all of them). */
export function dependOn(ctx: object, sources: Iterable<string> | "*"): void {
  const current = recorded.get(ctx);
  if (current === "*") return;
  if (sources === "*") {
    recorded.set(ctx, "*");
    return;
  }
  const set = current ?? new Set<string>();
  for (const s of sources) set.add(s);
  recorded.set(ctx, set);
}

/** The sources the answer computed in ctx depends on, reference sources included. */
export function dependencies(ctx: object): Dependencies {
  const current = recorded.get(ctx);
  if (current === "*") return "*";
  return new Set([...REFERENCE_SOURCES, ...(current ?? [])]);
}
