/**
 * The benchmark's yardstick: the smallest useful bot on the same SDK. It joins on invite and answers
 * every text message with a notice that quotes it, as a reply. No parsing, no store, no rendering.
 *
 *   MATRIX_HOMESERVER_URL=… ECHO_ACCESS_TOKEN=… node --import tsx bench/echo-bot.ts
 */
import { AutojoinRoomsMixin, LogLevel, LogService, MatrixClient, MemoryStorageProvider } from "@vector-im/matrix-bot-sdk";

const homeserver = process.env["MATRIX_HOMESERVER_URL"];
const token = process.env["ECHO_ACCESS_TOKEN"];
if (!homeserver || !token) throw new Error("MATRIX_HOMESERVER_URL and ECHO_ACCESS_TOKEN must be set");

LogService.setLevel(LogLevel.ERROR);
const client = new MatrixClient(homeserver, token, new MemoryStorageProvider());
AutojoinRoomsMixin.setupOnClient(client);
const me = await client.getUserId();
client.on("room.message", (roomId: string, event: { sender: string; event_id: string; content?: { msgtype?: string; body?: string } }) => {
  if (event.sender === me || event.content?.msgtype !== "m.text") return;
  void client.sendMessage(roomId, { msgtype: "m.notice", body: event.content.body ?? "", "m.relates_to": { "m.in_reply_to": { event_id: event.event_id } } });
});
await client.start();
process.stdout.write("echo bot ready\n");
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
