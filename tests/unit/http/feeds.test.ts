import ICAL from "ical.js";
import { XMLParser } from "fast-xml-parser";
import { afterEach, describe, expect, it } from "vitest";
import { xenSite, type WebSite } from "../../support/web.js";

let site: WebSite | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

interface AtomEntry {
  id: string;
  title: { "#text": string };
  updated: string;
  author: { name: string };
  content: { "#text": string };
}

function parseAtom(text: string): { feed: { id: string; title: { "#text": string }; updated: string; entry?: AtomEntry | AtomEntry[] } } {
  return new XMLParser({ ignoreAttributes: false, textNodeName: "#text", isArray: (name) => name === "entry" }).parse(text, true) as never;
}

describe("/p/PROJECT.ics: the milestones as a calendar", () => {
  it("parses back as one all-day event per milestone, on the milestone's date, due at the end of the day in its zone", async () => {
    site = await xenSite();
    await site.chat.setup("!milestone set rc1 2013-05-06 AoE");
    const response = await site.get("/p/xen.ics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    const events = calendar.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
    expect(events.map((event) => [event.summary, event.startDate.toString(), event.startDate.isDate, event.endDate.toString()])).toEqual([
      ["Xen 4.3: Feature freeze", "2013-03-25", true, "2013-03-26"],
      ["Xen 4.3: RC1", "2013-05-06", true, "2013-05-07"],
      ["Xen 4.3: Release", "2013-06-17", true, "2013-06-18"],
    ]);
    // AoE is UTC−12: the end of 6 May there is noon UTC on 7 May.
    expect(events[1]!.description).toContain("(2013-05-07T12:00:00Z)");
    expect(events[0]!.uid).toBe("xen.4.3.feature-freeze@stocktake");
  });
});

describe("/p/PROJECT.atom: the changes as a feed", () => {
  it("parses back as Atom, newest change first, with who made it", async () => {
    site = await xenSite();
    site.chat.clock.advance(60_000);
    await site.chat.setup("!status blktap3 fair", "!add Intel PML --bucket at-risk");
    const response = await site.get("/p/xen.atom");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const { feed } = parseAtom(await response.text());
    expect(feed.id).toBe("tag:stocktake,2024:xen");
    const entries = [feed.entry ?? []].flat();
    expect(entries[0]!.title["#text"]).toMatch(/^Xen 4\.3: .*Intel PML/);
    expect(entries[1]!.title["#text"]).toMatch(/^Xen 4\.3: blktap3: .*fair/);
    expect(entries[0]!.author.name).toBe("admin");
    expect(entries[0]!.content["#text"]).toContain("(!add Intel PML --bucket at-risk)");
    expect(feed.updated).toBe(entries[0]!.updated);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
  });

  it("keeps what people typed as text, not markup", async () => {
    site = await xenSite();
    await site.chat.setup('!add "<script>alert(1)</script> & co"');
    const text = await (await site.get("/p/xen.atom")).text();
    expect(text).not.toContain("<script>");
    const entries = [parseAtom(text).feed.entry ?? []].flat();
    expect(entries[0]!.title["#text"]).toContain("<script>alert(1)</script> & co");
  });
});

describe("the feeds and the page", () => {
  it("the page links both, and private projects answer 404 for them as for the page", async () => {
    site = await xenSite({ privateProjects: ["secret"] });
    await site.chat.setup("!project new secret Secret Project", "!release new 1.0", "!milestone set release 2014-01-01");
    const html = await (await site.get("/p/xen")).text();
    expect(html).toContain('<a href="xen.ics">calendar</a>');
    expect(html).toContain('<a href="xen.atom">Atom feed</a>');
    expect(html).toContain('<link rel="alternate" type="application/atom+xml" title="Xen: release changes" href="xen.atom">');
    const unknown = await site.get("/p/nothing");
    const body = await unknown.text();
    for (const path of ["/p/secret.ics", "/p/secret.atom", "/p/nothing.ics", "/p/nothing.atom"]) {
      const response = await site.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toBe(body);
    }
  });
});
