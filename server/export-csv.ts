// CSV export of any slice at /export.csv, with the filters of the GraphQL emissions connection:
//   territory=FR,DE  level=adm2 (their descendants at a level)  source=gcp,edgar  release=12
//   asOf=2024-01-01  sector=1.A  gas=CO2  yearFrom=1990  yearTo=2018  gwp=AR6_100  unit=MT
//   layout=long|wide  part=data|sources (the sources, releases and licences of the rows)
import type { Plugin } from "graphql-yoga";
import { convert, GWP_SETS, GwpError, gwpTable } from "../core/gwp.ts";
import { fromTonnes, MASS_UNITS, type MassUnit } from "../core/mass-unit.ts";
import { db, isStatementTimeout } from "../db/client.ts";
import { selectReleases } from "../db/queries/releases.ts";
import { findTerritories } from "../db/territories.ts";

const MAX_ROWS = 1_000_000;

class ExportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Row {
  territory: string;
  territoryName: string;
  source: string;
  release: string;
  sector: string;
  sourceSector: string;
  gas: string;
  year: number;
  value: number;
  gwp: string | null;
  originalValue: number;
  originalUnit: string;
  rawHash: string;
}

const list = (v: string | null) =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

function int(params: URLSearchParams, name: string): number | null {
  const v = params.get(name);
  if (v === null || v === "") return null;
  if (!/^-?\d+$/.test(v)) throw new ExportError("BAD_USER_INPUT", `${name} must be an integer, not ${v}`);
  if (Number(v) < 1 || Number(v) > 9999)
    throw new ExportError("BAD_USER_INPUT", `${name} ${v} is not a year (1..9999)`);
  return Number(v);
}

