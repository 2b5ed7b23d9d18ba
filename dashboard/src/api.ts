// The only way the dashboard reads data: the hub's public GraphQL API (same origin, or VITE_API_URL).
import type { Filters, MapLevel } from "./route.ts";

const endpoint = import.meta.env.VITE_API_URL || "/graphql";

export type Status = "REPORTED" | "DERIVED" | "PARTIAL";

export interface GraphQLErrorInfo {
  message: string;
  extensions?: { code?: string };
}

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    readonly errors: GraphQLErrorInfo[] = [],
  ) {
    super(message);
  }
}

/** Data and the errors of a partial answer (a value the API refuses does not blank the page). */
export interface Answer<T> {
  data: T;
  errors: GraphQLErrorInfo[];
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => null)) as { data?: T | null; errors?: GraphQLErrorInfo[] } | null;
  if (!body) throw new ApiError(`the API answered ${response.status} ${response.statusText} without JSON`);
  if (!body.data) throw new ApiError(body.errors?.map((e) => e.message).join("; ") || "no data", body.errors);
  return { data: body.data, errors: body.errors ?? [] };
}

/** The slice arguments of a filter set, with "" as "not given". */
function slice(f: Filters) {
  return { year: f.year, gas: f.gas || null, sector: f.sector || null, source: f.source || null };
}

const SLICE_VARS = "$year: Int!, $gas: String, $sector: String, $source: String";
const SLICE_ARGS = "year: $year, gas: $gas, sector: $sector, source: $source";

/** First year of the time series (GCP goes back to 1750, which would flatten the recent decades). */
export const SERIES_FROM = 1960;

export interface ReleaseInfo {
  id: number;
  version: string;
  retrievedAt: string;
  rawHash: string;
  rawUri: string;
  run: { id: number; status: string; endedAt: string | null } | null;
}
const RELEASE = "release { id version retrievedAt rawHash rawUri run { id status endedAt } }";

export interface SourceInfo {
  id: string;
  name: string;
  publisher: string;
  url: string;
  licence: string;
  citation: string;
  coverage: { firstYear: number; lastYear: number; levels: string[]; gases: string[]; sectors: string[] } | null;
}

export interface Reference {
  sources: SourceInfo[];
  gases: { code: string; name: string }[];
  sectors: { code: string; name: string; parent: { code: string } | null }[];
  /** canonical sector code -> parent code, over the whole tree */
  parentOf: Map<string, string | null>;
}

/** Sources with what they cover, and the gases and sectors at least one source has values for. */
export async function loadReference(): Promise<Reference> {
  const { data } = await gql<Omit<Reference, "parentOf">>(
    `{
      sources { id name publisher url licence citation coverage { firstYear lastYear levels gases sectors } }
      gases { code name } sectors { code name parent { code } }
    }`,
  );
  const sources = data.sources.filter((s) => s.coverage);
  const gases = new Set(sources.flatMap((s) => s.coverage?.gases ?? []));
  const sectors = new Set(sources.flatMap((s) => s.coverage?.sectors ?? []));
  return {
    sources,
    gases: data.gases.filter((g) => gases.has(g.code)),
    sectors: data.sectors.filter((s) => sectors.has(s.code)),
    parentOf: new Map(data.sectors.map((s) => [s.code, s.parent?.code ?? null])),
  };
}

// ---- map

export interface MapValue {
  code: string;
  name: string;
  /** keys of the shape this territory is drawn as: ISO numeric or INSEE code */
  keys: string[];
  /** in the asked metric: Mt for a total, t per person for per-capita */
  value: number | null;
  unit: string;
  status: Status | null;
  source: string | null;
  release: ReleaseInfo | null;
  note?: string;
}

interface Connection<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}

interface MapNode {
  code: string;
  name: string;
  identifiers: { scheme: string; value: string }[];
  total?: { value: number; unit: string; status: Status; source: { id: string }; release: ReleaseInfo } | null;
  perCapita?: {
    value: number;
    indicatorYear: number;
    total: { status: Status; source: { id: string }; release: ReleaseInfo };
  } | null;
}

