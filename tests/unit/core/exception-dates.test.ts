import { expect, it } from "vitest";
import { FakeChat, FakeClock, MAINTAINER, RM } from "../../support/fake-chat.js";

it("!exception grant … until +7d counts from today on the feature freeze's calendar (AoE), as the rest of the exception dates do", async () => {
  const chat = new FakeChat({ clock: new FakeClock(new Date("2023-07-10T09:00:00Z")) });
  await chat.setup("!project new xen Xen", "!release new 4.18", "!milestone set feature-freeze 2023-07-07 AoE", "!add blktap3 --bucket at risk");
  await chat.say("!exception request blktap3 7d: last patch in review", MAINTAINER);
  // 05:00 UTC on 21 July is still 20 July in AoE (UTC−12).
  chat.clock.set("2023-07-21T05:00:00Z");
  expect(await chat.say("!exception grant blktap3 until +7d", RM)).toBe("Exception granted: blktap3 may go in until 27 July 2023.");
});
