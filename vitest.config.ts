import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000, // a test file may wait for another to build the template database it copies
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
