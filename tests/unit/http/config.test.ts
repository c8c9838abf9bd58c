import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.js";
import { pagePath, pageUrl } from "../../../src/web/links.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";
import { Stocktake } from "../../../src/stocktake.js";
import { defaultCoreConfig } from "../../../src/config/core-config.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { renderHtml } from "../../../src/reply/render-html.js";
import { configProblems as problems } from "../../support/config-problems.js";

describe("the http config section", () => {
  it("is absent by default: no web server", () => {
    expect(parseConfig({}, "test").http).toBeUndefined();
  });

  it("turns the page on when written, on loopback port 8080 unless told otherwise", () => {
    expect(parseConfig({ http: {} }, "test").http).toEqual({ enabled: true, port: 8080, host: "127.0.0.1" });
    expect(parseConfig({ http: { enabled: false, port: 9000, host: "0.0.0.0" } }, "test").http).toEqual({ enabled: false, port: 9000, host: "0.0.0.0" });
  });

  it("takes the port from an environment variable, and the public URL without its trailing slash", () => {
    const http = parseConfig({ http: { port: "${PORT}", publicUrl: "https://stocktake.example.org/" } }, "test", { PORT: "8081" }).http;
    expect(http).toMatchObject({ port: 8081, publicUrl: "https://stocktake.example.org" });
  });

  it("reports bad values and unknown keys with their path", () => {
    expect(problems({ http: { port: 70000, publicUrl: "ftp://example.org", bind: "x" } })).toEqual([
      "http.port: found 70000; expected a port number from 0 to 65535",
      "http.publicUrl: found \"ftp://example.org\"; expected an http:// or https:// URL",
      "http.bind: unknown setting; expected one of enabled, port, host, publicUrl",
    ]);
    expect(problems({ http: { port: "eighty" } })).toEqual([expect.stringMatching(/^http\.port: /)]);
  });
});

describe("pageUrl", () => {
  const config = { http: { publicUrl: "https://st.example.org/stock" }, projects: { secret: { private: true }, xen: { private: false } } };

  it("links public projects under the public URL, in each format", () => {
    expect(pageUrl(config, "xen")).toBe("https://st.example.org/stock/p/xen");
    expect(pageUrl(config, "linux")).toBe("https://st.example.org/stock/p/linux");
    expect(pageUrl(config, "xen", "txt")).toBe("https://st.example.org/stock/p/xen.txt");
    expect(pagePath("xen", "json")).toBe("/p/xen.json");
  });

  it("gives nothing for private projects (their pages are 404) or without a public URL", () => {
    expect(pageUrl(config, "secret")).toBeUndefined();
    expect(pageUrl({ projects: {} }, "xen")).toBeUndefined();
    expect(pageUrl({ http: {}, projects: {} }, "xen")).toBeUndefined();
  });
});

describe("the stock reply's link to the page", () => {
  async function stock(url: string | undefined) {
    const chat = new FakeChat();
    const config = defaultCoreConfig({ admins: [ADMIN.id] });
    const bot = new Stocktake({ store: chat.store, config, clock: chat.clock, pageUrl: () => url });
    for (const line of ["!project new xen", "!release new 4.3", "!add blktap3"]) await bot.handle({ text: line, invoker: ADMIN, conversation: "test:room" });
    return (await bot.handle({ text: "!stock", invoker: ADMIN, conversation: "test:room" }))!;
  }

  it("ends the summary with the page's address when there is one", async () => {
    const reply = await stock("https://st.example.org/p/xen");
    expect(reply.link).toEqual({ text: "Web page", url: "https://st.example.org/p/xen" });
    expect(renderPlain(reply).endsWith("\n\nWeb page: https://st.example.org/p/xen")).toBe(true);
    expect(renderHtml(reply).endsWith('<p><a href="https://st.example.org/p/xen">Web page</a></p>')).toBe(true);
  });

  it("has no link without one", async () => {
    const reply = await stock(undefined);
    expect(reply.link).toBeUndefined();
    expect(renderPlain(reply)).not.toContain("Web page");
  });
});
