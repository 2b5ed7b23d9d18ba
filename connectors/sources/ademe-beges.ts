// ADEME "Bilans GES": the greenhouse-gas assessments French organisations publish (companies,
// local authorities, public bodies), 2009 onward, joined from four files: assessments (one per
// organisation and reporting year), emissions (assessment x scope item: co2, ch4, n2o, other, total,
// co2_biogenic in t CO2e), scope_items (23 items in 3 scopes) and legal_units (SIREN/SIRET ids).
//
// Decisions:
// - Organisations become territories of level "organisation" under France (FR): the files give no
//   reliable location. An assessment naming exactly one SIREN (a SIRET's first 9 digits) is
//   organisation "FR-SIREN-<siren>" (identifier scheme siren); one naming several or none is
//   identified by ADEME's organisation name, "ADEME-<folded name>". They are upserted by code in the
//   load transaction, so ids are stable across reloads; the name is the latest assessment's.
// - The year is the assessment's reporting_year. Only "Déclaration" rows are loaded: "Référence"
//   rows restate the reference-year assessment (often recomputed), and would collide with that
//   year's own declaration; they are reported once, not loaded. Drafts (is_draft = Oui) are not
//   loaded either, reported once each (the bundled file has none).
// - Gases: ch4, n2o, other are t CO2e; total is the GHG basket of the scope item, loaded beside its
//   parts (queries count a basket or its parts, never both: db/queries/slice.ts); co2 and
//   co2_biogenic (CO2_BIO, a memo outside the basket) are tonnes of CO2, stored as masses.
// - GWP: the Bilans GES method of 2011 (v1 to v3) prescribed the IPCC AR4 100-year GWPs; method v4
//   (2016) and later prescribe AR5. Reporting years up to 2015 were filed under v1-v3, so AR4_100;
//   2016 onward AR5_100.
// - Two assessments of one organisation for one year: values that agree load once, values that
//   differ are rejected on both lines as a conflict (the engine's rule).
import type { Sql } from "../../db/client.ts";
import { combineConnectors } from "../engine/combine.ts";
import { foldName } from "../engine/lookups.ts";
import { type CsvRecord, readCsvAll } from "../engine/parse.ts";
import { fileLabel, type GwpSet, type SpecInput, specConnector } from "../engine/spec.ts";
import { addLeavesToClosure } from "../reference/territories.ts";
import type { LoadContext } from "../types.ts";

/** scope item label (scope_items.csv, as published) -> canonical scope, and the scope_id it must have */
const SCOPE_ITEMS: Record<string, [string, number]> = {
  "Emissions directes des sources fixes de combustion": ["SCOPE1", 1],
  "Emissions directes des sources mobiles à moteur thermique": ["SCOPE1", 1],
  "Emissions directes des procédés hors énergie": ["SCOPE1", 1],
  "Emissions directes fugitives": ["SCOPE1", 1],
  "Emissions issues de la biomasse (sols et forêts)": ["SCOPE1", 1],
  "Emissions indirectes liées à la consommation d'électricité": ["SCOPE2", 2],
  "Emissions indirectes liées à la consommation de vapeur, chaleur ou froid": ["SCOPE2", 2],
  "Autres émissions liées à l'énergie": ["SCOPE3", 3],
  "Achats de produits et de services": ["SCOPE3", 3],
  "Immobilisation des biens": ["SCOPE3", 3],
  Déchets: ["SCOPE3", 3],
  "Transport de marchandise amont": ["SCOPE3", 3],
  "Déplacements professionnels": ["SCOPE3", 3],
  "Actifs en leasing amont": ["SCOPE3", 3],
  Investissements: ["SCOPE3", 3],
  "Transport des visiteurs et des clients": ["SCOPE3", 3],
  "Transport des marchandises aval": ["SCOPE3", 3],
  "Utilisation des produits vendus": ["SCOPE3", 3],
  "Fin des produits vendus": ["SCOPE3", 3],
  "Franchise aval": ["SCOPE3", 3],
  "Leasing aval": ["SCOPE3", 3],
  "Déplacement domicile travail": ["SCOPE3", 3],
  "Autres émissions indirectes": ["SCOPE3", 3],
};

/** emissions.csv value column -> gas code, and the unit its values are in */
const GAS_COLUMNS: Record<string, { gas: string; unit: string }> = {
  co2: { gas: "CO2", unit: "t" },
  ch4: { gas: "CH4", unit: "t CO2e" },
  n2o: { gas: "N2O", unit: "t CO2e" },
  other: { gas: "OTHER", unit: "t CO2e" },
  total: { gas: "GHG", unit: "t CO2e" },
  co2_biogenic: { gas: "CO2_BIO", unit: "t" },
};

/** GWP set of the Bilans GES method under which a reporting year was filed */
const GWP_PERIODS: { from: number; to: number; gwp: GwpSet }[] = [
  { from: 0, to: 2015, gwp: "AR4_100" },
  { from: 2016, to: 9999, gwp: "AR5_100" },
];