/** Which territories each map draws, and which identifier matches its shapes. */
export const MAP_LEVELS: Record<MapLevel, { level: string; parent: string | null; scheme: string }> = {
  world: { level: "country", parent: null, scheme: "numeric" },
  regions: { level: "adm1", parent: "FR", scheme: "insee-region" },
  departments: { level: "adm2", parent: "FR", scheme: "insee-department" },
};

export async function loadMap(level: MapLevel, f: Filters): Promise<Answer<MapValue[]>> {
  const { level: territoryLevel, parent, scheme } = MAP_LEVELS[level];
  const nodes: MapNode[] = [];
  const errors: GraphQLErrorInfo[] = [];
  // the API pages connections: follow the cursor until the last page
  let after: string | null = null;
  do {
    const page: Answer<{ territories: Connection<MapNode> }> = await gql(
      `query Map($level: String!, $parent: String, $after: String, ${SLICE_VARS}, $perCapita: Boolean!) {
        territories(level: $level, parent: $parent, first: 100, after: $after) {
          pageInfo { hasNextPage endCursor }
          edges { node {
            code name identifiers { scheme value }
            total(${SLICE_ARGS}, unit: MT) @skip(if: $perCapita) { value unit status source { id } ${RELEASE} }
            perCapita(${SLICE_ARGS}, unit: T) @include(if: $perCapita) {
              value indicatorYear total { status source { id } ${RELEASE} }
            }
          } }
        }
      }`,
      { level: territoryLevel, parent, after, ...slice(f), perCapita: f.metric === "perCapita" },
    );
    nodes.push(...page.data.territories.edges.map((e) => e.node));
    errors.push(...page.errors);
    after = page.data.territories.pageInfo.hasNextPage ? page.data.territories.pageInfo.endCursor : null;
  } while (after);
  const values = nodes.map((node): MapValue => {
    const keys = node.identifiers.filter((i) => i.scheme === scheme).map((i) => i.value);
    const aggregate = node.perCapita ? node.perCapita.total : node.total;
    return {
      code: node.code,
      name: node.name,
      keys,
      value: node.perCapita?.value ?? node.total?.value ?? null,
      unit: f.metric === "perCapita" ? "t per person" : "Mt",
      status: aggregate?.status ?? null,
      source: aggregate?.source.id ?? null,
      release: aggregate?.release ?? null,
      note: node.perCapita ? `population of ${node.perCapita.indicatorYear}` : undefined,
    };
  });
  return { data: values, errors };
}

// ---- territory

export interface Aggregate {
  value: number;
  unit: string;
  status: Status;
  gas: string;
  gwp: string | null;
  reported: number | null;
  sumOfChildren: number | null;
  reportedMinusChildren: number | null;
  coverage: { children: number; childrenWithData: number; populationShare: number | null; missing: { code: string }[] };
  source: { id: string };
  release: ReleaseInfo;
}
const AGGREGATE = `value unit status gas gwp reported sumOfChildren reportedMinusChildren
  coverage { children childrenWithData populationShare missing { code } } source { id } ${RELEASE}`;

export interface Part {
  code: string;
  name: string;
  value: number;
  share: number | null;
  status: Status;
  source: string;
  release: ReleaseInfo;
}
interface Breakdown {
  total: number | null;
  unit: string;
  parts: Part[];
}
const BREAKDOWN = `total unit parts { code name value share status source ${RELEASE} }`;

export interface SeriesSet {
  sector: { code: string; name: string };
  source: string;
  release: ReleaseInfo;
  gases: { gas: { code: string }; gwp: string | null; series: { year: number; value: number }[] }[];
}

export interface TerritoryNode {
  code: string;
  name: string;
  nameFr: string | null;
  level: string;
  identifiers: { scheme: string; value: string }[];
  ancestors: { code: string; name: string; level: string }[];
  total: Aggregate | null;
  perCapita: { value: number; unit: string; indicatorYear: number; indicatorSource: string } | null;
  bySector: Breakdown | null;
  byGas: Breakdown | null;
  children: {
    code: string;
    name: string;
    level: string;
    total: { value: number; status: Status; coverage: Aggregate["coverage"]; release: ReleaseInfo } | null;
  }[];
  sectors: SeriesSet[];
}

