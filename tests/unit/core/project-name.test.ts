import { describe, expect, it } from "vitest";
import { FakeChat } from "../../support/fake-chat.js";

// Issue 10, item 14: a project made without a display name is named as its id was typed, not "Openstack".
describe("!project new without a display name", () => {
  it("names the project by its id as typed, and keeps the id lower-case", async () => {
    const chat = new FakeChat();
    expect(await chat.say("!project new openstack")).toMatch(/^Created openstack \(openstack\)/);
    expect(await chat.say("!project new OpenStack", undefined, "test:other")).toMatch(/There is already a project openstack/);
    expect(await chat.say("!project new LLVM", undefined, "test:other")).toMatch(/^Created LLVM \(llvm\)/);
    const projects = chat.store.read().projects;
    expect([projects["openstack"]?.name, projects["llvm"]?.name]).toEqual(["openstack", "LLVM"]);
  });

  it("still refuses an id that is not one, with the reason", async () => {
    const chat = new FakeChat();
    expect(await chat.say("!project new Open/Stack")).toMatch(/lower-case letters, digits/);
    expect(chat.store.read().projects).toEqual({});
  });
});
