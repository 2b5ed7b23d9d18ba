// One connector made of several spec connectors of one source, loaded in one transaction into one
// release: for a source whose parts differ in something a spec fixes (the GWP set of a period or of
// an input). The parts must not share emission keys (territory, sector, gas, year): each part's
// writer detects conflicts within the part only.
import type { Connector, LoadContext, LoadResult } from "../types.ts";

/** `main` gives the id, metadata, inputs and schedule; each part loads its share of the inputs. */
export function combineConnectors(
  main: Connector,
  parts: Connector[],
  beforeLoad?: (ctx: LoadContext) => Promise<void>,
): Connector {
  return {
    ...main,
    async load(ctx) {
      await beforeLoad?.(ctx);
      const total: LoadResult = { rowsRead: 0, rowsLoaded: 0, rowsDuplicate: 0 };
      for (const part of parts) {
        const r = await part.load(ctx);
        total.rowsRead += r.rowsRead;
        total.rowsLoaded += r.rowsLoaded;
        total.rowsDuplicate = (total.rowsDuplicate ?? 0) + (r.rowsDuplicate ?? 0);
        total.version ??= r.version;
        total.publishedOn ??= r.publishedOn;
      }
      return total;
    },
  };
}
