import { describe, expect, it } from "vitest";
import { roomSettingsOf } from "../../../src/model/room-settings.js";
import { ADMIN, FakeChat, MAINTAINER, RM, STRANGER } from "../../support/fake-chat.js";

async function boundRoom(): Promise<FakeChat> {
  const chat = new FakeChat();
  await chat.setup("!project new xen Xen Project");
  return chat;
}

const settings = (chat: FakeChat) => chat.store.read().conversations[chat.conversation]?.settings;

describe("!room", () => {
  it("shows the room's project and the defaults", async () => {
    const chat = await boundRoom();
    expect(await chat.say("!room", STRANGER)).toBe("* Project: xen\n* Replies: the default (notices where the platform has them)\n* Bridged to IRC: detected automatically");
  });

  it("switches replies to text messages and back, for release managers", async () => {
    const chat = await boundRoom();
    expect(await chat.say("!room msgtype text", RM)).toBe("Replies in this room are ordinary text messages now.");
    expect(settings(chat)).toEqual({ msgtype: "text" });
    expect(await chat.say("!room msgtype TEXT", RM)).toBe("Replies in this room are already text messages.");
    expect(await chat.say("!room msgtype notice", ADMIN)).toBe("Replies in this room are notices now.");
    expect(settings(chat)).toEqual({ msgtype: "notice" });
    expect(await chat.say("!room msgtype html", RM)).toMatch(/^type: the reply type is notice or text\nUsage: !room msgtype notice\|text/);
  });

  it("marks a room bridged to IRC, unmarks it, and goes back to detection", async () => {
    const chat = await boundRoom();
    await chat.setup("!room msgtype text");
    expect(await chat.say("!room irc on", RM)).toMatch(/bridged to IRC: replies are plain lines/);
    expect(settings(chat)).toEqual({ msgtype: "text", irc: true });
    expect(await chat.say("!room irc off", RM)).toBe("This room is not treated as bridged to IRC.");
    expect(settings(chat)).toEqual({ msgtype: "text", irc: false });
    expect(await chat.say("!room", STRANGER)).toContain("Bridged to IRC: no");
    expect(await chat.say("!room irc auto", RM)).toBe("I will detect whether this room is bridged to IRC.");
    expect(settings(chat)).toEqual({ msgtype: "text" });
  });

  it("refuses maintainers and strangers, and records who changed what", async () => {
    const chat = await boundRoom();
    expect(await chat.say("!room irc on", MAINTAINER)).toMatch(/^Only release managers and admins of xen can use !room irc\./);
    expect(await chat.say("!room msgtype text", STRANGER)).toMatch(/ask an admin to add matrix:@eve:evil\.example/);
    expect(settings(chat)).toEqual({});
    await chat.say("!room irc on", RM);
    const [event] = await chat.store.history({ limit: 1 });
    expect(event).toMatchObject({ entity: "conversation", by: RM.id, command: "!room irc on", before: { settings: {} }, after: { settings: { irc: true } } });
  });

  it("gives adapters typed settings, keeping the countdown's keys beside them in the store", async () => {
    const chat = await boundRoom();
    await chat.setup("!countdown on daily 09:00", "!room msgtype text", "!room irc off");
    expect(settings(chat)).toMatchObject({ "countdown.state": "on", msgtype: "text", irc: false });
    expect(chat.bot.conversation(chat.conversation).settings).toEqual({ msgtype: "text", irc: false });
  });

  it("reads a stored value that is not a setting's (a hand-edited file) as unset", () => {
    expect(roomSettingsOf({ msgtype: "html", irc: "yes", "countdown.state": "on" })).toEqual({ msgtype: undefined, irc: undefined });
    expect(roomSettingsOf({ msgtype: "notice", irc: null })).toEqual({ msgtype: "notice", irc: undefined });
    expect(roomSettingsOf(undefined)).toEqual({});
  });
});
