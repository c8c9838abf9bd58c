import { afterEach, describe, expect, it } from "vitest";
import { renderReply } from "../../../adapters/discord/render.js";
import { renderForMatrix } from "../../../adapters/matrix/render.js";
import { exportMarkdown, exportText } from "../../../src/mail/export.js";
import { renderIrc } from "../../../src/reply/render-irc.js";
import type { Reply } from "../../../src/reply/reply.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { changesReply } from "../../../src/announce/announcer.js";
import { utf8Bytes } from "../../../src/util/utf8.js";
import { FakeChat, RM } from "../../support/fake-chat.js";
import { xenSite, type WebSite } from "../../support/web.js";

const GEORGE = { name: "George Dunlap", matrix: "@george:xen.org", discord: "81234567", irc: "oftc/george" };
const PILL = '<a href="https://matrix.to/#/%40george%3Axen.org">George Dunlap</a>';
/** What people typed as owners that names nobody of the config: it must stay text on every platform. */
const TYPED = "<b>Bold</b>, <@123>, @everyone";

/** blktap3 owned by George (named by his Matrix id), vTPM updates by plain strings and by George (by name). */
async function xen(): Promise<FakeChat> {
  const chat = new FakeChat({ config: { people: { george: GEORGE } } });
  await chat.setup(
    "!project new xen Xen",
    "!release new 4.18",
    "!add blktap3 --owner @george:xen.org --bucket at risk",
    "!add vTPM updates --owner Thanos --bucket fair",
    `!owner vtpm-updates ${TYPED}, George Dunlap`,
  );
  return chat;
}

async function stock(chat: FakeChat): Promise<Reply> {
  await chat.say("!stock");
  return chat.last!;
}

