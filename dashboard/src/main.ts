// The app shell: navigation, search box, filters, and the view the URL names.
import { loadReference, type Reference } from "./api.ts";
import { h, replace, select } from "./dom.ts";
import { type Filters, formatRoute, MAP_DEFAULTS, type MapLevel, navigate, parseRoute, type Route } from "./route.ts";
import { territoryView } from "./territory-view.ts";
import { message } from "./ui.ts";
import { connectorsView, mapView, searchView } from "./views.ts";
import "./style.css";

const app = document.querySelector<HTMLElement>("#app")!;
let reference: Reference | null = null;
/** Renders are asynchronous: only the newest one may write to the page. */
let generation = 0;

function mapLink(level: MapLevel, filters: Filters): string {
  return formatRoute({ view: { page: "map", level }, filters: { ...filters, ...MAP_DEFAULTS[level] } });
}

function shell(route: Route, ref: Reference, content: HTMLElement): HTMLElement[] {
  const { view, filters } = route;
  const set = (change: Partial<Filters>) => navigate({ view, filters: { ...filters, ...change } });
  const searchInput = h("input", {
    type: "search",
    name: "q",
    placeholder: "Search a territory: name or code",
    "aria-label": "Search a territory",
    value: view.page === "search" ? view.q : "",
  });
  const current = (page: string, level?: MapLevel) =>
    view.page === page && (!level || (view.page === "map" && view.level === level)) ? "page" : undefined;
  const nav = h(
    "header",
    { class: "top" },
    h("h1", {}, h("a", { href: "#/" }, "OpenGeoScales hub")),
    h(
      "nav",
      {},
      h("a", { href: mapLink("world", filters), "aria-current": current("map", "world") }, "World"),
      h("a", { href: mapLink("regions", filters), "aria-current": current("map", "regions") }, "French regions"),
      h(
        "a",
        { href: mapLink("departments", filters), "aria-current": current("map", "departments") },
        "French departments",
      ),
      h("a", { href: "#/connectors", "aria-current": current("connectors") }, "Connectors"),
    ),
    h(
      "form",
      {
        class: "search-form",
        role: "search",
        onsubmit: (e: Event) => {
          e.preventDefault();
          navigate({ view: { page: "search", q: searchInput.value }, filters });
        },
      },
      searchInput,
      h("button", { type: "submit" }, "Search"),
    ),
  );
  const showFilters = view.page === "map" || view.page === "territory";
  const yearInput = h("input", {
    type: "number",
    name: "year",
    "aria-label": "year",
    min: 1750,
    max: 2100,
    value: filters.year,
    onchange: () => set({ year: Number(yearInput.value) }),
  });
  const bar = showFilters
    ? h(
        "div",
        { class: "filters" },
        h("label", {}, "Year ", yearInput),
        h(
          "label",
          {},
          "Gas ",
          select(
            "gas",
            [["", "all greenhouse gases"], ...ref.gases.map((g): [string, string] => [g.code, `${g.code}: ${g.name}`])],
            filters.gas,
            (gas) => set({ gas }),
          ),
        ),
        h(
          "label",
          {},
          "Sector ",
          select(
            "sector",
            [["", "total"], ...ref.sectors.map((s): [string, string] => [s.code, `${s.code} ${s.name}`])],
            filters.sector,
            (sector) => set({ sector }),
          ),
        ),
        h(
          "label",
          {},
          "Source ",
          select(
            "source",
            [["", "the only one with data"], ...ref.sources.map((s): [string, string] => [s.id, s.id])],
            filters.source,
            (source) => set({ source }),
          ),
        ),
        view.page === "map"
          ? h(
              "label",
              {},
              "Show ",
              select(
                "metric",
                [
                  ["total", "emissions"],
                  ["perCapita", "per person"],
                ],
                filters.metric,
                (metric) => set({ metric: metric === "perCapita" ? "perCapita" : "total" }),
              ),
            )
          : null,
      )
    : null;
  return [nav, ...(bar ? [bar] : []), h("main", {}, content)];
}

async function render(): Promise<void> {
  const mine = ++generation;
  const route = parseRoute(location.hash);
  const link = (r: Route) => formatRoute(r);
  try {
    reference ??= await loadReference();
    const ref = reference;
    const { view, filters } = route;
    const content =
      view.page === "map"
        ? await mapView(view.level, filters, (code) => navigate({ view: { page: "territory", code }, filters }))
        : view.page === "territory"
          ? await territoryView(view.code, filters, ref, link)
          : view.page === "connectors"
            ? await connectorsView()
            : await searchView(view.q, filters, link);
    if (mine !== generation) return;
    replace(app, ...shell(route, ref, content));
    document.title = `${content.querySelector("h2")?.textContent ?? "Map"} · OpenGeoScales hub`;
    app.dataset.ready = formatRoute(route);
  } catch (e) {
    if (mine !== generation) return;
    replace(app, message(`The hub's API did not answer as expected: ${(e as Error).message}`, "error"));
    app.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", () => void render());
void render();
