import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const alias = [
  { find: /^~db\/(.*)$/, replacement: `${root}/db/$1` },
  { find: /^~seeds\/(.*)$/, replacement: `${root}/seeds/$1` },
  { find: /^~\/(.*)$/, replacement: `${root}/app/$1` },
];

// The browser tests always run their server on the embedded database (test/support/browser.ts),
// so .ci/run's PostgreSQL pass sets BROWSER_TESTS=off instead of repeating them unchanged.
const browserTests = process.env.BROWSER_TESTS !== "off";
if (!browserTests) console.log("BROWSER_TESTS=off: the e2e project (browser tests, embedded database either way) is left out of this run");

export default defineConfig({
  root,
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          root,
          include: ["packages/*/src/**/*.test.ts", "test/unit/**/*.test.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "db",
          root,
          include: ["test/db/**/*.test.ts", "test/http/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      ...(browserTests ? [{
        resolve: { alias },
        test: {
          name: "e2e",
          root,
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      }] : []),
    ],
  },
});
