// Reference connector: global warming potentials of every species under each IPCC assessment
// (SAR, TAR, AR4, AR5, AR5 with climate-carbon feedbacks, AR6) and horizon (20, 100, 500 years).
import fs from "node:fs";
import path from "node:path";
import type { Sql } from "../../db/client.ts";
import type { Connector, LoadContext } from "../types.ts";
import { readCsv } from "./read-csv.ts";

/** Column names such as AR5CCFGWP100; GTP columns (AR6GTP100) do not match and are skipped. */
const GWP_COLUMN = /^(SAR|TAR|AR4|AR5CCF|AR5|AR6)GWP(20|100|500)$/;

/** CO2 is the reference gas and is not in the file: its GWP is 1 by definition, in every set and horizon. */
const REFERENCE_GAS = "CO2";

export interface GwpRow {
  gas: string;
  /** the species as the file writes it (HFC134a): the name of a gas not seeded already */
  name: string;
  set: string;
  horizon: number;
  value: number;
}

/** Maps the file's rows to one value per gas, set and horizon; rejects cells that are not numbers. */
export function mapGwp(text: string | Buffer, file: string, reject: LoadContext["reject"]) {
  const records = readCsv(text, { comment: "#" });
  const values: GwpRow[] = [];
  const columns = new Map<string, { set: string; horizon: number }>();
  for (const column of Object.keys(records[0]?.row ?? {})) {
    const match = GWP_COLUMN.exec(column);
    if (match) columns.set(column, { set: match[1], horizon: Number(match[2]) });
  }
  for (const { line, row } of records) {
    const name = row.Species?.trim();
    if (!name) {
      reject({ file, line, column: "Species", reason: "no species" });
      continue;
    }
    for (const [column, { set, horizon }] of columns) {
      const cell = row[column]?.trim();
      if (!cell) continue;
      const value = Number(cell);
      if (!Number.isFinite(value)) reject({ file, line, column, reason: `not a number: ${cell}`, raw: cell });
      else values.push({ gas: name.toUpperCase(), name, set, horizon, value });
    }
  }
  for (const { set, horizon } of new Map([...columns.values()].map((c) => [`${c.set} ${c.horizon}`, c])).values())
    values.push({ gas: REFERENCE_GAS, name: REFERENCE_GAS, set, horizon, value: 1 });
  return { rowsRead: records.length, values };
}

async function save(tx: Sql, values: GwpRow[]) {
  const gases = new Map(values.map((v) => [v.gas, v.name]));
  // seeded gases (CO2, CH4...) keep their seeded names
  await tx.query(
    `insert into gas (code, name) select * from unnest($1::text[], $2::text[]) on conflict (code) do nothing`,
    [[...gases.keys()], [...gases.values()]],
  );
  await tx.query(
    `insert into gwp_value (gas_id, set, horizon, value)
     select g.id, u.set, u.horizon, u.value
     from unnest($1::text[], $2::text[], $3::int[], $4::float8[]) as u(gas, set, horizon, value)
     join gas g on g.code = u.gas
     on conflict (gas_id, set, horizon) do update set value = excluded.value where gwp_value.value <> excluded.value`,
    [values.map((v) => v.gas), values.map((v) => v.set), values.map((v) => v.horizon), values.map((v) => v.value)],
  );
}

export const gwp: Connector = {
  id: "gwp",
  kind: "reference",
  description: "Global warming potentials (GWP20, GWP100, GWP500) of 105 species under SAR, TAR, AR4, AR5 and AR6",
  source: {
    name: "Global warming potentials",
    publisher: "openclimatedata, from the IPCC assessment reports",
    url: "https://github.com/openclimatedata/globalwarmingpotentials",
    licence: "CC0-1.0",
    citation:
      "openclimatedata/globalwarmingpotentials: GWPs from IPCC SAR, TAR, AR4, AR5 (WGI ch. 8) and AR6 (WGI ch. 7, Supplementary Table 7.SM.7)",
    method: "reference",
  },
  inputs: {
    table: {
      sample: "reference/gwp/globalwarmingpotentials.csv",
      upstream:
        "https://raw.githubusercontent.com/openclimatedata/globalwarmingpotentials/main/globalwarmingpotentials.csv",
    },
  },
  schedule: "0 3 * * 1",
  async load(ctx) {
    const file = ctx.files.table;
    const { rowsRead, values } = mapGwp(fs.readFileSync(file.path), path.basename(file.location), ctx.reject);
    ctx.progress(rowsRead);
    await save(ctx.tx, values);
    return { rowsRead, rowsLoaded: values.length };
  },
};
