import type { APIEmbed } from "discord-api-types/v10";
import { escapeMarkdown } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeFeature } from "../../support/plan.js";
import { DISCORD_MESSAGE_LIMITS as LIMITS, escapeText, pack, renderReply, splitLine, type DiscordMessage, type RenderOptions } from "../../../adapters/discord/render.js";
import { stockReply } from "../../../src/plan/stock-summary.js";
import { BUCKETS, type Bucket } from "../../../src/model/buckets.js";
import type { Feature, Project, Release } from "../../../src/model/schema.js";
import { cmd, code, t, type Reply } from "../../../src/reply/reply.js";

const SLASH: RenderOptions = { embeds: true, slashHints: true, prefix: "!" };
const NOW = new Date("2013-01-23T12:00:00Z");

function feature(index: number, fields: Partial<Feature> = {}): Feature {
  return makeFeature(`feature-${index}`, { title: `Feature number ${index}`, bucket: BUCKETS[index % 4]!, order: index, ...fields });
}

function plan(features: Feature[], release: Partial<Release> = {}): { project: Project; release: Release } {
  const full: Release = {
    id: "4.3",
    cycleMonths: 9,
    cycleStart: "2012-09-17",
    milestones: [{ key: "feature-freeze", label: "Feature freeze", date: "2013-03-25", timeZone: "AoE" }],
    createdAt: "2013-01-01T00:00:00Z",
    createdBy: "test",
    features: Object.fromEntries(features.map((item) => [item.id, item])),
    ...release,
  };
  const project: Project = { id: "xen", name: "Xen", currentRelease: "4.3", lastStockAt: null, createdAt: "2013-01-01T00:00:00Z", createdBy: "test", releases: { "4.3": full } };
  return { project, release: full };
}

function summary(features: Feature[], full = false): Reply {
  const { project, release } = plan(features);
  const reply = stockReply(project, release, NOW);
  return full ? { ...reply, full: true } : reply;
}

