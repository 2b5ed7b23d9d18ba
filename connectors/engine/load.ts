// Load: source sectors upserted first, then emission rows through the run's transaction: streamed
// with COPY on PostgreSQL, in batched `unnest` inserts elsewhere. Within one file, two rows with the same key and different values are both
// rejected as a conflict (naming both lines); identical duplicates are loaded once and counted.
import type { Sql } from "../../db/client.ts";
import type { Reject } from "../types.ts";
import type { EmissionRow } from "./map.ts";
import { ParentSums } from "./rollups.ts";

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

/** Rows per COPY statement streamed while the file is still being read (PostgreSQL). */
export const COPY_CHUNK = 25_000;

export const EMISSION_COLUMNS =
  "release_id, territory_id, source_sector_id, sector_id, gas_id, year, value, gwp, original_value, original_unit";

/** A text field of COPY's text format. */
const copyText = (v: string) =>
  /[\\\t\n\r]/.test(v)
    ? v.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!)
    : v;

/** The rows an emission batch references, by table: what its foreign keys check. */
export function emissionRefs() {
  return {
    territory: new Set<number>(),
    source_sector: new Set<number>(),
    sector: new Set<number>(),
    gas: new Set<number>(),
  };
}

/**
 * Turns the per-row foreign-key triggers off for the rest of the transaction when the role may
 * (a superuser: PGlite, a local PostgreSQL); returns whether it did. bulkWritesEnd must follow.
 */
export async function bulkWritesBegin(sql: Sql): Promise<boolean> {
  const [{ ok }] = await sql.query<{ ok: boolean }>(`select current_setting('is_superuser') = 'on' as ok`);
  if (ok) await sql.query(`set local session_replication_role = replica`);
  return ok;
}

/** Turns the triggers back on and checks, set-wise, what they would have checked row by row: every
 *  referenced row exists, and stays until commit (FOR KEY SHARE, the lock the triggers take). */
export async function bulkWritesEnd(sql: Sql, refs: ReturnType<typeof emissionRefs>): Promise<void> {
  await sql.query(`set local session_replication_role = origin`);
  const tables = Object.keys(refs) as (keyof typeof refs)[];
  const [found] = await sql.query<Record<string, number>>(
    `select ${tables
      .map(
        (t, i) =>
          `(select count(*) from (select 1 from ${t} where id = any($${i + 1}::int[]) for key share) x)::int as ${t}`,
      )
      .join(", ")}`,
    tables.map((t) => [...refs[t]]),
  );
  const missing = tables.filter((t) => found[t] !== refs[t].size);
  if (missing.length) throw new Error(`emission rows reference ${missing.join(", ")} ids that do not exist`);
}

/**
 * Collects a release's rows, keyed, and writes them. On PostgreSQL the rows are streamed with COPY
 * in chunks while the file is read (the database writes while Node parses); elsewhere they are
 * inserted in unnest batches at flush. Where the role may (a superuser: PGlite, a local
 * PostgreSQL), the per-row foreign-key triggers are off for these inserts and the references are
 * checked set-wise instead, once per table, with the same locks (FOR KEY SHARE). Everything runs
 * in the run's transaction: a failure leaves nothing.
 */
export class EmissionWriter {
  /** the first row of each key: territory id -> (source sector, gas, year) -> row. Numbers, not a
   *  string per row: 800,000 template-string keys cost more than the mapping of the rows itself */
  private readonly rows = new Map<number, Map<number | string, EmissionRow>>();
  /** the first row of each conflicting key -> the other rows with that key and a different value */
  private readonly conflicts = new Map<EmissionRow, EmissionRow[]>();
  /** identical rows met again (loaded once) */
  duplicates = 0;
  private pending: EmissionRow[] = [];
  /** the chain of writes in flight (COPY path), and its first error */
  private writing: Promise<void> = Promise.resolve();
  private failed: unknown;
  private triggersOff: boolean | undefined;
  private readonly refs = emissionRefs();

  constructor(
    private readonly sql: Sql,
    private readonly releaseId: number,
    /** the release's sums under each parent, which the rows written are added to (rollups.ts) */
    private readonly sums: ParentSums,
  ) {}

  add(row: EmissionRow): void {
    let byTerritory = this.rows.get(row.territoryId);
    if (!byTerritory) {
      byTerritory = new Map();
      this.rows.set(row.territoryId, byTerritory);
      this.refs.territory.add(row.territoryId);
    }
    const key = seriesKey(row);
    const first = byTerritory.get(key);
    if (!first) {
      byTerritory.set(key, row);
      this.refs.source_sector.add(row.sourceSectorId);
      this.refs.sector.add(row.sectorId);
      this.refs.gas.add(row.gasId);
      if (this.sql.copyFrom) {
        this.pending.push(row);
        if (this.pending.length >= COPY_CHUNK) this.send();
      }
      return;
    }
    const others = this.conflicts.get(first);
    if (others) others.push(row);
    else if (first.value === row.value && first.gwp === row.gwp) this.duplicates++;
    else this.conflicts.set(first, [row]);
  }