const DECLARATION = "Déclaration";
const DRAFT = "Oui";
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** the tables as prepared by OpenGeoScales/CarbonData (commit 9f3f722) from ADEME's open data export */
const UPSTREAM = "https://raw.githubusercontent.com/OpenGeoScales/CarbonData/9f3f722/data/ademe-beges";

export interface Organisation {
  code: string;
  name: string;
  siren?: string;
}

/**
 * The organisation of each assessment: by SIREN when its legal units name exactly one (SIRET ->
 * its first 9 digits), else by ADEME's organisation name.
 */
export function organisationOf(name: string, legalUnits: string[]): Organisation {
  const sirens = [...new Set(legalUnits.map((u) => u.trim().slice(0, 9)).filter((s) => /^\d{9}$/.test(s)))];
  if (sirens.length === 1) return { code: `FR-SIREN-${sirens[0]}`, name, siren: sirens[0] };
  return { code: `ADEME-${foldName(name).replace(/ /g, "-")}`, name };
}

interface Joined {
  organisations: Organisation[];
  /** long records (organisation, item, gas, year, value, unit), with their emissions.csv line */
  records: (CsvRecord & { year: number })[];
}

/** Reads and joins the four inputs once per run; problems are rejects naming their own file. */
async function join(ctx: LoadContext): Promise<Joined> {
  const label = (input: string) => fileLabel(ctx.files[input].location);
  const read = (input: string, expectColumns: string[]) =>
    readCsvAll(ctx.files[input].path, { expectColumns }, label(input));
  const [assessments, emissions, items, units] = await Promise.all([
    read("assessments", ["id", "organization_name", "reporting_year", "is_draft"]),
    read("emissions", ["assessment_id", "type", "scope_item_id", ...Object.keys(GAS_COLUMNS)]),
    read("scopeItems", ["id", "label", "scope_id"]),
    read("legalUnits", ["assessment_id", "legal_unit_id"]),
  ]);
  const itemLabel = new Map<string, string>();
  for (const r of items) {
    const { id, label: name, scope_id } = r.values;
    const mapped = SCOPE_ITEMS[name];
    if (!mapped || String(mapped[1]) !== scope_id.trim())
      ctx.reject({
        file: label("scopeItems"),
        line: r.line,
        column: "label",
        reason: mapped
          ? `scope item "${name}" is in scope ${scope_id}, the crosswalk says ${mapped[1]}`
          : `unknown scope item "${name}": not in the crosswalk of ademe-beges`,
      });
    else itemLabel.set(id.trim(), name);
  }
  const legal = new Map<string, string[]>();
  for (const r of units) {
    const id = r.values.assessment_id.trim();
    legal.set(id, [...(legal.get(id) ?? []), r.values.legal_unit_id]);
  }
  const byAssessment = new Map<string, { org: Organisation; year: number }>();
  const latest = new Map<string, { year: number; id: number; org: Organisation }>();
  for (const r of assessments) {
    const v = r.values;
    const year = v.reporting_year.trim();
    if (v.is_draft.trim() === DRAFT) {
      ctx.reject({
        file: label("assessments"),
        line: r.line,
        column: "is_draft",
        reason: `not loaded: assessment ${v.id} is a draft`,
      });
      continue;
    }
    if (!/^\d{4}$/.test(year)) {
      ctx.reject({
        file: label("assessments"),
        line: r.line,
        column: "reporting_year",
        reason: `not a year: "${year}"`,
      });
      continue;
    }
    const org = organisationOf(v.organization_name.trim(), legal.get(v.id.trim()) ?? []);
    byAssessment.set(v.id.trim(), { org, year: Number(year) });
    const had = latest.get(org.code);
    const key = { year: Number(year), id: Number(v.id) };
    if (!had || key.year > had.year || (key.year === had.year && key.id > had.id))
      latest.set(org.code, { ...key, org });
  }
  const assessmentIds = new Set(assessments.map((a) => a.values.id.trim()));
  const records: Joined["records"] = [];
  const file = label("emissions");
  let otherTypes: { line: number; rows: number } | undefined;
  for (const r of emissions) {
    const v = r.values;
    if (v.type.trim() !== DECLARATION) {
      if (otherTypes) otherTypes.rows++;
      else otherTypes = { line: r.line, rows: 1 };
      continue;
    }
    const assessment = byAssessment.get(v.assessment_id.trim());
    const item = itemLabel.get(v.scope_item_id.trim());
    if (!assessment) {
      if (!assessmentIds.has(v.assessment_id.trim()))
        ctx.reject({ file, line: r.line, column: "assessment_id", reason: `unknown assessment "${v.assessment_id}"` });
      continue; // a draft or an assessment without a year: reported on its own line
    }
    if (!item) {
      ctx.reject({ file, line: r.line, column: "scope_item_id", reason: `unknown scope item "${v.scope_item_id}"` });
      continue;
    }
    for (const [column, { unit }] of Object.entries(GAS_COLUMNS)) {
      const text = v[column].trim();
      if (!text) continue;
      if (!NUMBER.test(text)) {
        ctx.reject({ file, line: r.line, column, reason: `not a number: "${text}"`, raw: JSON.stringify(v) });
        continue;
      }
      records.push({
        line: r.line,
        year: assessment.year,
        values: {
          organisation: assessment.org.code,
          item,
          gas: column,
          year: String(assessment.year),
          value: text,
          unit,
        },
      });
    }
  }
  if (otherTypes)
    ctx.reject({
      file,
      line: otherTypes.line,
      column: "type",
      reason: `not loaded: ${otherTypes.rows} rows of type other than "${DECLARATION}" (reference-year restatements), first at this line`,
    });
  return { organisations: [...latest.values()].map((l) => l.org), records };
}