/** Every limit Discord enforces on a message we send. */
function limitProblems(message: DiscordMessage): string[] {
  const problems: string[] = [];
  if (message.content !== undefined && (message.content.length === 0 || message.content.length > LIMITS.content)) problems.push(`content ${message.content.length}`);
  if (!message.content && !message.embeds?.length && !message.files?.length) problems.push("empty message");
  if ((message.embeds?.length ?? 0) > 10) problems.push("more than 10 embeds");
  let total = 0;
  for (const embed of message.embeds ?? []) {
    if ((embed.title?.length ?? 0) > LIMITS.title) problems.push(`title ${embed.title?.length}`);
    if ((embed.description?.length ?? 0) > LIMITS.description) problems.push(`description ${embed.description?.length}`);
    if ((embed.fields?.length ?? 0) > LIMITS.fields) problems.push(`${embed.fields?.length} fields`);
    if ((embed.footer?.text.length ?? 0) > LIMITS.footer) problems.push("footer");
    for (const field of embed.fields ?? []) {
      if (field.name.length === 0 || field.name.length > LIMITS.fieldName) problems.push(`field name ${field.name.length}`);
      if (field.value.length === 0 || field.value.length > LIMITS.fieldValue) problems.push(`field value ${field.value.length}`);
    }
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    total += (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  }
  if (total > LIMITS.embedTotal) problems.push(`embeds total ${total}`);
  if (message.allowedMentions.parse.length !== 0) problems.push("mentions allowed");
  return problems;
}

const allProblems = (messages: DiscordMessage[]) => messages.flatMap(limitProblems);
const embedsOf = (messages: DiscordMessage[]): APIEmbed[] => messages.flatMap((message) => message.embeds ?? []);
const allText = (messages: DiscordMessage[]) =>
  messages.map((message) => [message.content ?? "", ...embedsOf([message]).flatMap((embed) => [embed.title ?? "", embed.description ?? "", ...(embed.fields ?? []).map((field) => field.value)])].join("\n")).join("\n");

describe("the summary as an embed", () => {
  const features = [
    feature(1, { bucket: "done", title: "vTPM" }),
    feature(2, { bucket: "at-risk", title: "blktap3", owners: ["Thanos Makatos"] }),
    feature(3, { bucket: "at-risk", title: "PVH mode" }),
    feature(4, { bucket: "fair", title: "Persistent grants" }),
  ];

  it("has the release and next milestone in the title, a live countdown, one field per bucket, the health as colour", () => {
    const [message, ...more] = renderReply(summary(features), SLASH);
    expect(more).toEqual([]);
    expect(message?.content).toBeUndefined();
    const embed = message?.embeds?.[0];
    expect(embed?.title).toBe("Xen 4.3: taking stock · Feature freeze 25 March 2013");
    // The AoE day ends at 12:00 UTC the next day.
    expect(embed?.description?.split("\n")[0]).toBe(`**Feature freeze** <t:${Date.parse("2013-03-26T12:00:00Z") / 1000}:R>`);
    expect(embed?.description).toContain("4 features: 1 finished, 0 on track, 1 fair, 2 at risk.");
    expect(embed?.fields?.map((field) => field.name)).toEqual(["Finished features (1)", "Features marked as Fair (1)", "Features at risk (2)"]);
    expect(embed?.fields?.[2]?.value).toBe("• blktap3\n\u2003owner: Thanos Makatos\n• PVH mode");
    expect(embed?.color).toBe(0xc62828);
    expect(message?.allowedMentions).toEqual({ parse: [] });
  });

  it("is green when everything planned is on track and has no milestone line without a milestone", () => {
    const { project, release } = plan([feature(1, { bucket: "on-track" })], { milestones: [] });
    const embed = renderReply(stockReply(project, release, NOW), SLASH)[0]?.embeds?.[0];
    expect(embed?.color).toBe(0x1565c0);
    expect(embed?.title).toBe("Xen 4.3: taking stock");
    expect(embed?.description).not.toContain("<t:");
  });

  it("escapes markdown in titles, and an @everyone in a title is plain text that pings nobody", () => {
    // Backticks a person typed are text like any other: only the core's code pieces become code.
    const messages = renderReply(summary([feature(1, { title: "@everyone **free** _pizza_ [click](https://evil.example) `code`" })]), SLASH);
    const field = messages[0]?.embeds?.[0]?.fields?.[0];
    expect(field?.value).toBe("• @everyone \\*\\*free\\*\\* \\_pizza\\_ \\[click](https://evil.example) \\`code\\`");
    expect(messages.every((message) => message.allowedMentions.parse.length === 0)).toBe(true);
  });

  it("splits a release of 2 000 features within every limit, losing none when asked for all", () => {
    const many = Array.from({ length: 2_000 }, (_, i) => feature(i + 1, { owners: [`Owner ${i}`] }));
    const messages = renderReply(summary(many, true), SLASH);
    expect(allProblems(messages)).toEqual([]);
    expect(messages.length).toBeGreaterThan(5);
    const text = allText(messages);
    for (let i = 1; i <= 2_000; i++) expect(text.includes(`• Feature number ${i}\n`) || text.endsWith(`• Feature number ${i}`) || text.includes(`• Feature number ${i}\u2003`)).toBe(true);
    expect(text.match(/• Feature number \d+/g)).toHaveLength(2_000);
  });

  it("condenses a huge release to a few messages unless asked for all, and says how to see the rest", () => {
    const many = Array.from({ length: 2_000 }, (_, i) => feature(i + 1));
    const messages = renderReply(summary(many), SLASH);
    expect(messages).toHaveLength(3);
    expect(allProblems(messages)).toEqual([]);
    const shown = allText(messages).match(/• Feature number \d+/g)?.length ?? 0;
    const footer = messages[2]?.embeds?.[0]?.footer?.text;
    expect(footer).toBe(`${2_000 - shown} more items not shown: /stock full:True lists everything, /stock bucket:… one bucket.`);
  });

  it("continues a bucket whose items pass 1 024 characters in further fields, and splits a single huge item", () => {
    const note = "n".repeat(999);
    const owners = Array.from({ length: 20 }, (_, i) => `${"O".repeat(60)}${i}`);
    const messages = renderReply(summary([feature(1, { bucket: "at-risk", note, owners }), feature(5, { bucket: "at-risk" })]), SLASH);
    expect(allProblems(messages)).toEqual([]);
    const names = embedsOf(messages).flatMap((embed) => embed.fields ?? []).map((field) => field.name);
    expect(names[0]).toBe("Features at risk (2)");
    expect(names.slice(1).every((name) => name === "Features at risk (continued)")).toBe(true);
    expect(allText(messages)).toContain(note);
  });

  it("fills each embed of a long `!stock full` before starting the next, losing no item (issue 13, item 4)", () => {
    const many = Array.from({ length: 600 }, (_, i) => feature(i, { note: i % 5 === 0 ? `status note for ${i}` : null }));
    const messages = renderReply(summary(many, true), SLASH);
    expect(allProblems(messages)).toEqual([]);
    const embeds = embedsOf(messages);
    const size = (embed: APIEmbed) => (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    const text = allText(messages);
    expect(many.every((item) => text.includes(`Feature number ${item.order}\n`) || text.endsWith(`Feature number ${item.order}`))).toBe(true);
    // Every embed but the last was closed only when the next item (with its field's name) could not
    // fit in Discord's 6 000 characters: with all of it asked for, no footer comes and none needs room.
    embeds.slice(0, -1).forEach((embed, i) => {
      const next = embeds[i + 1]!.fields![0]!;
      const firstItem = next.value.split("\n•")[0]!;
      expect(embed.fields!.length === LIMITS.fields || size(embed) + next.name.length + firstItem.length > LIMITS.embedTotal).toBe(true);
    });
  });

  it("keeps room for the “N more not shown” footer in the last message it may send only, and counts what it did not write", () => {
    const many = Array.from({ length: 3_000 }, (_, i) => feature(i, { note: i % 5 === 0 ? `status note for ${i}` : null }));
    const messages = renderReply(summary(many), SLASH);
    expect(messages).toHaveLength(3);
    expect(allProblems(messages)).toEqual([]);
    const embeds = embedsOf(messages);
    const size = (embed: APIEmbed) => (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    // The first two fill to Discord's limit as `!stock full`'s do: their next item did not fit.
    for (const i of [0, 1]) {
      const next = embeds[i + 1]!.fields![0]!;
      expect(size(embeds[i]!) + next.name.length + next.value.split("\n•")[0]!.length).toBeGreaterThan(LIMITS.embedTotal);
    }
    const full = embedsOf(renderReply(summary(many, true), SLASH));
    expect(embeds.slice(0, 2)).toEqual(full.slice(0, 2));
    const shown = allText(messages).match(/• Feature number \d+/g)?.length ?? 0;
    expect(embeds[2]!.footer?.text).toBe(`${3_000 - shown} more items not shown: /stock full:True lists everything, /stock bucket:… one bucket.`);
  });

  it("never puts more than 25 fields in an embed, even with more sections than Discord allows", () => {
    const sections = Array.from({ length: 40 }, (_, i) => ({ bucket: "fair" as Bucket, heading: `Section ${i}`, items: [{ text: `item ${i}` }] }));
    const messages = renderReply({ tone: "info", blocks: [{ type: "heading", text: "Many" }, { type: "sections", sections }], full: true }, SLASH);
    expect(allProblems(messages)).toEqual([]);
    expect(embedsOf(messages).flatMap((embed) => embed.fields ?? [])).toHaveLength(40);
  });

  it("spreads a description over 4 096 characters across embeds", () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
    const reply: Reply = { tone: "info", blocks: [{ type: "heading", text: "T" }, { type: "text", text: long }, { type: "sections", sections: [{ bucket: "fair", heading: "Fair", items: [{ text: "a" }] }] }], full: true };
    const messages = renderReply(reply, SLASH);
    expect(allProblems(messages)).toEqual([]);
    expect(embedsOf(messages).map((embed) => embed.description ?? "").join("\n")).toBe(long);
  });

  it("links the title (or the markdown fallback) to the project's web page when there is one", () => {
    const linked = { ...summary(features), link: { text: "Web page", url: "https://stocktake.example.org/p/xen_project" } };
    expect(renderReply(linked, SLASH)[0]?.embeds?.[0]?.url).toBe("https://stocktake.example.org/p/xen_project");
    expect(renderReply(summary(features), SLASH)[0]?.embeds?.[0]?.url).toBeUndefined();
    const plain = renderReply(linked, { ...SLASH, embeds: false });
    expect(plain[plain.length - 1]?.content?.endsWith("\nWeb page: <https://stocktake.example.org/p/xen_project>")).toBe(true);
  });

  it("falls back to markdown where embeds are not allowed", () => {
    const messages = renderReply(summary(features), { ...SLASH, embeds: false });
    expect(messages[0]?.embeds).toBeUndefined();
    expect(messages[0]?.content).toContain("**Xen 4.3: taking stock**");
    expect(messages[0]?.content).toContain("**Features at risk**\n• blktap3\n\u2003owner: Thanos Makatos\n• PVH mode");
  });
});

describe("other replies as markdown", () => {
  it("shows badges, and command hints as slash commands (or as typed, for prefix commands)", () => {
    const reply: Reply = {
      tone: "ok",
      blocks: [
        { type: "list", items: [{ text: "blktap3: fair → at risk", badge: "at-risk" }] },
        { type: "text", text: t`Undo with ${cmd("undo")}; ${code("!!")} stays.` },
      ],
    };
    expect(renderReply(reply, SLASH)[0]?.content).toBe("🔴 blktap3: fair → at risk *(at risk)*\n\nUndo with `/undo`; `!!` stays.");
    expect(renderReply(reply, { ...SLASH, slashHints: false })[0]?.content).toContain("`!undo`");
  });

  it("splits long lists at 2 000 characters without breaking lines", () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ text: `change number ${i} to something` }));
    const messages = renderReply({ tone: "info", blocks: [{ type: "list", items }], full: true }, SLASH);
    expect(allProblems(messages)).toEqual([]);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap((message) => message.content!.split("\n"))).toEqual(items.map((item) => `• ${item.text}`));
  });

  it("carries a bucket on into the next message under its heading, continued", () => {
    const many = Array.from({ length: 200 }, (_, i) => feature(i + 1, { bucket: "at-risk" }));
    const messages = renderReply(summary(many, true), { ...SLASH, embeds: false });
    expect(allProblems(messages)).toEqual([]);
    expect(messages.length).toBeGreaterThan(2);
    expect(messages.slice(1).every((message) => message.content!.startsWith("**Features at risk (continued)**\n"))).toBe(true);
    expect(allText(messages).match(/• Feature number \d+/g)).toHaveLength(200);
  });

  it("cuts a long reply to a few messages with a note unless it is full", () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ text: `change number ${i} to something` }));
    const messages = renderReply({ tone: "info", blocks: [{ type: "list", items }] }, SLASH);
    expect(messages).toHaveLength(3);
    expect(allProblems(messages)).toEqual([]);
    expect(messages[2]?.content).toMatch(/… \d+ more lines not shown\.$/);
  });

  it("keeps code blocks closed when they are split, and attaches a long export as a file", () => {
    const text = Array.from({ length: 300 }, (_, i) => `* item ${i} \`\`\` tricky`).join("\n");
    const short = renderReply({ tone: "info", blocks: [{ type: "pre", text: text.slice(0, 3_500) }], full: true }, SLASH);
    expect(allProblems(short)).toEqual([]);
    for (const message of short) expect(message.content).toMatch(/^```\n[\s\S]*\n```$/);
    expect(short.map((message) => message.content).join("")).not.toMatch(/[^`\n]```[^\n]/);

    const [long, ...rest] = renderReply({ tone: "info", blocks: [{ type: "pre", text }], full: true }, SLASH);
    expect(rest).toEqual([]);
    expect(long?.content).toBe("The full text is attached as stocktake.txt (300 lines).");
    expect(long?.files?.[0]?.name).toBe("stocktake.txt");
    expect(long?.files?.[0]?.data.toString("utf8")).toBe(`${text}\n`);
  });

  it("never sends an empty message", () => {
    expect(renderReply({ tone: "info", blocks: [] }, SLASH)).toEqual([{ content: "(nothing to show)", allowedMentions: { parse: [] } }]);
  });
});