describe("owners who are people, in !stock on each platform", () => {
  it("console and mail: the person's name from the config, never a chat id; other owners as typed", async () => {
    const chat = await xen();
    expect(await chat.say("!stock")).toBe(
      [
        "Xen 4.18: taking stock",
        "",
        "2 features: 0 finished, 0 on track, 1 fair, 1 at risk.",
        "",
        "== Features marked as Fair ==",
        "",
        "* vTPM updates",
        `  owner: ${TYPED}, George Dunlap`,
        "",
        "== Features at risk ==",
        "",
        "* blktap3",
        "  owner: George Dunlap",
      ].join("\n"),
    );
    // What was typed is what is stored: the reply names George, the plan keeps his id.
    expect(chat.store.read().projects["xen"]!.releases["4.18"]!.features["blktap3"]!.owners).toEqual(["@george:xen.org"]);
  });

  it("shows a person listed under two of their names once, and keeps both names as typed", async () => {
    const chat = await xen();
    expect(await chat.say("!owner blktap3 george, Thanos, @george:xen.org", RM)).toBe("* blktap3: owner George Dunlap, Thanos. [at risk]");
    expect(await chat.say("!stock")).toContain("* blktap3\n  owner: George Dunlap, Thanos");
    expect(chat.store.read().projects["xen"]!.releases["4.18"]!.features["blktap3"]!.owners).toEqual(["george", "Thanos", "@george:xen.org"]);
    // Owners that name nobody of the config are text as typed, repeats and all.
    expect(await chat.say("!owner blktap3 Thanos, Thanos", RM)).toBe("* blktap3: owner Thanos, Thanos. [at risk]");
  });

  it("Matrix: a pill named as the config names him in the HTML, his name in the body; typed owners escaped", async () => {
    const [event, ...more] = renderForMatrix(await stock(await xen()), { msgtype: "notice" });
    expect(more).toEqual([]);
    expect(event!.formatted_body).toContain(`<li>vTPM updates<br><i>owner: &lt;b&gt;Bold&lt;/b&gt;, &lt;@123&gt;, @everyone, ${PILL}</i></li>`);
    expect(event!.formatted_body).toContain(`<li>blktap3<br><i>owner: ${PILL}</i></li>`);
    expect(event!.body).toContain("* blktap3\n  owner: George Dunlap");
    expect(event!.body).not.toContain("@george:xen.org");
  });

  it("Matrix bridged to IRC: plain lines, the person by the name the adapter gives (no pill, no HTML)", async () => {
    const seen: string[][] = [];
    const contents = renderForMatrix(await stock(await xen()), {
      msgtype: "notice",
      irc: { lineBudget: 40, linesPerMessage: 40, prefix: "!", person: (who) => (seen.push([...who.ids]), who.name ?? "?") },
    });
    expect(contents.map((content) => content.format)).toEqual([undefined]);
    expect(contents[0]!.body.split("\n")).toContain("  owner: George Dunlap");
    expect(contents[0]!.body).not.toContain("<a ");
    // The adapter is given every id the person has, to find its own platform's.
    expect(seen[0]).toEqual(["matrix:@george:xen.org", "discord:81234567", "irc:oftc/george"]);
  });

  it("Discord: a <@id> mention, nobody pinged; a typed <@123> or @everyone is escaped text", async () => {
    const reply = await stock(await xen());
    const [message, ...more] = renderReply(reply, { embeds: true, slashHints: true, prefix: "!" });
    expect(more).toEqual([]);
    expect(message!.allowedMentions).toEqual({ parse: [] });
    expect(message!.embeds![0]!.fields).toEqual([
      { name: "Features marked as Fair (1)", value: "• vTPM updates\n\u2003owner: \\<b>Bold\\</b>, \\<@123>, @everyone, <@81234567>", inline: false },
      { name: "Features at risk (1)", value: "• blktap3\n\u2003owner: <@81234567>", inline: false },
    ]);
    const [markdown] = renderReply(reply, { embeds: false, slashHints: true, prefix: "!" });
    expect(markdown!.content).toContain("• blktap3\n\u2003owner: <@81234567>");
    expect(markdown!.allowedMentions).toEqual({ parse: [] });
    // The only mention in the whole message is George's.
    expect([...JSON.stringify(message).matchAll(/(?<!\\\\)<@!?&?(\d+)>/g)].map((match) => match[1])).toEqual(["81234567", "81234567"]);
  });

  it("IRC: the name, plain, and every line within the byte budget even for a long non-ASCII name", async () => {
    const chat = new FakeChat({ config: { people: { george: { ...GEORGE, name: "Jürgen Groß-Überlänge von Ünterwaldenschlößchen" } } } });
    await chat.setup("!project new xen Xen", "!release new 4.18", "!add blktap3 --owner george --bucket at risk");
    await chat.setup(...Array.from({ length: 6 }, (_, i) => `!add Item ${i} with a title --owner george`));
    await chat.say("!stock full");
    const lines = renderIrc(chat.last!, { lineBudget: 5, prefix: "!", maxLineLength: 40 });
    expect(lines).toContain("  owner: Jürgen Groß-Überlänge von");
    expect(lines.every((line) => utf8Bytes(line) <= 40)).toBe(true);
    expect(lines.join("\n")).not.toContain("81234567");
  });
});

