// Shared by the connector integration tests: a fresh database with the reference territories, and
// figures read back from the newest release of a source.

import type { Sql } from "../../../db/client.ts";
import type { TestDatabase } from "../../helpers/database.ts";
import { loadedDatabase } from "../../helpers/loaded.ts";

/** A migrated, seeded database with the territories reference loaded (a copy of a template built once). */
export async function databaseWithTerritories(driver: "pglite" | "pg"): Promise<TestDatabase> {
  return loadedDatabase(driver, ["territories"]);
}

export interface Figure {
  source: string;
  territory: string;
  year: number;
  gas: string;
  /** canonical sector code; every sector when absent */
  sector?: string;
  /** source sector name */
  sourceSector?: string;
}

/** Sum of the values (t) of the newest release of a source for one territory, year, gas and sector. */
export async function figure(sql: Sql, f: Figure): Promise<number | null> {
  const [row] = await sql.query<{ v: number | null }>(
    `select sum(e.value) as v
     from emission e
     join territory t on t.id = e.territory_id
     join sector s on s.id = e.sector_id
     join source_sector ss on ss.id = e.source_sector_id
     join gas g on g.id = e.gas_id
     where e.release_id = (select max(id) from release where source_id = $1 and active)
       and t.code = $2 and e.year = $3 and g.code = $4
       and ($5::text is null or s.code = $5) and ($6::text is null or ss.name = $6)`,
    [f.source, f.territory, f.year, f.gas, f.sector ?? null, f.sourceSector ?? null],
  );
  return row.v === null ? null : Number(row.v);
}

/** Emission rows of every release of a source. */
export async function emissionCount(sql: Sql, source: string): Promise<number> {
  const [r] = await sql.query<{ n: number }>(
    `select count(*)::int as n from emission e join release r on r.id = e.release_id where r.source_id = $1`,
    [source],
  );
  return r.n;
}

export async function rejectsOf(sql: Sql, runId: number) {
  return sql.query<{ file: string; line: number; column: string | null; reason: string }>(
    `select file, line, "column", reason from rejected_row where run_id = $1 order by id`,
    [runId],
  );
}
