import { describe, expect, it } from "vitest";
import type { Invoker } from "../../../src/ports.js";
import { ADMIN, FakeChat, MAINTAINER, RM, STRANGER } from "../../support/fake-chat.js";

/** A release manager of a, and (by her room's power levels) admin of any room she made herself. */
const ROOM_ADMIN_RM: Invoker = { ...RM, roomGrants: ["admin"] };
const B_MANAGER: Invoker = { id: "matrix:@bea:b.org", displayName: "Bea" };
const OWN_ROOM = "matrix:!hers:xen.org";

async function twoProjects() {
  const chat = new FakeChat({
    config: {
      defaultProject: "a",
      projects: {
        a: { releaseManagers: [RM.id], maintainers: [MAINTAINER.id], rooms: [], private: false },
        b: { releaseManagers: [B_MANAGER.id], maintainers: [], rooms: [], private: true },
        c: { releaseManagers: [B_MANAGER.id], maintainers: [], rooms: [], private: false },
      },
    },
  });
  for (const id of ["a", "b", "c"]) await chat.say(`!project new ${id}`, ADMIN, `test:setup-${id}`);
  await chat.say("!release new 1.0", ADMIN, "test:setup-b");
  await chat.say("!add secret plan", ADMIN, "test:setup-b");
  return chat;
}

describe("binding a room to a project", () => {
  it("needs a role in the target project from the config: room power levels do not make a release manager of a one of private b", async () => {
    const chat = await twoProjects();
    const answer = await chat.say("!project use b", ROOM_ADMIN_RM, OWN_ROOM);
    expect(chat.last?.tone).toBe("error");
    // Private and not hers: as if it did not exist.
    expect(answer).toMatch(/There is no project b/);
    expect(answer).toMatch(/Projects: a, c\./);
    expect(chat.store.read().conversations[OWN_ROOM]?.project ?? null).toBeNull();
    // And so the room's grants never reach b's plan.
    expect(await chat.say("!status secret done", ROOM_ADMIN_RM, OWN_ROOM)).not.toMatch(/finished/);
    expect(chat.store.read().projects["b"]?.releases["1.0"]?.features["secret-plan"]?.bucket).not.toBe("done");
  });

  it("refuses a public project she has no role in, saying which config key gives it", async () => {
    const chat = await twoProjects();
    const answer = await chat.say("!project use c", ROOM_ADMIN_RM, OWN_ROOM);
    expect(chat.last?.tone).toBe("error");
    expect(answer).toContain("projects.c.releaseManagers");
    expect(chat.store.read().conversations[OWN_ROOM]?.project ?? null).toBeNull();
  });

  it("is allowed to the target's release managers by config, and to admins", async () => {
    const chat = await twoProjects();
    // Bea manages b by config; a room that is a's by default needs a's managers too, so an admin starts it.
    await chat.say("!project use c", ADMIN, OWN_ROOM);
    expect(await chat.say("!project use b", B_MANAGER, OWN_ROOM)).toMatch(/now uses b/);
    expect(chat.store.read().conversations[OWN_ROOM]?.project).toBe("b");
    // A room admin who is nobody in the config cannot move the room on.
    expect(await chat.say("!project use a", { ...STRANGER, roomGrants: ["admin"] }, OWN_ROOM)).not.toMatch(/now uses/);
    expect(chat.store.read().conversations[OWN_ROOM]?.project).toBe("b");
  });
});

describe("!project list", () => {
  it("shows a private project only to people with a role in it", async () => {
    const chat = await twoProjects();
    const forRm = (await chat.say("!project list", ROOM_ADMIN_RM, OWN_ROOM)) ?? "";
    expect(forRm).toMatch(/\(a\)/);
    expect(forRm).not.toMatch(/\(b\)/);
    expect(await chat.say("!project list", STRANGER, OWN_ROOM)).not.toMatch(/\(b\)/);
    expect(await chat.say("!project list", B_MANAGER, OWN_ROOM)).toMatch(/\(b\)/);
    expect(await chat.say("!project list", ADMIN, OWN_ROOM)).toMatch(/\(b\)/);
  });
});

describe("a room bound to no project", () => {
  it("names only the public projects when it asks to pick one", async () => {
    const chat = new FakeChat({
      config: { projects: { a: { releaseManagers: [], maintainers: [], rooms: [], private: false }, b: { releaseManagers: [], maintainers: [], rooms: [], private: true } } },
    });
    for (const id of ["a", "b"]) await chat.say(`!project new ${id}`, ADMIN, `test:setup-${id}`);
    const answer = await chat.say("!stock", STRANGER, OWN_ROOM);
    expect(answer).toMatch(/projects: a\)/);
    expect(answer).not.toMatch(/\bb\b/);
  });
});
