import { defineConfig } from "vitest/config";

// Two tiers, one folder each. `npm test` runs both; `npm run test:unit` only the first.
// - unit: in process only (temp files on disk are fine): no child process, no Synapse, no browser,
//   no waiting on real time. The fast loop while editing.
// - integration: real servers (Synapse), child processes (the CLI, SIGKILL, restarts), discord.js
//   against the fake Discord server (it honours real rate-limit waits), headless Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          testTimeout: 20_000,
          // Worker threads sharing one module graph: importing the core once instead of once per
          // file halves the tier's CPU time. Safe while unit tests keep no module-level state
          // between files (no vi.mock, no process.env edits); `--sequence.shuffle` checks that.
          pool: "threads",
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 20_000,
          hookTimeout: 120_000,
          // Finds a homeserver for tests/integration/matrix (or says once how to provide one). Only
          // here, so the unit tier never probes for Synapse.
          // Likewise a PostgreSQL database for tests/integration/store/postgres.
          globalSetup: ["tests/integration/matrix/global-setup.ts", "tests/integration/store/postgres/global-setup.ts"],
        },
      },
    ],
  },
});
