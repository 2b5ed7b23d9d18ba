// A choropleth of countries (world-atlas) or French regions and departments (france-geojson),
// coloured by one value per territory, with a legend, a tooltip and a click to open a territory.
import * as Plot from "@observablehq/plot";
import { type GeoPermissibleObjects, type GeoProjection, geoConicConformal, geoEqualEarth, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import worldUrl from "world-atlas/countries-110m.json?url";
import type { MapValue } from "./api.ts";
import { h, replace } from "./dom.ts";
import { formatValue } from "./format.ts";
import type { MapLevel } from "./route.ts";

type Shapes = FeatureCollection<Geometry, { key: string; name: string }>;

const cache = new Map<MapLevel, Promise<Shapes>>();

/** Shapes of a level, each with the key its territory is matched by (ISO numeric or INSEE code). */
export function loadShapes(level: MapLevel): Promise<Shapes> {
  let shapes = cache.get(level);
  if (!shapes) {
    shapes = level === "world" ? loadWorld() : loadFrance(level);
    cache.set(level, shapes);
  }
  return shapes;
}

async function loadWorld(): Promise<Shapes> {
  const topology = (await (await fetch(worldUrl)).json()) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const countries = feature(topology, topology.objects.countries);
  return {
    type: "FeatureCollection",
    features: countries.features
      .filter((f) => f.properties?.name !== "Antarctica")
      .map((f) => ({ ...f, properties: { key: String(f.id ?? ""), name: f.properties?.name ?? "" } })),
  };
}

async function loadFrance(level: "regions" | "departments"): Promise<Shapes> {
  const file = level === "regions" ? "regions-version-simplifiee.geojson" : "departements-version-simplifiee.geojson";
  const geojson = (await (await fetch(`${import.meta.env.BASE_URL}geo/${file}`)).json()) as FeatureCollection<
    Geometry,
    { code: string; nom: string }
  >;
  return {
    type: "FeatureCollection",
    features: geojson.features.map((f) => ({ ...f, properties: { key: f.properties.code, name: f.properties.nom } })),
  };
}

export interface ChoroplethOptions {
  level: MapLevel;
  shapes: Shapes;
  values: MapValue[];
  label: string;
  onOpen: (code: string) => void;
}

const WIDTH = 960;

export function choropleth({ level, shapes, values, label, onOpen }: ChoroplethOptions): HTMLElement {
  const byKey = new Map<string, MapValue>();
  for (const v of values) for (const key of v.keys) byKey.set(key, v);
  const known = values.filter((v) => v.value !== null && v.value > 0).map((v) => v.value as number);
  const color = known.length
    ? Plot.scale({ color: { type: "quantile", n: 7, scheme: "YlOrRd", domain: known, label } })
    : null;

  const projection: GeoProjection = level === "world" ? geoEqualEarth() : geoConicConformal().parallels([44, 49]);
  const height = level === "world" ? 470 : 640;
  projection.fitSize([WIDTH, height], shapes as GeoPermissibleObjects);
  const path = geoPath(projection);

  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
  svg.setAttribute("class", "choropleth");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Map of ${label}`);
  const tooltip = h("div", { class: "tooltip", role: "tooltip", hidden: true });

  for (const f of shapes.features as Feature<Geometry, { key: string; name: string }>[]) {
    const v = byKey.get(f.properties.key);
    const d = path(f);
    if (!d) continue;
    const shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", d);
    const hasValue = v && v.value !== null;
    shape.setAttribute("fill", hasValue && color ? String(color.apply(v.value)) : "#e4e4e4");
    shape.setAttribute("class", v ? "shape has-territory" : "shape");
    shape.dataset.key = f.properties.key;
    if (v) {
      shape.dataset.code = v.code;
      shape.dataset.status = v.status ?? "none";
      shape.setAttribute("tabindex", "0");
      shape.setAttribute(
        "aria-label",
        `${v.name} (${v.code}): ${hasValue ? `${formatValue(v.value)} ${v.unit}` : "no data"}`,
      );
      const open = () => onOpen(v.code);
      shape.addEventListener("click", open);
      shape.addEventListener("keydown", (e) => {
        if (e.key === "Enter") open();
      });
    }
    shape.addEventListener("mousemove", (e) => {
      tooltip.hidden = false;
      replace(
        tooltip,
        h("strong", {}, v ? `${v.name} (${v.code})` : f.properties.name),
        h("br"),
        v && v.value !== null ? `${formatValue(v.value)} ${v.unit}` : "no data",
        v?.status ? h("span", { class: `status status-${v.status.toLowerCase()}` }, v.status) : null,
        v?.source ? h("small", {}, ` ${v.source}${v.release ? ` ${v.release.version}` : ""}`) : null,
        v?.note ? h("small", {}, `, ${v.note}`) : null,
      );
      const box = svg.getBoundingClientRect();
      tooltip.style.left = `${e.clientX - box.left + 14}px`;
      tooltip.style.top = `${e.clientY - box.top + 14}px`;
    });
    shape.addEventListener("mouseleave", () => {
      tooltip.hidden = true;
    });
    svg.append(shape);
  }

  const legend = color
    ? Plot.legend({
        color: { type: "quantile", n: 7, scheme: "YlOrRd", domain: known, label, tickFormat: formatValue },
      })
    : h("p", { class: "message" }, "No values for this selection: every shape is grey.");
  return h(
    "figure",
    { class: "map" },
    h("div", { class: "legend" }, legend, h("span", { class: "swatch-nodata" }, "no data")),
    h("div", { class: "map-frame" }, svg, tooltip),
  );
}