/** Upserts the organisations under France, with their SIREN and their ancestors. */
export async function upsertOrganisations(sql: Sql, organisations: Organisation[]): Promise<void> {
  const [france] = await sql.query<{ id: number }>(`select id from territory where code = 'FR'`);
  if (!france) throw new Error("ademe-beges: territory FR is missing: run the territories connector first");
  const codes = organisations.map((o) => o.code);
  await sql.query(
    `insert into territory (code, level, name, parent_id, depth)
     select c, 'organisation', n, p.id, p.depth + 1 from unnest($1::text[], $2::text[]) as x(c, n), territory p
     where p.code = 'FR'
     on conflict (code) do update set name = excluded.name where territory.name is distinct from excluded.name`,
    [codes, organisations.map((o) => o.name)],
  );
  const withSiren = organisations.filter((o) => o.siren);
  await sql.query(
    `insert into territory_identifier (territory_id, scheme, value)
     select t.id, 'siren', s from unnest($1::text[], $2::text[]) as x(c, s) join territory t on t.code = x.c
     on conflict (scheme, value) do nothing`,
    [withSiren.map((o) => o.code), withSiren.map((o) => o.siren)],
  );
  await addLeavesToClosure(sql, codes);
}

/** one join per run, shared by the parts of the connector */
const joined = new WeakMap<LoadContext, Promise<Joined>>();
const joinOnce = (ctx: LoadContext) => {
  let j = joined.get(ctx);
  if (!j) {
    j = join(ctx);
    joined.set(ctx, j);
  }
  return j;
};

const spec = {
  id: "ademe-beges",
  description:
    "ADEME Bilans GES: greenhouse-gas assessments of French organisations by scope item (scopes 1-3) and gas, t CO2e (AR4 to 2015, AR5 from 2016)",
  source: {
    name: "Bilans GES (bilans d'émissions de gaz à effet de serre)",
    publisher: "ADEME (Agence de la transition écologique)",
    url: "https://bilans-ges.ademe.fr/",
    licence: "Licence Ouverte / Open Licence 2.0 (Etalab)",
    citation: "ADEME, Bilans GES, https://bilans-ges.ademe.fr/; tables prepared by OpenGeoScales/CarbonData",
    method: "reported-inventory",
  },
  inputs: {
    emissions: { sample: "emissions/ademe-beges/emissions.csv", upstream: `${UPSTREAM}/emissions.csv` },
    assessments: { sample: "emissions/ademe-beges/assessments.csv", upstream: `${UPSTREAM}/assessments.csv` },
    scopeItems: { sample: "emissions/ademe-beges/scope_items.csv", upstream: `${UPSTREAM}/scope_items.csv` },
    legalUnits: { sample: "emissions/ademe-beges/legal_units.csv", upstream: `${UPSTREAM}/legal_units.csv` },
  },
  table: "emissions",
  schedule: "0 3 * * 1",
  format: { type: "csv" },
  layout: { kind: "long", year: "year", value: "value" },
  territory: { column: "organisation", schemes: ["code"] },
  sector: {
    column: "item",
    crosswalk: Object.fromEntries(Object.entries(SCOPE_ITEMS).map(([k, [scope]]) => [k, scope])),
  },
  gas: { column: "gas", map: Object.fromEntries(Object.entries(GAS_COLUMNS).map(([k, g]) => [k, g.gas])) },
  unit: { column: "unit" },
} satisfies SpecInput;

const parts = GWP_PERIODS.map(({ from, to, gwp }) =>
  specConnector(
    { ...spec, gwp },
    {
      async records(ctx) {
        return (await joinOnce(ctx)).records.filter((r) => r.year >= from && r.year <= to);
      },
    },
  ),
);

export const ademeBeges = combineConnectors(parts[0], parts, async (ctx) =>
  upsertOrganisations(ctx.tx, (await joinOnce(ctx)).organisations),
);
