import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP relay between the bot and a real IRC server, so a test can split them the way a
 * netsplit or a dead link does: both ends lose the connection at once (the server quits the bot
 * out of its channels; the bot sees its socket close), and new connections can be refused for a
 * while. Records when each connection was accepted, to see the bot's backoff from outside.
 */
export class TcpProxy {
  /** performance.now() of every connection accepted, refused ones included. */
  readonly accepted: number[] = [];
  private readonly open = new Set<Socket>();
  private refusing = 0;

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(upstream: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the proxy has no port");
    const proxy = new TcpProxy(server, address.port);
    server.on("connection", (client) => proxy.relay(client, upstream));
    return proxy;
  }

  private relay(client: Socket, upstream: { host: string; port: number }): void {
    this.accepted.push(performance.now());
    if (this.refusing > 0) {
      this.refusing--;
      client.destroy();
      return;
    }
    const server = connect(upstream.port, upstream.host);
    for (const socket of [client, server]) {
      this.open.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.open.delete(socket);
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server);
    server.pipe(client);
  }

  /** Cuts every relayed connection now, and refuses the next `refuse` connection attempts. */
  split(refuse = 0): void {
    this.refusing = refuse;
    for (const socket of this.open) socket.destroy();
  }

  async stop(): Promise<void> {
    this.split();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
