import { defineConfig } from "vitest/config";

// Lets `npm test -w @jeugdregio/declarations` (or `npx vitest run` inside this folder)
// run this package's tests on their own, independent of any root config.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
