import { fileURLToPath } from "node:url";
import type { Clock, PlanStore } from "./ports.js";
import { importIntoStore, type ImportReport } from "./mail/import-into.js";
import { addDays, addMonths } from "./util/dates.js";
import type { Result } from "./util/result.js";

/** The Xen 4.3 "taking stock" mail that `--demo` loads (kept out of tests/, which a plain install may not ship); the tests read it too. */
export const DEMO_MAIL = fileURLToPath(new URL("../demo/xen-4.3-taking-stock.txt", import.meta.url));

/**
 * The Xen 4.3 plan from the demo mail, with its schedule moved to today: four months into a
 * nine-month cycle, feature freeze in 61 days, as when the mail was sent.
 */
export function loadDemo(store: PlanStore, mail: string, clock: Clock): Promise<Result<ImportReport>> {
  const today = clock.now().toISOString().slice(0, 10);
  const cycleStart = addMonths(today, -4);
  const freeze = addDays(today, 61);
  return importIntoStore(
    store,
    mail,
    {
      project: "xen",
      release: "4.3",
      by: "demo:import",
      releaseDefaults: {
        cycleMonths: 9,
        cycleStart,
        milestones: [
          { key: "feature-freeze", label: "Feature freeze", date: freeze, timeZone: "UTC" },
          { key: "code-freeze", label: "Code freeze", date: addDays(freeze, 21), timeZone: "UTC" },
          { key: "release", label: "Release", date: addMonths(cycleStart, 9), timeZone: "UTC" },
        ],
      },
    },
    clock,
  );
}
