// Builds the dashboard into dashboard/dist: `npm run build:dashboard`. `npm run dev:dashboard`
// serves it with hot reload and forwards /graphql to a hub on OGS_API (default localhost:4000).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const api = process.env.OGS_API ?? "http://127.0.0.1:4000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // relative asset paths: the same build works at / of the hub and on a static site
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0, chunkSizeWarningLimit: 1000 },
  server: { proxy: { "/graphql": api, "/export.csv": api } },
});