describe("owners who are people, in !show, !owner, !stale, !nag and the exports", () => {
  it("!show: the owner, and who changed it when they are a person of the config, by name in plain text, as a pill on Matrix, a mention on Discord", async () => {
    const chat = await xen();
    await chat.say("!note blktap3: v3 posted", RM);
    expect(await chat.say("!show blktap3")).toBe(
      ["* blktap3 — Xen 4.18 [at risk]", "", "id: blktap3", "status: at risk", "owner: George Dunlap", "note: v3 posted", "updated just now by George Dunlap; added just now by admin"].join("\n"),
    );
    const show = chat.last!;
    expect(renderForMatrix(show, { msgtype: "notice" })[0]!.formatted_body).toContain(`<p>id: blktap3<br>status: at risk<br>owner: ${PILL}<br>note: v3 posted<br>`);
    expect(renderReply(show, { embeds: true, slashHints: true, prefix: "!" })[0]!.content).toContain("owner: <@81234567>\nnote: v3 posted");
  });

  it("!owner says who, the person's way; a plain owner stays plain", async () => {
    const chat = await xen();
    expect(await chat.say("!owner blktap3 george, Thanos", RM)).toBe("* blktap3: owner George Dunlap, Thanos. [at risk]");
    expect(renderForMatrix(chat.last!, { msgtype: "notice" })[0]!.formatted_body).toContain(`blktap3: owner ${PILL}, Thanos.`);
    expect(chat.store.read().projects["xen"]!.releases["4.18"]!.features["blktap3"]!.owners).toEqual(["george", "Thanos"]);
  });

  it("!stale and !nag name owners the same way", async () => {
    const chat = await xen();
    chat.clock.advance(15 * 86_400_000);
    await chat.say("!stale");
    expect(renderReply(chat.last!, { embeds: false, slashHints: false, prefix: "!" })[0]!.content).toContain("🔴 blktap3 *(at risk)*\n\u2003owner: <@81234567>\n");
    await chat.setup("!nag on");
    expect(await chat.say("!nag")).toBe("Reminders are on here: at most one per owner every 14 days; 4 owners have stale items: George Dunlap, <b>Bold</b>, <@123>, @everyone.");
    expect(renderForMatrix(chat.last!, { msgtype: "notice" })[0]!.formatted_body).toContain(`stale items: ${PILL}, &lt;b&gt;Bold&lt;/b&gt;, &lt;@123&gt;, @everyone.`);
  });

  it("the mail and markdown exports name the person, never an id", async () => {
    const chat = await xen();
    const project = chat.store.read().projects["xen"]!;
    const release = project.releases["4.18"]!;
    const people = chat.bot.config.people;
    expect(exportText(project, release, chat.clock.now(), people)).toContain("* blktap3\n  owner: George Dunlap\n");
    expect(exportMarkdown(project, release, chat.clock.now(), people)).toContain("- blktap3 — owner: George Dunlap\n");
    expect(exportMarkdown(project, release, chat.clock.now(), people)).toContain("- vTPM updates — owner: \\<b\\>Bold\\</b\\>, \\<@123\\>, @everyone, George Dunlap\n");
    await chat.say("!export");
    expect(chat.last!.blocks).toContainEqual({ type: "pre", text: expect.stringMatching(/\n\* blktap3\n {2}owner: George Dunlap$/) });
  });
});

describe("owners who are people, in what a change says", () => {
  it("!history, !stock --since and the announcement name him, not the id that was typed", async () => {
    const chat = await xen();
    await chat.say("!stock", RM);
    chat.clock.advance(60_000);
    await chat.say("!owner blktap3 george, Thanos", RM);
    const history = await chat.say("!history blktap3");
    expect(history).toContain("blktap3: owner George Dunlap → George Dunlap, Thanos");
    expect(history).toContain("added blktap3 (at risk)");
    expect(history).not.toMatch(/owner[^\n]*@george:xen\.org/);
    const since = await chat.say("!stock --since last --all");
    expect(since).toContain("blktap3: owner George Dunlap → George Dunlap, Thanos");
    const events = (await chat.store.history({ limit: 1 })).slice(0, 1);
    const posted = renderPlain(changesReply("xen", events, chat.store.read(), { george: GEORGE }));
    expect(posted).toContain("blktap3: owner George Dunlap → George Dunlap, Thanos — ");
    // Without people in the config, owners are as typed.
    expect(renderPlain(changesReply("xen", events, chat.store.read()))).toContain("blktap3: owner @george:xen.org → george, Thanos — ");
  });
});

