import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Finds a homeserver for tests/integration/matrix (or says once how to provide one).
    globalSetup: ["tests/integration/matrix/global-setup.ts"],
  },
});
