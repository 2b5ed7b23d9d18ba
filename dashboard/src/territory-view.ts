// One territory: its total, every source's time series, sector and gas breakdowns, children with
// coverage, the cross-source comparison for the year, provenance on click, and a CSV of it all.
import * as Plot from "@observablehq/plot";
import { type Aggregate, loadTerritory, type Part, type Reference, type TerritoryNode } from "./api.ts";
import { h } from "./dom.ts";
import { type CsvRow, downloadCsv, formatShare, formatValue } from "./format.ts";
import type { Filters, Route } from "./route.ts";
import { type SeriesPoint, seriesBySource } from "./series.ts";
import { message, type Provenance, showProvenance, statusBadge, table } from "./ui.ts";

export async function territoryView(
  code: string,
  filters: Filters,
  ref: Reference,
  link: (route: Route) => string,
): Promise<HTMLElement> {
  const { data, errors } = await loadTerritory(code, filters);
  const t = data.territory;
  if (!t) {
    return h(
      "section",
      {},
      message(`No territory has the code “${code}”. Search for it by name in the box above.`, "error"),
    );
  }
  const source = (id: string) => ref.sources.find((s) => s.id === id) ?? { id };
  const sliceLabel = [
    filters.gas || "all gases",
    filters.sector ? (ref.sectors.find((s) => s.code === filters.sector)?.name ?? filters.sector) : "total",
    String(filters.year),
    filters.source || "any source",
  ].join(" · ");
  const csv: CsvRow[] = [];
  const row = (r: Partial<Record<keyof CsvShape, string | number | null>>) =>
    csv.push({ ...emptyRow(), territory: t.code, ...r });

  // the total
  const total = t.total;
  const totalProvenance = (a: Aggregate): Provenance => ({
    what: `${t.name}, ${sliceLabel}`,
    value: a.value,
    unit: a.unit,
    status: a.status,
    source: source(a.source.id),
    release: a.release,
    notes: [
      `gas ${a.gas}${a.gwp ? ` (CO2e, ${a.gwp})` : ""}`,
      `coverage: ${a.coverage.childrenWithData} of ${a.coverage.children} children have data`,
      ...(a.reportedMinusChildren !== null
        ? [`reported minus the sum of the children: ${formatValue(a.reportedMinusChildren)} ${a.unit}`]
        : []),
    ],
  });
  if (total)
    row({
      section: "total",
      year: filters.year,
      source: total.source.id,
      release: total.release.version,
      sector: filters.sector,
      gas: total.gas,
      value: total.value,
      unit: total.unit,
      status: total.status,
    });
  const summary = h(
    "div",
    { class: "summary" },
    total
      ? [
          h(
            "p",
            { class: "big" },
            h("button", { class: "value", onclick: () => showTotal(total) }, formatValue(total.value)),
            ` ${total.unit} ${total.gwp ? `CO2e (${total.gwp})` : total.gas}`,
            " ",
            statusBadge(total.status),
          ),
          h(
            "p",
            {},
            `${filters.year}, ${total.source.id} ${total.release.version}. Children with data: ${total.coverage.childrenWithData} of ${total.coverage.children}`,
            total.coverage.populationShare !== null
              ? ` (${formatShare(total.coverage.populationShare)} of the population)`
              : "",
            total.reportedMinusChildren !== null
              ? `. Reported minus the sum of the children: ${formatValue(total.reportedMinusChildren)} ${total.unit}`
              : "",
            ".",
          ),
        ]
      : message(`No value for ${sliceLabel}.`),
    t.perCapita
      ? h(
          "p",
          {},
          `Per person: ${formatValue(t.perCapita.value)} t (population ${t.perCapita.indicatorYear}, ${t.perCapita.indicatorSource}).`,
        )
      : null,
  );
  function showTotal(a: Aggregate) {
    showProvenance(totalProvenance(a));
  }

  // every source's series
  const points = seriesBySource(t.sectors, filters.gas, filters.sector, ref.parentOf);
  for (const p of points)
    row({
      section: "series",
      year: p.year,
      source: p.source,
      release: p.release.version,
      sector: p.sector,
      gas: p.gas,
      value: p.value,
      unit: "MT",
      status: "REPORTED",
    });
  const seriesSection = section(
    "Time series, every source",
    points.length
      ? seriesChart(points, filters.year)
      : message(`No series for ${filters.gas || "GHG"} in this territory.`),
    points.length ? seriesTable(points, source) : null,
  );

  // breakdowns
  const breakdownSection = (title: string, kind: string, parts: Part[] | undefined) => {
    for (const p of parts ?? [])
      row({
        section: kind,
        year: filters.year,
        source: p.source,
        release: p.release.version,
        sector: kind === "sector" ? p.code : filters.sector,
        gas: kind === "gas" ? p.code : filters.gas,
        name: p.name,
        value: p.value,
        unit: "MT",
        status: p.status,
        share: p.share,
      });
    return section(
      title,
      parts?.length
        ? [
            Plot.plot({
              marginLeft: 220,
              width: 640,
              height: 40 + parts.length * 26,
              x: { label: "Mt", grid: true },
              y: { label: null },
              marks: [
                Plot.barX(parts, { y: "name", x: "value", fill: "#c0392b", sort: { y: "-x" }, tip: true }),
                Plot.ruleX([0]),
              ],
            }),
            table(
              [
                { label: kind === "sector" ? "Sector" : "Gas", value: (p: Part) => `${p.name} (${p.code})` },
                {
                  label: "Mt",
                  numeric: true,
                  value: (p) => p.value,
                  provenance: (p) => ({
                    what: `${t.name}, ${p.name}, ${filters.year}`,
                    value: p.value,
                    unit: "MT",
                    status: p.status,
                    source: source(p.source),
                    release: p.release,
                  }),
                },
                { label: "Share", numeric: true, value: (p) => formatShare(p.share) },
                { label: "Status", value: (p) => p.status },
                { label: "Source", value: (p) => `${p.source} ${p.release.version}` },
              ],
              parts,
            ),
          ]
        : message(`No ${kind} breakdown for ${sliceLabel}.`),
    );
  };

  // children: the tree's own levels in the table, cities and communes folded below it
  const byValue = (a: Child, b: Child) =>
    (b.total?.value ?? -1) - (a.total?.value ?? -1) || a.name.localeCompare(b.name);
  const children = t.children.filter((c) => !FOLDED.includes(c.level)).sort(byValue);
  const folded = t.children.filter((c) => FOLDED.includes(c.level));
  for (const c of children)
    if (c.total)
      row({
        section: "children",
        year: filters.year,
        territory: c.code,
        source: filters.source,
        release: c.total.release.version,
        sector: filters.sector,
        gas: filters.gas,
        name: c.name,
        value: c.total.value,
        unit: "MT",
        status: c.total.status,
      });
  const childrenSection = t.children.length
    ? section(
        `Children (${t.children.length})`,
        table(
          [
            { label: "Territory", value: (c: Child) => c.name },
            { label: "Code", value: (c) => c.code },
            { label: "Level", value: (c) => c.level },
            {
              label: "Mt",
              numeric: true,
              value: (c) => c.total?.value ?? null,
              provenance: (c) =>
                c.total
                  ? {
                      what: `${c.name}, ${sliceLabel}`,
                      value: c.total.value,
                      unit: "MT",
                      status: c.total.status,
                      source: source(filters.source),
                      release: c.total.release,
                    }
                  : null,
            },
            { label: "Status", value: (c) => c.total?.status ?? "no data" },
            {
              label: "Coverage",
              value: (c) => (c.total ? coverageText(c.total.coverage) : "–"),
            },
          ],
          children,
        ),
        folded.length
          ? h(
              "details",
              {},
              h("summary", {}, `and ${folded.length} cities and communes`),
              h(
                "p",
                {},
                ...folded.map((c) => [
                  h("a", { href: link({ view: { page: "territory", code: c.code }, filters }) }, c.name),
                  " ",
                ]),
              ),
            )
          : null,
      )
    : null;
  // links on the children's names
  childrenSection?.querySelectorAll("table tbody tr").forEach((tr, i) => {
    const cell = tr.firstElementChild;
    const c = children[i];
    if (cell && c)
      cell.replaceChildren(h("a", { href: link({ view: { page: "territory", code: c.code }, filters }) }, c.name));
  });

  // comparison
  const cmp = data.compare;
  for (const v of cmp?.values ?? [])
    row({
      section: "comparison",
      year: filters.year,
      source: v.source.id,
      release: v.release.version,
      sector: filters.sector,
      gas: filters.gas,
      value: v.value,
      unit: cmp?.unit ?? "MT",
      status: v.status,
      ratioToMedian: v.ratioToMedian,
    });
  const compareSection = section(
    `Sources compared, ${filters.year}`,
    cmp?.values.length
      ? [
          h(
            "p",
            {},
            `Median ${formatValue(cmp.median)} Mt, spread ${formatValue(cmp.spread)} Mt (${formatShare(cmp.relativeSpread)} of the median).`,
            cmp.mixedGwpSets
              ? " The values are CO2e under different GWP sets: choose one to compare like with like."
              : "",
          ),
          table(
            [
              { label: "Source", value: (v: (typeof cmp.values)[number]) => v.source.id },
              { label: "Release", value: (v) => v.release.version },
              {
                label: "Mt",
                numeric: true,
                value: (v) => v.value,
                provenance: (v) => ({
                  what: `${t.name}, ${sliceLabel}`,
                  value: v.value,
                  unit: cmp.unit,
                  status: v.status,
                  source: source(v.source.id),
                  release: v.release,
                  notes: v.gwp ? [`CO2e under ${v.gwp}`] : [],
                }),
              },
              {
                label: "× median",
                numeric: true,
                value: (v) => (v.ratioToMedian === null ? null : v.ratioToMedian.toFixed(3)),
              },
              { label: "Outlier", value: (v) => (v.outlier ? "yes" : "") },
              { label: "Status", value: (v) => v.status },
            ],
            cmp.values,
          ),
          cmp.skipped.length
            ? h("ul", { class: "skipped" }, ...cmp.skipped.map((s) => h("li", {}, `${s.source}: ${s.reason}`)))
            : null,
        ]
      : message("No source has a value for this slice."),
  );

  const ancestors = [...t.ancestors].reverse();
  return h(
    "section",
    { class: "territory", "data-code": t.code },
    h(
      "nav",
      { class: "breadcrumb", "aria-label": "Ancestors" },
      ...ancestors.map((a) => [
        h("a", { href: link({ view: { page: "territory", code: a.code }, filters }) }, a.name),
        " › ",
      ]),
    ),
    h(
      "header",
      { class: "territory-header" },
      h("h2", {}, t.name, t.nameFr && t.nameFr !== t.name ? h("small", {}, ` ${t.nameFr}`) : null),
      h(
        "p",
        { class: "muted" },
        `${t.code} · ${t.level} · ${t.identifiers.map((i) => `${i.scheme} ${i.value}`).join(", ")}`,
      ),
      h(
        "button",
        { class: "download", onclick: () => downloadCsv(`${t.code}-${filters.year}.csv`, csv) },
        "Download CSV of this view",
      ),
    ),
    errors.length ? h("div", { class: "warnings" }, ...errors.map((e) => message(e.message, "error"))) : null,
    summary,
    seriesSection,
    h(
      "div",
      { class: "columns" },
      breakdownSection("By sector", "sector", t.bySector?.parts),
      breakdownSection("By gas", "gas", t.byGas?.parts),
    ),
    compareSection,
    childrenSection,
  );
}