async function exportRows(params: URLSearchParams): Promise<{ rows: Row[]; unit: MassUnit; gwp: string | null }> {
  for (const [name, value] of params)
    if (value.includes("\u0000")) throw new ExportError("BAD_USER_INPUT", `${name} contains a NUL character`);
  const codes = list(params.get("territory"));
  if (!codes.length) throw new ExportError("BAD_USER_INPUT", "give territory=CODE[,CODE...]");
  if (codes.length > 500) throw new ExportError("BAD_USER_INPUT", "at most 500 territories at once");
  const found = await findTerritories(db(), codes);
  const missing = codes.filter((c) => !found.has(c));
  if (missing.length) throw new ExportError("NOT_FOUND", `unknown territories: ${missing.join(", ")}`);
  const unit = (params.get("unit") ?? "T").toUpperCase() as MassUnit;
  if (!(unit in MASS_UNITS))
    throw new ExportError("BAD_USER_INPUT", `unit must be one of ${Object.keys(MASS_UNITS).join(", ")}`);
  const gwp = params.get("gwp");
  if (gwp && !(GWP_SETS as readonly string[]).includes(gwp))
    throw new ExportError("BAD_USER_INPUT", `gwp must be one of ${GWP_SETS.join(", ")}`);
  const asOf = params.get("asOf");
  if (asOf && Number.isNaN(new Date(asOf).getTime()))
    throw new ExportError("BAD_USER_INPUT", `asOf is not a date: ${asOf}`);
  const releases = await selectReleases(db(), {
    sources: list(params.get("source")),
    release: params.get("release"),
    asOf: asOf ? new Date(asOf) : null,
  });
  const sectors = list(params.get("sector"));
  const gases = list(params.get("gas")).map((g) => g.toUpperCase());
  const rows = await db().query<Row>(
    `with recursive sectors(id) as (
       select id from sector where code = any($4::text[])
       union select s.id from sector s join sectors p on s.parent_id = p.id
     ),
     scope(id) as (
       select unnest($2::int[])
       union select a.territory_id from territory_ancestor a join territory t on t.id = a.territory_id
       where $3::text is not null and a.ancestor_id = any($2::int[]) and t.level = $3::text
     )
     select t.code as territory, t.name as "territoryName", r.source_id as source, r.version as release,
       s.code as sector, ss.name as "sourceSector", g.code as gas, e.year, e.value, e.gwp,
       e.original_value as "originalValue", e.original_unit as "originalUnit", r.raw_hash as "rawHash"
     from emission e join release r on r.id = e.release_id join territory t on t.id = e.territory_id
       join sector s on s.id = e.sector_id join source_sector ss on ss.id = e.source_sector_id join gas g on g.id = e.gas_id
     where e.release_id = any($1::int[])
       and e.territory_id in (select id from scope where $3::text is null or id <> all($2::int[]))
       and (cardinality($4::text[]) = 0 or e.sector_id in (select id from sectors))
       and (cardinality($5::text[]) = 0 or g.code = any($5::text[]))
       and ($6::int is null or e.year >= $6::int) and ($7::int is null or e.year <= $7::int)
     order by t.code, r.source_id, s.code, ss.name, g.code, e.year
     limit ${MAX_ROWS + 1}`,
    [
      releases.map((r) => r.id),
      [...found.values()].map((t) => t.id),
      params.get("level"),
      sectors,
      gases,
      int(params, "yearFrom"),
      int(params, "yearTo"),
    ],
  );
  if (rows.length > MAX_ROWS) throw new ExportError("TOO_LARGE", `more than ${MAX_ROWS} rows: narrow the filters`);
  if (gwp) {
    const table = gwpTable(
      (
        await db().query<{ gas: string; set: string; horizon: number; value: number }>(
          `select g.code as gas, v.set, v.horizon, v.value from gwp_value v join gas g on g.id = v.gas_id`,
        )
      ).map((r) => ({ ...r, value: Number(r.value) })),
    );
    for (const r of rows) {
      const q = convert({ gas: r.gas, gwp: r.gwp, tonnes: Number(r.value) }, gwp, table);
      r.value = q.tonnes;
      r.gwp = q.gwp;
    }
  }
  for (const r of rows) r.value = fromTonnes(Number(r.value), unit);
  return { rows, unit, gwp };
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const line = (cells: unknown[]) => `${cells.map(cell).join(",")}\r\n`;

/** The CSV text of an export request (long, wide or the sources part). */
export async function exportCsv(params: URLSearchParams): Promise<string> {
  const layout = params.get("layout") ?? "long";
  const part = params.get("part") ?? "data";
  if (!["long", "wide"].includes(layout)) throw new ExportError("BAD_USER_INPUT", "layout must be long or wide");
  if (!["data", "sources"].includes(part)) throw new ExportError("BAD_USER_INPUT", "part must be data or sources");
  const { rows, unit } = await exportRows(params);
  if (part === "sources") {
    const used = [...new Set(rows.map((r) => `${r.source}|${r.release}`))];
    const meta = await db().query<Record<string, unknown>>(
      `select s.id as source, s.name, s.publisher, s.licence, s.citation, s.url, r.version as release, r.raw_hash,
         r.retrieved_at, r.published_on
       from source s join release r on r.source_id = s.id
       where (s.id || '|' || r.version) = any($1::text[]) order by s.id, r.version`,
      [used],
    );
    const columns = [
      "source",
      "name",
      "publisher",
      "licence",
      "citation",
      "url",
      "release",
      "raw_hash",
      "retrieved_at",
      "published_on",
    ];
    return line(columns) + meta.map((m) => line(columns.map((c) => m[c]))).join("");
  }
  if (layout === "long") {
    const header = line([
      "territory",
      "territory_name",
      "source",
      "release",
      "sector",
      "source_sector",
      "gas",
      "year",
      "value",
      "unit",
      "gwp",
      "original_value",
      "original_unit",
      "raw_hash",
    ]);
    return (
      header +
      rows
        .map((r) =>
          line([
            r.territory,
            r.territoryName,
            r.source,
            r.release,
            r.sector,
            r.sourceSector,
            r.gas,
            r.year,
            r.value,
            unit,
            r.gwp,
            r.originalValue,
            r.originalUnit,
            r.rawHash,
          ]),
        )
        .join("")
    );
  }
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const groups = new Map<string, { key: unknown[]; values: Map<number, number> }>();
  for (const r of rows) {
    const key = [r.territory, r.territoryName, r.source, r.release, r.sector, r.sourceSector, r.gas, unit, r.gwp];
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) {
      g = { key, values: new Map() };
      groups.set(k, g);
    }
    g.values.set(r.year, r.value);
  }
  const header = line([
    "territory",
    "territory_name",
    "source",
    "release",
    "sector",
    "source_sector",
    "gas",
    "unit",
    "gwp",
    ...years,
  ]);
  return header + [...groups.values()].map((g) => line([...g.key, ...years.map((y) => g.values.get(y))])).join("");
}

/** Serves /export.csv inside yoga, so the same handler runs under `ogs serve`, Lambda and yoga.fetch in tests. */
export function useCsvExport(path = "/export.csv"): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      try {
        const csv = await exportCsv(url.searchParams);
        const part = url.searchParams.get("part") ?? "data";
        endResponse(
          new fetchAPI.Response(csv, {
            headers: {
              "content-type": "text/csv; charset=utf-8",
              "content-disposition": `attachment; filename="ogs-${part}.csv"`,
            },
          }),
        );
      } catch (thrown) {
        const e = isStatementTimeout(thrown)
          ? new ExportError("QUERY_TIMEOUT", "the export ran past the statement timeout: narrow the filters")
          : thrown;
        const known = e instanceof ExportError || e instanceof GwpError;
        const code = known ? (e as ExportError).code : "INTERNAL_SERVER_ERROR";
        const message = known ? (e as Error).message : "Unexpected error.";
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
            status: known ? 400 : 500,
            headers: { "content-type": "application/json" },
          }),
        );
      }
    },
  };
}
