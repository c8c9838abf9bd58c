import { describe, expect, it } from "vitest";
import { renderReply } from "../../../adapters/discord/render.js";
import { renderForMatrix } from "../../../adapters/matrix/render.js";
import { plainText } from "../../../src/reply/inline.js";
import { renderHtml } from "../../../src/reply/render-html.js";
import { renderIrc } from "../../../src/reply/render-irc.js";
import { renderPlain } from "../../../src/reply/render-plain.js";
import { cmd, code, person, t, type Reply } from "../../../src/reply/reply.js";
import { ADMIN, FakeChat } from "../../support/fake-chat.js";

/** One reply with every kind of piece, rendered by each platform's renderer. */
const reply: Reply = {
  tone: "info",
  blocks: [
    { type: "text", text: t`Start one with ${cmd("release new", "VERSION")}; ${code("none")} clears.` },
    { type: "list", items: [{ text: t`blktap3: status fair → at risk — ${person("discord:81234")}` }, { text: t`vTPM added — ${person("matrix:@alice:xen.org")}` }] },
  ],
};

describe("reply pieces, rendered by each platform", () => {
  it("plain text (console, mail): commands as typed with the configured prefix, literals in backticks, ids without platform", () => {
    expect(renderPlain(reply)).toBe("Start one with !release new VERSION; `none` clears.\n\n* blktap3: status fair → at risk — 81234\n* vTPM added — @alice:xen.org");
    expect(renderPlain(reply, { voice: { commandPrefix: "." } })).toContain("Start one with .release new VERSION;");
    expect(plainText(t`${cmd("stock")} lists them`)).toBe("!stock lists them");
  });

  it("Discord: slash forms where commands are slash commands, the prefix where they are typed, people as mentions", () => {
    const [slash] = renderReply(reply, { embeds: false, slashHints: true, prefix: "!" });
    expect(slash?.content).toContain("Start one with `/release new VERSION`; `none` clears.");
    expect(slash?.content).toContain("— <@81234>");
    expect(slash?.allowedMentions).toEqual({ parse: [] });
    const [typed] = renderReply(reply, { embeds: false, slashHints: false, prefix: "?" });
    expect(typed?.content).toContain("`?release new VERSION`");
  });

  it("Matrix HTML: commands and literals as code, Matrix users as pills (nobody pinged), others escaped", () => {
    const html = renderHtml(reply);
    expect(html).toContain("<code>!release new VERSION</code>");
    expect(html).toContain("<code>none</code>");
    expect(html).toContain('<a href="https://matrix.to/#/%40alice%3Axen.org">@alice:xen.org</a>');
    expect(html).toContain("— 81234");
    const [event] = renderForMatrix(reply, { msgtype: "notice" });
    expect(event?.body).toContain("Start one with !release new VERSION");
  });

  it("IRC: no backticks, no markup, people as nicks", () => {
    const lines = renderIrc(reply, { lineBudget: 10, prefix: "!", person: (who) => (who.ids[0] === "matrix:@alice:xen.org" ? "alice" : who.ids.join(",")) });
    expect(lines.join("\n")).not.toContain("`");
    expect(lines[0]).toBe("Start one with !release new VERSION; none clears.");
    expect(lines[2]).toBe("* vTPM added — alice");
  });
});

describe("people in !history and !show", () => {
  it("are named as each platform names people: a Discord mention, a Matrix pill, the bare id in plain text", async () => {
    const chat = new FakeChat({ config: { admins: [ADMIN.id, "discord:81234", "matrix:@alice:xen.org"] } });
    await chat.setup("!project new xen Xen", "!release new 4.3", "!add blktap3 --bucket fair");
    await chat.say("!status blktap3 at-risk", { id: "discord:81234", displayName: "bob" });
    await chat.say("!note blktap3: RFC posted", { id: "matrix:@alice:xen.org", displayName: "Alice" });
    expect(await chat.say("!history blktap3")).toMatch(/, 81234: blktap3: status fair → at risk/);
    const history = chat.last!;
    expect(renderReply(history, { embeds: false, slashHints: true, prefix: "!" })[0]?.content).toContain("<@81234>: blktap3: status fair → at risk");
    expect(renderHtml(history)).toContain('<a href="https://matrix.to/#/%40alice%3Axen.org">@alice:xen.org</a>: blktap3: note');
    await chat.say("!show blktap3");
    expect(renderHtml(chat.last!)).toContain('updated just now by <a href="https://matrix.to/#/%40alice%3Axen.org">@alice:xen.org</a>');
  });
});

describe("help on each platform", () => {
  it("lists slash commands on Discord, typed commands with the prefix elsewhere, and no backticks on IRC", async () => {
    const chat = new FakeChat();
    await chat.say("!help");
    const help = chat.last!;
    const slash = renderReply(help, { embeds: false, slashHints: true, prefix: "!" }).map((message) => message.content).join("\n");
    expect(slash).toContain("`/stock`: The release summary");
    expect(slash).toContain("`/help COMMAND` shows how to use one.");
    expect(slash).not.toMatch(/`!\w/);
    expect(await chat.say("!help")).toContain("* !stock: The release summary");
    const irc = renderIrc(help, { lineBudget: 100, prefix: "!" }).join("\n");
    expect(irc).not.toContain("`");
    expect(irc).toContain("none clears");
  });

  it("shows the configured prefix, not a hard-coded one", async () => {
    const chat = new FakeChat({ config: { prefix: "?" } });
    expect(await chat.say("?stok")).toBe("There is no command ?stok. Did you mean ?stock? (?help lists them.)");
    const answer = await chat.say("?help status");
    expect(renderPlain(chat.last!, { voice: { commandPrefix: "?" } })).toContain("Usage: ?status FEATURE");
    expect(answer).toContain("Usage: ");
  });
});
