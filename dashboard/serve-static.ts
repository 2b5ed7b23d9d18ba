// Serves the built dashboard (dashboard/dist) from the hub's HTTP server: `/` is the app, the
// other paths are its files. Anything else (/graphql, /export.csv, /health) is left to the caller.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const dashboardRoot = path.dirname(fileURLToPath(import.meta.url));
export const dashboardDist = path.join(dashboardRoot, "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".geojson": "application/geo+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** The file of dist a URL path names, or null (outside dist, missing, or a folder). */
function fileFor(urlPath: string, dist: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const relative = decoded === "/" ? "index.html" : decoded.replace(/^\/+/, "");
  const file = path.resolve(dist, relative);
  if (file !== dist && !file.startsWith(dist + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/**
 * Answers a GET or HEAD for `/` or a file of the built dashboard and returns true; returns false
 * for any other request, which the caller passes on (to graphql-yoga).
 */
export function serveDashboard(req: IncomingMessage, res: ServerResponse, dist = dashboardDist): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const urlPath = new URL(req.url ?? "/", "http://hub").pathname;
  const file = fileFor(urlPath, dist);
  if (!file) {
    if (urlPath !== "/" && urlPath !== "/index.html") return false;
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
    res.end("The dashboard is not built: run `npm run build:dashboard`. The API is at /graphql.\n");
    return true;
  }
  const hashed = urlPath.startsWith("/assets/");
  res.writeHead(200, {
    "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
    "content-length": fs.statSync(file).size,
    "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") res.end();
  else fs.createReadStream(file).pipe(res);
  return true;
}

/**
 * Builds the dashboard when dist has no index.html (a fresh checkout before `npm start`). Vite is a
 * dev dependency: where it is not installed, this says so and the hub serves the API only.
 */
export async function buildDashboardIfMissing(log: (line: string) => void = console.log): Promise<boolean> {
  if (fs.existsSync(path.join(dashboardDist, "index.html"))) return true;
  try {
    const { build } = await import("vite");
    log("building the dashboard (dashboard/dist) ...");
    await build({ configFile: path.join(dashboardRoot, "vite.config.ts"), logLevel: "warn" });
    return true;
  } catch (e) {
    log(`dashboard not built (${(e as Error).message}): run \`npm run build:dashboard\``);
    return false;
  }
}
