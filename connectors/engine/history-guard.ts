// Guards a source's history: a new release that is clearly less complete than the one it would
// replace (a truncated download, half the rows, a country or a year gone) is not published
// unless forced.
import type { Sql } from "../../db/client.ts";

/** Returns why the new release looks incomplete next to the newest active one, or null. */
export async function incompleteness(
  tx: Sql,
  sourceId: string,
  releaseId: number,
  rowCount: number,
): Promise<string | null> {
  const [previous] = await tx.query<{ id: number; version: string; row_count: number }>(
    `select id, version, row_count from release where source_id = $1 and active and id <> $2
     order by loaded_at desc, id desc limit 1`,
    [sourceId, releaseId],
  );
  if (!previous) return null;
  const against = `release ${previous.version} (id ${previous.id})`;
  if (rowCount < previous.row_count * 0.5) {
    return `only ${rowCount} rows against ${previous.row_count} in ${against}`;
  }
  const lostTerritories = await tx.query<{ code: string }>(
    `select t.code from territory t
     where t.level in ('planet', 'region', 'subregion', 'country')
       and exists (select 1 from emission e where e.release_id = $1 and e.territory_id = t.id)
       and not exists (select 1 from emission e where e.release_id = $2 and e.territory_id = t.id)
     order by t.code limit 6`,
    [previous.id, releaseId],
  );
  if (lostTerritories.length) {
    const shown = lostTerritories.slice(0, 5).map((r) => r.code);
    return `${shown.join(", ")}${lostTerritories.length > 5 ? " and more" : ""} present in ${against} but missing here`;
  }
  const lostYears = await tx.query<{ year: number }>(
    `select distinct year from emission where release_id = $1
     except select distinct year from emission where release_id = $2 order by 1 limit 6`,
    [previous.id, releaseId],
  );
  if (lostYears.length) {
    return `year(s) ${lostYears.map((r) => r.year).join(", ")} present in ${against} but missing here`;
  }
  return null;
}
