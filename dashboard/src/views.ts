// The map, connector-health and search views.
import { type ConnectorHealth, loadConnectors, loadMap, type MapValue, search } from "./api.ts";
import { choropleth, loadShapes } from "./choropleth.ts";
import { h } from "./dom.ts";
import { downloadCsv, formatDate } from "./format.ts";
import type { Filters, MapLevel, Route } from "./route.ts";
import { message, table } from "./ui.ts";

const LEVEL_TITLES: Record<MapLevel, string> = {
  world: "Countries",
  regions: "French regions",
  departments: "French departments",
};

export async function mapView(level: MapLevel, filters: Filters, open: (code: string) => void): Promise<HTMLElement> {
  const [shapes, { data: values, errors }] = await Promise.all([loadShapes(level), loadMap(level, filters)]);
  const unit = filters.metric === "perCapita" ? "t per person" : "Mt";
  const label = `${filters.gas || "all GHG"} ${filters.year}, ${unit}${filters.source ? ` (${filters.source})` : ""}`;
  const shown = values.filter((v) => v.value !== null);
  const csvRows = shown.map((v: MapValue) => ({
    territory: v.code,
    name: v.name,
    year: filters.year,
    gas: filters.gas,
    sector: filters.sector,
    source: v.source,
    release: v.release?.version ?? null,
    value: v.value,
    unit: v.unit,
    status: v.status,
  }));
  return h(
    "section",
    { class: "map-view", "data-level": level },
    h(
      "header",
      { class: "view-header" },
      h("h2", {}, `${LEVEL_TITLES[level]}: ${label}`),
      h(
        "button",
        { class: "download", onclick: () => downloadCsv(`map-${level}-${filters.year}.csv`, csvRows) },
        "Download CSV of this map",
      ),
    ),
    errors.length ? message(`${errors.length} values could not be computed: ${errors[0].message}`, "error") : null,
    choropleth({ level, shapes, values, label, onOpen: open }),
    h(
      "p",
      { class: "muted" },
      `${shown.length} of ${values.length} territories have a value. Click a shape to open it.`,
    ),
  );
}

export async function connectorsView(): Promise<HTMLElement> {
  const connectors = await loadConnectors();
  const rows = connectors.map((c) => ({
    connector: c.id,
    kind: c.kind,
    status: c.status,
    lastRun: c.lastRun?.endedAt ?? c.lastRun?.startedAt ?? null,
    rowsLoaded: c.rowsLoaded,
    rowsRejected: c.rowsRejected,
    newestYear: c.newestYear,
    nextRun: c.nextRun,
  }));
  return h(
    "section",
    { class: "connectors" },
    h(
      "header",
      { class: "view-header" },
      h("h2", {}, `Connector health (${connectors.length} connectors)`),
      h("button", { class: "download", onclick: () => downloadCsv("connectors.csv", rows) }, "Download CSV"),
    ),
    table<ConnectorHealth>(
      [
        { label: "Connector", value: (c) => c.id },
        { label: "Kind", value: (c) => c.kind },
        { label: "Status", value: (c) => c.status },
        {
          label: "Last run",
          value: (c) =>
            c.lastRun ? `#${c.lastRun.id} ${formatDate(c.lastRun.endedAt ?? c.lastRun.startedAt)}` : "never",
        },
        { label: "Rows loaded", numeric: true, value: (c) => c.rowsLoaded?.toLocaleString("en") ?? "–" },
        { label: "Rejected", numeric: true, value: (c) => c.rowsRejected?.toLocaleString("en") ?? "–" },
        { label: "Newest year", numeric: true, value: (c) => (c.newestYear === null ? "–" : String(c.newestYear)) },
        { label: "Next run (UTC)", value: (c) => formatDate(c.nextRun) },
        { label: "Error", value: (c) => c.lastRun?.error ?? "" },
      ],
      connectors,
    ),
  );
}

export async function searchView(q: string, filters: Filters, link: (route: Route) => string): Promise<HTMLElement> {
  const query = q.trim();
  if (!query)
    return h(
      "section",
      {},
      message("Type a name or a code (France, FR, FRA, 250, Bretagne, FR-29) in the search box."),
    );
  const hits = await search(query);
  if (!hits.length) {
    return h(
      "section",
      { class: "search" },
      message(
        `Nothing matches “${query}”. Try a country or region name (France, Bretagne, Finistère) or a code (FR, FRA, 250, FR-BRE, FR-29).`,
      ),
    );
  }
  return h(
    "section",
    { class: "search" },
    h("h2", {}, `${hits.length} territor${hits.length === 1 ? "y" : "ies"} match “${query}”`),
    h(
      "ul",
      { class: "hits" },
      ...hits.map((t) =>
        h(
          "li",
          {},
          h("a", { href: link({ view: { page: "territory", code: t.code }, filters }) }, t.name),
          ` ${t.code} · ${t.level}${t.parent ? ` · in ${t.parent.name}` : ""}`,
        ),
      ),
    ),
  );
}
