import fs from "node:fs";

/** The dashboard as a static site, when it has been built (npm run build:dashboard). */
export function dashboard(apiUrl: $util.Output<string>) {
  if (!fs.existsSync("dashboard/index.html")) return undefined;
  return new sst.aws.StaticSite("Dashboard", {
    path: "dashboard",
    build: { command: "npm run build:dashboard", output: "dashboard/dist" },
    environment: { VITE_API_URL: apiUrl },
  });
}
