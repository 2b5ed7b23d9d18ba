// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a real hub:
// a fresh database loaded by the real connectors, the GraphQL API and the built dashboard.
import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectors } from "../../connectors/registry.ts";
import { testDrivers } from "../helpers/database.ts";
import { type Hub, startHub } from "./hub.ts";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = fs.existsSync(executablePath);
if (!hasChromium)
  console.warn(`dashboard browser tests skipped: no Chromium at ${executablePath} (apt-get install -y chromium)`);

const screenshots = path.resolve("tests/out/screenshots");
/** PGlite answers the map's roll-ups far slower than PostgreSQL: use PostgreSQL when the suite has it. */
const driver = testDrivers.includes("pg") ? "pg" : "pglite";

describe.skipIf(!hasChromium)(`the dashboard in Chromium, on a hub over ${driver}`, () => {
  let hub: Hub;
  let browser: Browser;
  let page: Page;

  /** Waits until the app has rendered the view whose URL hash starts with `hash`. */
  const rendered = (hash: string) =>
    page.waitForSelector(`#app[data-ready^="${hash}"]`, { state: "attached", timeout: 120_000 });
  const shoot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(screenshots, { recursive: true });
    hub = await startHub(driver);
    browser = await chromium.launch({
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it("draws the world map with shapes coloured by value and a legend", async () => {
    await page.goto(`${hub.url}/#/map/world`);
    await rendered("#/map/world");
    const fills = await page.$$eval("svg.choropleth path[data-code]", (paths) =>
      paths.map((p) => p.getAttribute("fill")),
    );
    const coloured = fills.filter((f) => f && f !== "#e4e4e4");
    expect(coloured.length).toBeGreaterThan(150);
    expect(new Set(coloured).size).toBe(7);
    expect(await page.locator("figure.map .legend svg").count()).toBe(1);
    await shoot("world-map");
  });

  it("shows a country's value and status when the pointer is over it", async () => {
    await page.hover('svg.choropleth path[data-code="DE"]');
    const tip = page.locator(".tooltip");
    await expect.poll(() => tip.textContent()).toContain("Germany (DE)");
    expect(await tip.textContent()).toMatch(/755\.4 Mt\s*REPORTED/);
  });

  it("opens France's view when France is clicked on the map", async () => {
    // France's shape includes French Guiana: its bounding box's centre is in the Atlantic
    await page.locator('svg.choropleth path[data-code="FR"]').dispatchEvent("click");
    await rendered("#/territory/FR?");
    expect(await page.locator("section.territory h2").textContent()).toContain("France");
    expect(page.url()).toContain("#/territory/FR?year=2018&gas=CO2");
  });

  it("shows gcp's 2018 value for France, 331.7 Mt, in the table of the time series", async () => {
    await page.click("details.series-table summary");
    const table = page.locator("details.series-table table");
    const headers = await table.locator("thead th").allTextContents();
    const gcp = headers.indexOf("gcp");
    expect(gcp).toBeGreaterThan(0);
    const row = table.locator("tbody tr", { has: page.locator("td:first-child", { hasText: /^2018$/ }) });
    expect(await row.locator("td").nth(gcp).textContent()).toBe("331.7");
    expect(headers).toEqual(expect.arrayContaining(["edgar", "owid", "unfccc-annex1"]));
    await shoot("territory-france");
  });

  it("opens the provenance of a number on click", async () => {
    const table = page.locator("details.series-table table");
    const gcp = (await table.locator("thead th").allTextContents()).indexOf("gcp");
    const row = table.locator("tbody tr", { has: page.locator("td:first-child", { hasText: /^2018$/ }) });
    await row.locator("td").nth(gcp).locator("button").click();
    const dialog = page.locator("dialog#provenance");
    expect(await dialog.textContent()).toMatch(/Global Carbon Project[\s\S]*GCB2020v18/);
    await dialog.locator("button.close").click();
  });

  it("downloads a CSV holding the rows shown", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("section.territory button.download"),
    ]);
    const csv = fs
      .readFileSync(await download.path(), "utf8")
      .trim()
      .split("\r\n");
    const header = csv[0].split(",");
    expect(header.slice(0, 4)).toEqual(["section", "territory", "year", "source"]);
    const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(",").map((v, i) => [header[i], v])));
    const series = rows.filter((r) => r.section === "series");
    const shownCells = await page.locator("details.series-table tbody td.num button").count();
    expect(series.length).toBe(shownCells);
    expect(series.find((r) => r.source === "gcp" && r.year === "2018")?.value).toBe("331.725446");
    const compared = rows.filter((r) => r.section === "comparison").map((r) => r.source);
    expect(compared.length).toBe(await page.locator('section[aria-label^="Sources compared"] tbody tr').count());
  });

  it("draws the department map with Finistère, FR-29, coloured by its openGHGMap value", async () => {
    await page.click('header.top nav a:text("French departments")');
    await rendered("#/map/departments");
    const finistere = page.locator('svg.choropleth path[data-code="FR-29"]');
    expect(await finistere.count()).toBe(1);
    expect(await finistere.getAttribute("fill")).not.toBe("#e4e4e4");
    expect(await finistere.getAttribute("data-status")).toBe("REPORTED");
    await finistere.hover({ force: true });
    await expect.poll(() => page.locator(".tooltip").textContent()).toContain("FR-29");
    await shoot("departments-map");
  });

  it("lists every connector of the registry in the connector table", async () => {
    await page.click('header.top nav a:text("Connectors")');
    await rendered("#/connectors");
    const ids = await page.locator("section.connectors tbody tr td:first-child").allTextContents();
    expect(ids).toEqual(connectors.map((c) => c.id));
    const gcpRow = page.locator("section.connectors tbody tr", {
      has: page.locator("td:first-child", { hasText: /^gcp$/ }),
    });
    expect(await gcpRow.textContent()).toContain("succeeded");
    await shoot("connectors");
  });

  it("answers a search that matches nothing with a friendly message", async () => {
    await page.fill('input[name="q"]', "Atlantis-zz");
    await page.press('input[name="q"]', "Enter");
    await rendered("#/search");
    expect(await page.locator("main").textContent()).toContain("Nothing matches “Atlantis-zz”");
    await page.fill('input[name="q"]', "Finist");
    await page.press('input[name="q"]', "Enter");
    await rendered("#/search?q=Finist");
    expect(await page.locator("ul.hits").textContent()).toContain("FR-29");
  });
});