  /** Streams the pending rows (COPY path), after the ones in flight; rows already in conflict stay out. */
  private send(): void {
    const chunk = this.conflicts.size ? this.pending.filter((r) => !this.conflicts.has(r)) : this.pending;
    this.pending = [];
    if (!chunk.length) return;
    this.writing = this.writing
      .then(async () => {
        if (this.failed) return;
        await this.beginBulk();
        await this.sql.copyFrom!(`copy emission (${EMISSION_COLUMNS}) from stdin`, copyBlocks(this.releaseId, chunk));
      })
      .catch((e) => {
        this.failed ??= e;
      });
  }

  private async beginBulk(): Promise<void> {
    this.triggersOff ??= await bulkWritesBegin(this.sql);
  }

  private async endBulk(): Promise<void> {
    if (this.triggersOff) await bulkWritesEnd(this.sql, this.refs);
  }

  /** Rejects every row of a conflicting key, then writes the others; returns the count inserted. */
  async flush(file: string, reject: (r: Reject) => void): Promise<{ inserted: number; duplicates: number }> {
    if (this.sql.copyFrom) this.send();
    for (const [first, others] of this.conflicts) {
      const all = [first, ...others];
      const list = all.map((r) => `${r.originalValue} ${r.originalUnit} at line ${r.line}`).join(", ");
      for (const r of all) {
        reject({
          file: r.file ?? file,
          line: r.line,
          reason: `conflicting values for territory "${r.territoryText}", year ${r.year}: ${list}; none loaded`,
        });
      }
    }
    let inserted = 0;
    for (const byTerritory of this.rows.values()) inserted += byTerritory.size;
    inserted -= this.conflicts.size;
    if (this.sql.copyFrom) {
      await this.writing;
      if (this.failed) throw this.failed;
      // the first row of a key may have been streamed before its conflict was met: delete them all
      // (a key that was never streamed deletes nothing)
      const conflicted = [...this.conflicts.keys()];
      if (conflicted.length) {
        await this.sql.query(
          `delete from emission e using unnest($2::int[], $3::int[], $4::int[], $5::int[]) as x(t, s, g, y)
           where e.release_id = $1 and e.territory_id = x.t and e.source_sector_id = x.s and e.gas_id = x.g and e.year = x.y`,
          [
            this.releaseId,
            conflicted.map((r) => r.territoryId),
            conflicted.map((r) => r.sourceSectorId),
            conflicted.map((r) => r.gasId),
            conflicted.map((r) => r.year),
          ],
        );
      }
    } else {
      const clean: EmissionRow[] = [];
      for (const byTerritory of this.rows.values())
        for (const row of byTerritory.values()) if (!this.conflicts.has(row)) clean.push(row);
      if (clean.length) await this.beginBulk();
      for (let i = 0; i < clean.length; i += BATCH_SIZE) {
        const b = clean.slice(i, i + BATCH_SIZE);
        await this.sql.query(
          `insert into emission (${EMISSION_COLUMNS})
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
    }
    await this.endBulk();
    const parents = await ParentSums.parentsOf(this.sql, [...this.rows.keys()]);
    for (const [territoryId, byKey] of this.rows) {
      const parent = parents.get(territoryId);
      for (const row of byKey.values()) if (!this.conflicts.has(row)) this.sums.add(parent, row);
    }
    this.rows.clear();
    this.conflicts.clear();
    return { inserted, duplicates: this.duplicates };
  }
}

/** A row's (source sector, gas, year) as one number: exact for any real ids (source sectors below
 *  2^29, gases below 1024, 4-digit years); anything else, as a string (never equal to a number). */
function seriesKey(r: EmissionRow): number | string {
  return r.sourceSectorId < 2 ** 29 && r.gasId < 1024 && r.year >= 0 && r.year < 16384 && Number.isInteger(r.year)
    ? (r.sourceSectorId * 1024 + r.gasId) * 16384 + r.year
    : `${r.sourceSectorId}|${r.gasId}|${r.year}`;
}

/** Rows as COPY text-format lines, in blocks of 1,000 rows. */
function* copyBlocks(releaseId: number, rows: EmissionRow[]): Generator<string> {
  const release = `${releaseId}\t`;
  let block = "";
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i];
    block += `${release}${e.territoryId}\t${e.sourceSectorId}\t${e.sectorId}\t${e.gasId}\t${e.year}\t${e.value}\t${e.gwp === null ? "\\N" : copyText(e.gwp)}\t${e.originalValue}\t${copyText(e.originalUnit)}\n`;
    if (i % 1000 === 999) {
      yield block;
      block = "";
    }
  }
  if (block) yield block;
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
