import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LowdbStore } from "../../../adapters/store/lowdb-store.js";
import { startApp, type App } from "../../../src/app.js";
import { parseConfig } from "../../../src/config/config.js";
import { importIntoStore } from "../../../src/mail/import-into.js";
import { silentLogger } from "../../../src/util/silent-logger.js";
import { ADMIN, FakeChat, FakeClock } from "../../support/fake-chat.js";
import { FIXTURE } from "../../support/fixture.js";
import { tempDir } from "../../support/temp.js";
import { plainText } from "../../../src/reply/inline.js";

/**
 * The page in a real browser: headless Chromium (the Debian package) loads /p/xen from the real app
 * over a LowdbStore on disk whose history spans three weeks, and a screenshot is saved for people
 * to look at. Without /usr/bin/chromium the test is skipped, unless STOCKTAKE_REQUIRE_CHROMIUM=1
 * (CI), where that is a failure.
 */
const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const required = process.env["STOCKTAKE_REQUIRE_CHROMIUM"] === "1";
const ARTIFACTS = fileURLToPath(new URL("../../artifacts/", import.meta.url));
const DAY = 86_400_000;

/** Three weeks of a release: the mail imported on 23 January, then changes most days. */
async function writeHistory(file: string, clock: FakeClock): Promise<void> {
  const store = await LowdbStore.open(file, { clock });
  try {
    const chat = new FakeChat({ store, clock });
    const imported = await importIntoStore(store, FIXTURE, { by: ADMIN.id }, clock);
    if (!imported.ok) throw new Error(plainText(imported.error.message));
    await chat.setup(
      "!project use xen",
      "!release use 4.3",
      "!milestone set feature-freeze 2013-03-25",
      "!milestone set code-freeze 2013-04-15",
      "!milestone set release 2013-06-17",
      "!owner blktap3 Thanos Makatos",
      "!note blktap3: rebased on 4.3, needs review",
    );
    const days: string[][] = [
      ["!status blktap3 fair"],
      ["!status pvh mode fair", "!status vtpm updates done"],
      [],
      ["!add \"<script>alert('xss')</script> sanitiser\" --bucket fair --owner Mallory"],
      ["!status blktap3 on-track", "!status wait queues for mm fair"],
      ["!status guest efi booting deferred"],
      [],
      ["!status numa scheduler affinity done", "!status event channel scalability done"],
      ["!status v4v dropped"],
      ["!status full-vm snapshotting fair", "!status vm cloning fair"],
      [],
      ["!status persistent grants for net on-track"],
      ["!status xl qxl spice support done"],
      ["!status pv audio deferred"],
    ];
    for (const lines of days) {
      clock.advance(DAY + 3_600_000 * 0.5);
      await chat.setup(...lines);
    }
  } finally {
    await store.close();
  }
}

if (available) describe("the web page in headless Chromium", () => {
  const temp = tempDir();
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    const file = join(temp.dir, "stocktake.json");
    const clock = new FakeClock(new Date("2013-01-23T10:00:00Z"));
    await writeHistory(file, clock);
    const config = parseConfig({ http: { port: 0 }, projects: { xen: {}, hidden: { private: true } } }, "test");
    // A new process's view: the store reopened from disk, the chart built from the history file.
    const store = await LowdbStore.open(file, { clock });
    app = await startApp({ config, logger: silentLogger, clock, store, adapters: [] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Without the background-networking flags Chromium keeps trying to reach Google's servers.
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    temp.cleanup();
  });

  it("shows the buckets, the schedule and the chart with its table, with no script and no CSP error", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const response = await page.goto(`${app.web!.url}/p/xen`);
    expect(response?.status()).toBe(200);

    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.textContent("h1")).toBe("Xen 4.3: taking stock");
    expect(await page.locator("h2").allTextContents()).toEqual(["Schedule", "Features in each bucket over time", "Features by bucket", "Recent changes"]);
    const buckets = await page.locator("section.bucket h3").allTextContents();
    expect(buckets.map((text) => text.replace(/\s*\(\d+\)$/, ""))).toEqual([
      "Finished features",
      "Features on-track",
      "Features marked as Fair",
      "Features at risk",
      "Features deferred",
      "Features dropped",
    ]);
    expect(await page.locator("li.now").textContent()).toMatch(/^We are here: 6 February 2013, month \d+ of 9$|^We are here: \d+ February 2013/);
    // The title with markup is text on the page, and nothing ran.
    expect(await page.locator("section.bucket li", { hasText: "<script>alert('xss')</script> sanitiser" }).count()).toBe(1);
    expect(await page.locator("script").count()).toBe(0);

    const chart = page.locator("svg.chart");
    await expect.poll(() => chart.isVisible()).toBe(true);
    expect(await chart.locator("title").textContent()).toBe("Xen 4.3: taking stock: features in each bucket over time");
    expect(await chart.locator("path.line").count()).toBe(6);
    // Up to the next milestone, the feature freeze: the later ones are in the schedule.
    expect(await chart.locator("g.milestone text").allTextContents()).toEqual(["Feature freeze"]);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(await page.locator("table.data caption").textContent()).toContain("Features in each bucket");
    expect(await page.locator("table.data tbody tr").count()).toBeGreaterThan(8);
    // Colour is never alone: the line labels say the bucket and its count.
    expect(await chart.locator("g.label text").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^at risk \d+$/), expect.stringMatching(/^finished \d+$/)]));

    await page.screenshot({ path: join(ARTIFACTS, "web-xen.png"), fullPage: true });
    await chart.screenshot({ path: join(ARTIFACTS, "web-xen-chart.png") });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("fits a phone's width without sideways scrolling", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${app.web!.url}/p/xen`);
    const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "web-xen-mobile.png"), fullPage: false });
    await page.close();
  }, 60_000);

  it("lists the public project and hides the private one", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.web!.url}/`);
    expect(await page.locator("main a").allTextContents()).toEqual(["Xen 4.3"]);
    // The relative links lead from the list to the page and on to its plain text, and back.
    await page.click("text=Xen 4.3");
    expect(new URL(page.url()).pathname).toBe("/p/xen");
    await page.click("text=All projects");
    expect(new URL(page.url()).pathname).toBe("/");
    await page.goto(`${app.web!.url}/p/xen`);
    await page.click("text=plain text");
    expect(await page.textContent("body")).toContain("[Xen] 4.3 Planning: Taking stock");
    const hidden = await page.goto(`${app.web!.url}/p/hidden`);
    expect(hidden?.status()).toBe(404);
    await page.close();
  }, 60_000);
});

if (!available) {
  // One line in the test report says why the browser test did not run.
  describe("the web page in headless Chromium", () => {
    if (required) {
      it(`needs ${CHROMIUM}, which STOCKTAKE_REQUIRE_CHROMIUM=1 requires`, () => {
        expect.fail(`${CHROMIUM} is missing: install it with apt-get install chromium`);
      });
    } else {
      console.warn(`tests/integration/web skipped: ${CHROMIUM} is missing (apt-get install chromium; STOCKTAKE_REQUIRE_CHROMIUM=1 makes this a failure)`);
      it.skip(`skipped: ${CHROMIUM} is missing (apt-get install chromium; STOCKTAKE_REQUIRE_CHROMIUM=1 makes this a failure)`, () => undefined);
    }
  });
}