export interface ComparisonData {
  year: number;
  unit: string;
  median: number | null;
  spread: number | null;
  relativeSpread: number | null;
  mixedGwpSets: boolean;
  values: {
    source: { id: string };
    release: ReleaseInfo;
    value: number;
    gwp: string | null;
    status: Status;
    ratioToMedian: number | null;
    outlier: boolean;
  }[];
  skipped: { source: string; code: string; reason: string }[];
}

/**
 * The territory view in three requests sent together: the API caps the fields of one request, and
 * the three parts are independent.
 */
export async function loadTerritory(
  code: string,
  f: Filters,
): Promise<Answer<{ territory: TerritoryNode | null; compare: ComparisonData | null }>> {
  const vars = { code, ...slice(f) };
  const [main, breakdowns, series] = await Promise.all([
    gql<{ territory: Omit<TerritoryNode, "bySector" | "byGas" | "sectors"> | null }>(
      `query TerritoryView($code: String!, ${SLICE_VARS}) {
        territory(code: $code) {
          code name nameFr level identifiers { scheme value } ancestors { code name level }
          total(${SLICE_ARGS}, unit: MT) { ${AGGREGATE} }
          perCapita(${SLICE_ARGS}, unit: T) { value unit indicatorYear indicatorSource }
          children {
            code name level
            total(${SLICE_ARGS}, unit: MT) {
              value status coverage { children childrenWithData populationShare missing { code } } ${RELEASE}
            }
          }
        }
      }`,
      vars,
    ),
    gql<{ territory: Pick<TerritoryNode, "bySector" | "byGas"> | null }>(
      `query TerritoryBreakdowns($code: String!, ${SLICE_VARS}) {
        territory(code: $code) {
          bySector: breakdown(by: SECTOR, ${SLICE_ARGS}, unit: MT) { ${BREAKDOWN} }
          byGas: breakdown(by: GAS, ${SLICE_ARGS}, unit: MT) { ${BREAKDOWN} }
        }
      }`,
      vars,
    ),
    gql<{ territory: Pick<TerritoryNode, "sectors"> | null; compare: ComparisonData | null }>(
      `query TerritorySeries($code: String!, $year: Int!, $gas: String, $sector: String) {
        territory(code: $code) {
          sectors(unit: MT, yearFrom: ${SERIES_FROM}) {
            sector { code name } source ${RELEASE}
            gases { gas { code } gwp series { year value } }
          }
        }
        compare(territory: $code, gas: $gas, sector: $sector, year: $year, unit: MT) {
          year unit median spread relativeSpread mixedGwpSets
          values { source { id } ${RELEASE} value gwp status ratioToMedian outlier }
          skipped { source code reason }
        }
      }`,
      { code, year: f.year, gas: f.gas || null, sector: f.sector || null },
    ),
  ]);
  const territory = main.data.territory
    ? {
        ...main.data.territory,
        bySector: breakdowns.data.territory?.bySector ?? null,
        byGas: breakdowns.data.territory?.byGas ?? null,
        sectors: series.data.territory?.sectors ?? [],
      }
    : null;
  return {
    data: { territory, compare: series.data.compare },
    errors: [...main.errors, ...breakdowns.errors, ...series.errors],
  };
}

// ---- search and connectors

export interface TerritoryHit {
  code: string;
  name: string;
  nameFr: string | null;
  level: string;
  parent: { name: string } | null;
}

export async function search(q: string): Promise<TerritoryHit[]> {
  const { data } = await gql<{ territories: { edges: { node: TerritoryHit }[] } }>(
    `query Search($q: String!) {
      territories(search: $q, first: 50) { edges { node { code name nameFr level parent { name } } } }
    }`,
    { q },
  );
  return data.territories.edges.map((e) => e.node);
}

export interface ConnectorHealth {
  id: string;
  kind: string;
  description: string;
  schedule: string;
  status: string;
  nextRun: string | null;
  newestYear: number | null;
  rowsLoaded: number | null;
  rowsRejected: number | null;
  lastRun: { id: number; startedAt: string; endedAt: string | null; rowsRead: number; error: string | null } | null;
}

export async function loadConnectors(): Promise<ConnectorHealth[]> {
  const { data } = await gql<{ connectors: ConnectorHealth[] }>(
    `{ connectors {
      id kind description schedule status nextRun newestYear rowsLoaded rowsRejected
      lastRun { id startedAt endedAt rowsRead error }
    } }`,
  );
  return data.connectors;
}
