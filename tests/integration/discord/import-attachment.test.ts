import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscordServer, type DiscordServer, type RecordedRequest } from "../../discord-server/server.ts";
import { CONSOLE_ADMIN, startStocktakeOnDiscord, type Harness } from "../../support/discord-harness.js";

const JUNE = readFileSync(new URL("../../fixtures/reimport/4.5-june.txt", import.meta.url));
const content = (request: RecordedRequest) => (request.body as { content?: string }).content ?? "";

/** `!import` typed with a status mail attached: the adapter fetches the file and the core reads it as pasted. */
describe("!import with an attached mail on Discord (prefix commands)", () => {
  let server: DiscordServer;
  let harness: Harness;
  let files: Server;
  let filesUrl: string;
  let bob: string;

  beforeAll(async () => {
    // Stands in for Discord's CDN: the attachment's url is fetched from here.
    files = createServer((request, response) => {
      if (request.url === "/attachments/june.txt") response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(JUNE);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    server = await startDiscordServer();
    bob = server.world.userId("bob");
    harness = await startStocktakeOnDiscord({ server, discord: { prefixCommands: true }, config: { admins: [CONSOLE_ADMIN.id, `discord:${bob}`] } });
  });
  afterAll(async () => {
    await harness?.stop();
    await server?.close();
    await new Promise((resolve) => files?.close(resolve));
  });

  const attachment = (name: string, url: string, size = JUNE.length) => ({ id: "1", filename: name, size, url, proxy_url: url, content_type: "text/plain; charset=utf-8" });

  it("shows the dry run of the attached mail, then imports it on !yes", async () => {
    let posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!import", authorId: bob, attachments: [attachment("june.txt", `${filesUrl}/attachments/june.txt`)] });
    expect(content(await posted)).toContain("Would import 7 features (in 1 area grouping) into xen 4.5 (nothing is written yet).");
    expect(harness.store.read().projects["xen"]!.releases["4.5"]).toBeUndefined();
    posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!yes", authorId: bob });
    expect(content(await posted)).toContain("Imported 7 features (in 1 area grouping) into xen 4.5.");
    expect(harness.store.read().projects["xen"]!.releases["4.5"]!.features["pvh-dom0"]?.bucket).toBe("on-track");
  });

  it("a file that cannot be fetched leaves the command without a mail, which says what to do", async () => {
    const posted = server.waitForRequest("POST", "/channels/:channel_id/messages");
    server.sendMessage({ content: "!import", authorId: bob, attachments: [attachment("gone.txt", `${filesUrl}/attachments/gone.txt`)] });
    expect(content(await posted)).toContain("Paste the mail on the lines after `!import`");
  });
});
