// The view lives in the URL hash, so any view can be shared: #/map/world?year=2018&gas=CO2&source=gcp

export type MapLevel = "world" | "regions" | "departments";
export type Metric = "total" | "perCapita";

/** What the numbers are: one slice of the data. An empty string means "no filter". */
export interface Filters {
  year: number;
  gas: string;
  sector: string;
  source: string;
  metric: Metric;
}

export type View =
  | { page: "map"; level: MapLevel }
  | { page: "territory"; code: string }
  | { page: "connectors" }
  | { page: "search"; q: string };

export interface Route {
  view: View;
  filters: Filters;
}

/** The slice each map opens on: fossil CO2 from GCP for countries, openGHGMap's GHG for France. */
export const MAP_DEFAULTS: Record<MapLevel, Omit<Filters, "metric">> = {
  world: { year: 2018, gas: "CO2", sector: "", source: "gcp" },
  regions: { year: 2018, gas: "", sector: "", source: "openghgmap" },
  departments: { year: 2018, gas: "", sector: "", source: "openghgmap" },
};

const LEVELS: MapLevel[] = ["world", "regions", "departments"];

export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  let view: View;
  if (parts[0] === "territory" && parts[1]) view = { page: "territory", code: parts[1] };
  else if (parts[0] === "connectors") view = { page: "connectors" };
  else if (parts[0] === "search") view = { page: "search", q: params.get("q") ?? "" };
  else view = { page: "map", level: LEVELS.find((l) => l === parts[1]) ?? "world" };
  const base = MAP_DEFAULTS[view.page === "map" ? view.level : "world"];
  const year = Number(params.get("year"));
  const filters: Filters = {
    year: Number.isInteger(year) && year > 1700 ? year : base.year,
    gas: params.get("gas") ?? base.gas,
    sector: params.get("sector") ?? base.sector,
    source: params.get("source") ?? base.source,
    metric: params.get("metric") === "perCapita" ? "perCapita" : "total",
  };
  return { view, filters };
}

export function formatRoute({ view, filters }: Route): string {
  const path =
    view.page === "map"
      ? `/map/${view.level}`
      : view.page === "territory"
        ? `/territory/${encodeURIComponent(view.code)}`
        : `/${view.page}`;
  const params = new URLSearchParams();
  if (view.page === "search") params.set("q", view.q);
  if (view.page === "map" || view.page === "territory") {
    params.set("year", String(filters.year));
    params.set("gas", filters.gas);
    params.set("sector", filters.sector);
    params.set("source", filters.source);
    if (filters.metric !== "total") params.set("metric", filters.metric);
  }
  const query = params.toString();
  return `#${path}${query ? `?${query}` : ""}`;
}

export function navigate(route: Route): void {
  const hash = formatRoute(route);
  if (location.hash !== hash) location.hash = hash;
}