describe("escaping and splitting helpers", () => {
  it.each([
    ["*bold* _it_ ~~s~~ ||spoiler|| `code`", "\\*bold\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`"],
    ["# heading", "\\# heading"],
    ["- item", "\\- item"],
    ["1. item", "1\\. item"],
    ["> quote", "\\> quote"],
    ["-# subtext", "\\-# subtext"],
    ["[a](https://x.example)", "\\[a](https://x.example)"],
    ["<@123> <@&5> <#7> <t:0:R> </stock:9>", "\\<@123> \\<@&5> \\<#7> \\<t:0:R> \\</stock:9>"],
  ])("escapes %s", (text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
  });

  it("escapes exactly as the full rules do, also where it takes its shortcut for plain text", () => {
    const full = (text: string) =>
      escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true })
        .replace(/</g, "\\<")
        .replace(/^(\s*)>/gm, "$1\\>")
        .replace(/^(\s*)-#/gm, "$1\\-#");
    const markdownish = fc.string({ unit: fc.constantFrom(..."ab -#*_~`|>[]()\\.12\n\t<@:😀"), maxLength: 16 });
    fc.assert(fc.property(markdownish, (text) => escapeText(text) === full(text)), { numRuns: 5_000 });
  });

  it("splits a long line at a space, never inside an escape or a surrogate pair", () => {
    expect(splitLine("aaaa bbbb cccc", 9)).toEqual(["aaaa bbbb", "cccc"]);
    expect(splitLine("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    for (const piece of splitLine("\\*".repeat(20), 7)) expect(piece.length % 2).toBe(0);
    for (const piece of splitLine("😀".repeat(20), 7)) expect(piece).toMatch(/^(😀)+$/u);
  });

  it("packs groups together where they fit", () => {
    expect(pack([["a", "b"], ["c", "d"], ["e"]], 4).map((chunk) => chunk.text)).toEqual(["a\nb", "c\nd", "e"]);
  });
});
