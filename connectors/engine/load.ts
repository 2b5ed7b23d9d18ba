// Load: source sectors upserted first, then emission rows in batched `unnest` inserts through the
// run's transaction. Within one file, two rows with the same key and different values are both
// rejected as a conflict (naming both lines); identical duplicates are loaded once and counted.
import type { Sql } from "../../db/client.ts";
import type { Reject } from "../types.ts";
import type { EmissionRow } from "./map.ts";

/** Rows per insert statement: PGlite is slow per statement and fast per row in one unnest. */
export const BATCH_SIZE = 5000;

/** Canonical sector ids and gas ids by code. */
export async function loadCanonicalIds(
  sql: Sql,
): Promise<{ sectors: Map<string, number>; gases: Map<string, number> }> {
  const sectors = await sql.query<{ code: string; id: number }>(`select code, id from sector`);
  const gases = await sql.query<{ code: string; id: number }>(`select code, id from gas`);
  return {
    sectors: new Map(sectors.map((r) => [r.code, r.id])),
    gases: new Map(gases.map((r) => [r.code, r.id])),
  };
}

/** Upserts a source's crosswalk into source_sector in one statement; returns name -> ids. */
export async function upsertSourceSectors(
  sql: Sql,
  sourceId: string,
  crosswalk: Record<string, string>,
  sectorIds: Map<string, number>,
): Promise<Map<string, { id: number; sectorId: number }>> {
  const names = Object.keys(crosswalk);
  const rows = await sql.query<{ id: number; name: string; sector_id: number }>(
    `insert into source_sector (source_id, name, sector_id)
     select $1, * from unnest($2::text[], $3::int[])
     on conflict (source_id, name) do update set sector_id = excluded.sector_id
     returning id, name, sector_id`,
    [sourceId, names, names.map((n) => sectorIds.get(crosswalk[n]) as number)],
  );
  return new Map(rows.map((r) => [r.name, { id: r.id, sectorId: r.sector_id }]));
}

interface Held {
  row: EmissionRow;
  /** lines of other rows with the same key and a different value */
  conflicts: EmissionRow[];
}

/** Collects a release's rows, keyed, then writes them in batches. */
export class EmissionWriter {
  private readonly rows = new Map<string, Held>();
  /** identical rows met again (loaded once) */
  duplicates = 0;

  constructor(
    private readonly sql: Sql,
    private readonly releaseId: number,
  ) {}

  add(row: EmissionRow): void {
    const key = `${row.territoryId}|${row.sourceSectorId}|${row.gasId}|${row.year}`;
    const held = this.rows.get(key);
    if (!held) {
      this.rows.set(key, { row, conflicts: [] });
      return;
    }
    if (held.row.value === row.value && held.row.gwp === row.gwp && held.conflicts.length === 0) {
      this.duplicates++;
      return;
    }
    held.conflicts.push(row);
  }

  /** Rejects every row of a conflicting key, then inserts the others; returns the count inserted. */
  async flush(file: string, reject: (r: Reject) => void): Promise<{ inserted: number; duplicates: number }> {
    const clean: EmissionRow[] = [];
    for (const { row, conflicts } of this.rows.values()) {
      if (!conflicts.length) {
        clean.push(row);
        continue;
      }
      const all = [row, ...conflicts];
      const list = all.map((r) => `${r.originalValue} ${r.originalUnit} at line ${r.line}`).join(", ");
      for (const r of all) {
        reject({
          file: r.file ?? file,
          line: r.line,
          reason: `conflicting values for territory "${r.territoryText}", year ${r.year}: ${list}; none loaded`,
        });
      }
    }
    for (let i = 0; i < clean.length; i += BATCH_SIZE) {
      const b = clean.slice(i, i + BATCH_SIZE);
      await this.sql.query(
        `insert into emission (release_id, territory_id, source_sector_id, sector_id, gas_id, year, value, gwp,
           original_value, original_unit)
         select $1, * from unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::float8[], $8::text[],
           $9::float8[], $10::text[])`,
        [
          this.releaseId,
          b.map((r) => r.territoryId),
          b.map((r) => r.sourceSectorId),
          b.map((r) => r.sectorId),
          b.map((r) => r.gasId),
          b.map((r) => r.year),
          b.map((r) => r.value),
          b.map((r) => r.gwp),
          b.map((r) => r.originalValue),
          b.map((r) => r.originalUnit),
        ],
      );
    }
    this.rows.clear();
    return { inserted: clean.length, duplicates: this.duplicates };
  }
}

export interface IndicatorRow {
  territoryId: number;
  indicator: string;
  year: number;
  value: number;
  unit: string;
}

/** Upserts context indicators (population, gdp) of a source, in batches. */
export async function upsertIndicators(sql: Sql, rows: IndicatorRow[], sourceId: string): Promise<void> {
  const byKey = new Map<string, IndicatorRow>();
  for (const r of rows) byKey.set(`${r.territoryId}|${r.indicator}|${r.year}`, r);
  const unique = [...byKey.values()];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) {
    const b = unique.slice(i, i + BATCH_SIZE);
    await sql.query(
      `insert into indicator (territory_id, indicator, year, source_id, value, unit)
       select t, i, y, $1, v, u from unnest($2::int[], $3::text[], $4::int[], $5::float8[], $6::text[]) as x(t, i, y, v, u)
       on conflict (territory_id, indicator, year, source_id) do update set value = excluded.value, unit = excluded.unit`,
      [
        sourceId,
        b.map((r) => r.territoryId),
        b.map((r) => r.indicator),
        b.map((r) => r.year),
        b.map((r) => r.value),
        b.map((r) => r.unit),
      ],
    );
  }
}
