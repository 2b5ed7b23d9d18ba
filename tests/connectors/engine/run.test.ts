// The run engine's upkeep after a load, on PostgreSQL: releases that grow the emission table are
// vacuumed at once (not a minute later by autovacuum), so that a slice of every territory of a level
// is read from emission_slice_idx alone, whatever the size of the table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../helpers/database.ts";
import { API_SOURCES, loadedDatabase } from "../../helpers/loaded.ts";

describe("a run on PostgreSQL", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await loadedDatabase("pg", API_SOURCES);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("leaves the emission table's pages all-visible, for slices read from the index alone", async () => {
    const [{ pages, visible }] = await t.db.query<{ pages: number; visible: number }>(
      `select relpages as pages, relallvisible as visible from pg_class where oid = 'emission'::regclass`,
    );
    expect(pages).toBeGreaterThan(1000);
    expect(visible / pages).toBeGreaterThan(0.95);
  });
});