type Child = TerritoryNode["children"][number];
const FOLDED = ["city", "commune"];

interface CsvShape {
  section: string;
  territory: string;
  year: number;
  source: string;
  release: string;
  sector: string;
  gas: string;
  name: string;
  value: number;
  unit: string;
  status: string;
  share: number;
  ratioToMedian: number;
}

/** Every CSV row has every column, in this order. */
function emptyRow(): Record<keyof CsvShape, null> {
  return {
    section: null,
    territory: null,
    year: null,
    source: null,
    release: null,
    sector: null,
    gas: null,
    name: null,
    value: null,
    unit: null,
    status: null,
    share: null,
    ratioToMedian: null,
  };
}

function coverageText(c: Aggregate["coverage"]): string {
  if (!c.children) return "no children";
  const population = c.populationShare === null ? "" : ` (${formatShare(c.populationShare)} of population)`;
  return `${c.childrenWithData}/${c.children} children${population}`;
}

function section(title: string, ...content: (Node | (Node | null)[] | null)[]): HTMLElement {
  return h("section", { class: "card", "aria-label": title }, h("h3", {}, title), ...content);
}

function seriesChart(points: SeriesPoint[], year: number): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width: 900,
    height: 340,
    marginLeft: 60,
    x: { label: null, tickFormat: "d" },
    y: { label: "Mt", grid: true, zero: true },
    color: { legend: true, type: "categorical" },
    marks: [
      Plot.ruleX([year], { stroke: "#999", strokeDasharray: "4 3" }),
      Plot.lineY(points, {
        x: "year",
        y: "value",
        stroke: "source",
        tip: { format: { x: "d", y: (v: number) => formatValue(v) } },
      }),
      Plot.dot(
        points.filter((p) => p.year === year),
        { x: "year", y: "value", fill: "source" },
      ),
    ],
  });
}

function seriesTable(points: SeriesPoint[], source: (id: string) => Provenance["source"]): HTMLElement {
  const sources = [...new Set(points.map((p) => p.source))];
  const years = [...new Set(points.map((p) => p.year))].sort((a, b) => b - a);
  const at = new Map(points.map((p) => [`${p.source} ${p.year}`, p]));
  return h(
    "details",
    { class: "series-table" },
    h("summary", {}, `Values by year (${years.length} years × ${sources.length} sources), Mt`),
    table(
      [
        { label: "Year", value: (y: number) => String(y) },
        ...sources.map((s) => ({
          label: s,
          numeric: true,
          value: (y: number) => at.get(`${s} ${y}`)?.value ?? null,
          provenance: (y: number): Provenance | null => {
            const p = at.get(`${s} ${y}`);
            return p
              ? {
                  what: `${s}, ${p.gas}, ${p.sector}, ${y}`,
                  value: p.value,
                  unit: "MT",
                  source: source(s),
                  release: p.release,
                  status: "REPORTED",
                  notes: p.gwp ? [`CO2e under ${p.gwp}`] : [],
                }
              : null;
          },
        })),
      ],
      years,
    ),
  );
}
