// Which release of each source a query reads: by default the newest active one (latest loaded_at),
// or the newest loaded by a date (asOf), or one named by id or version.
import type { Sql } from "../client.ts";

export interface ReleaseRow {
  id: number;
  sourceId: string;
  version: string;
  publishedOn: Date | null;
  rawHash: string;
  rawUri: string;
  retrievedAt: Date;
  loadedAt: Date;
  rowCount: number;
  active: boolean;
  runId: number | null;
}

export interface ReleaseSelection {
  sources?: string[] | null;
  /** a release id or version; selects that release of its source even when it is not the newest */
  release?: string | null;
  /** the newest release each source had loaded at this time */
  asOf?: Date | null;
}

export const releaseColumns = `r.id, r.source_id as "sourceId", r.version, r.published_on as "publishedOn",
  r.raw_hash as "rawHash", r.raw_uri as "rawUri", r.retrieved_at as "retrievedAt", r.loaded_at as "loadedAt",
  r.row_count as "rowCount", r.active, r.run_id as "runId"`;

/** One release per source, by the selection rules above. */
export async function selectReleases(sql: Sql, selection: ReleaseSelection): Promise<ReleaseRow[]> {
  const release = selection.release ?? null;
  return sql.query<ReleaseRow>(
    `select distinct on (r.source_id) ${releaseColumns} from release r
     where ($1::text[] is null or r.source_id = any($1::text[]))
       and ($2::timestamptz is null or r.loaded_at <= $2::timestamptz)
       and (case when $3::text is null then r.active else r.id::text = $3::text or r.version = $3::text end)
     order by r.source_id, r.loaded_at desc, r.id desc`,
    [selection.sources?.length ? selection.sources : null, selection.asOf ?? null, release],
  );
}

export interface ReleaseChange {
  territoryCode: string;
  sector: string;
  sourceSector: string;
  gas: string;
  year: number;
  before: number | null;
  after: number | null;
}

/** What changed between two releases of one source: counts, and the first `limit` changed values. */
export async function diffReleases(
  sql: Sql,
  fromId: number,
  toId: number,
  limit: number,
): Promise<{ added: number; removed: number; changed: number; unchanged: number; changes: ReleaseChange[] }> {
  const joined = `with a as (select * from emission where release_id = $1), b as (select * from emission where release_id = $2),
    d as (
      select coalesce(a.territory_id, b.territory_id) as territory_id, coalesce(a.source_sector_id, b.source_sector_id) as source_sector_id,
        coalesce(a.gas_id, b.gas_id) as gas_id, coalesce(a.year, b.year) as year, a.value as before, b.value as after
      from a full join b on a.territory_id = b.territory_id and a.source_sector_id = b.source_sector_id
        and a.gas_id = b.gas_id and a.year = b.year
    )`;
  const [counts] = await sql.query<{ added: number; removed: number; changed: number; unchanged: number }>(
    `${joined} select count(*) filter (where before is null)::int as added, count(*) filter (where after is null)::int as removed,
       count(*) filter (where before <> after)::int as changed, count(*) filter (where before = after)::int as unchanged from d`,
    [fromId, toId],
  );
  const changes = await sql.query<ReleaseChange>(
    `${joined} select t.code as "territoryCode", s.code as sector, ss.name as "sourceSector", g.code as gas, d.year,
       d.before, d.after
     from d join territory t on t.id = d.territory_id join source_sector ss on ss.id = d.source_sector_id
       join sector s on s.id = ss.sector_id join gas g on g.id = d.gas_id
     where d.before is distinct from d.after
     order by t.code, s.code, ss.name, g.code, d.year limit $3`,
    [fromId, toId, limit],
  );
  return { ...counts, changes };
}