describe("owners who are people, on the web page", () => {
  let site: WebSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  it("by name, as text, in the page and its text export", async () => {
    site = await xenSite({ people: { george: GEORGE } });
    await site.chat.setup("!owner blktap3 @george:xen.org, <b>Thanos</b>");
    const html = await (await site.get("/p/xen")).text();
    expect(html).toContain('<li>blktap3<span class="details">owner: George Dunlap, &lt;b&gt;Thanos&lt;/b&gt;</span>');
    // The buckets and the recent changes name him; the plan keeps what was typed.
    expect(html).toContain("<li>blktap3: owner — → George Dunlap, &lt;b&gt;Thanos&lt;/b&gt; <span");
    expect(html).not.toContain("@george:xen.org");
    expect(await (await site.get("/p/xen.txt")).text()).toContain("* blktap3\n  owner: George Dunlap, <b>Thanos</b>\n");
    const atom = await (await site.get("/p/xen.atom")).text();
    // The entry's text names him; the command it quotes is what was typed.
    expect(atom).toContain('<title type="text">Xen 4.3: blktap3: owner — → George Dunlap, &lt;b&gt;Thanos&lt;/b&gt;</title>');
    expect(atom).toContain("<content type=\"text\">blktap3: owner — → George Dunlap, &lt;b&gt;Thanos&lt;/b&gt; (!owner blktap3 @george:xen.org, &lt;b&gt;Thanos&lt;/b&gt;)</content>");
  });
});

describe("owners who are people, through an export and its re-import", () => {
  it("the export names George, and importing it back changes no owner: the name and the id are the same person", async () => {
    const chat = await xen();
    await chat.say("!export", RM);
    const exported = chat.last!.blocks.find((block) => block.type === "pre")!;
    expect(exported.type === "pre" && exported.text).toContain("  owner: George Dunlap");
    const before = chat.store.read().projects["xen"]!.releases["4.18"]!.features;
    const dry = await chat.say(`!import\n${exported.type === "pre" ? exported.text : ""}`, RM);
    expect(dry).not.toContain("Would update");
    expect(dry).toContain("Already on the list, left as they are: vTPM updates; blktap3.");
    await chat.say(`!import --yes\n${exported.type === "pre" ? exported.text : ""}`, RM);
    const after = chat.store.read().projects["xen"]!.releases["4.18"]!.features;
    expect(after["blktap3"]!.owners).toEqual(["@george:xen.org"]);
    expect(after["vtpm-updates"]!.owners).toEqual(before["vtpm-updates"]!.owners);
    // Another owner in a later mail is still a change.
    const later = "[Xen] 4.18 Planning: Taking stock\n\n== Features at risk ==\n\n* blktap3\n  owner: Thanos\n";
    expect(await chat.say(`!import\n${later}`, RM)).toContain("Would update 1 feature:\n  blktap3: owners (line 5)");
  });
});

describe("a Discord mention typed as the owner", () => {
  it("is the person of the config with that Discord id: named as them everywhere, and !mine finds it", async () => {
    const chat = await xen();
    expect(await chat.say("!owner blktap3 <@81234567>", RM)).toBe("* blktap3: owner George Dunlap. [at risk]");
    await chat.say("!owner vtpm-updates <@!81234567>", RM);
    await chat.say("!stock");
    const stock = chat.last!;
    expect(renderForMatrix(stock, { msgtype: "notice" })[0]!.formatted_body).toContain(`<li>blktap3<br><i>owner: ${PILL}</i></li>`);
    expect(renderReply(stock, { embeds: false, slashHints: true, prefix: "!" })[0]!.content).toContain("• vTPM updates\n\u2003owner: <@81234567>");
    expect(await chat.say("!mine", { id: "discord:81234567", displayName: "gdunlap" })).toContain("what George Dunlap owns (2)");
  });

  it("of someone not in the config stays the text typed (escaped on Discord), and !mine still finds it for them", async () => {
    const chat = await xen();
    await chat.say("!owner blktap3 <@4242424242>", RM);
    await chat.say("!show blktap3");
    expect(renderReply(chat.last!, { embeds: false, slashHints: true, prefix: "!" })[0]!.content).toContain("owner: \\<@4242424242>\n");
    expect(await chat.say("!mine", { id: "discord:4242424242", displayName: "someone" })).toBe("Xen 4.18: what someone owns (1)\n\n* blktap3 [at risk]");
  });
});
