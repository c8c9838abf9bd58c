import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Tells which adapter an uncaught exception or an unhandled rejection came from. Everything an
 * adapter starts (its sockets, timers, the SDK's event handlers and promises) runs inside the
 * adapter's async context, so a TypeError deep in a platform SDK is still known to be that
 * adapter's: it can be logged, counted and that adapter restarted, while the store, the scheduler
 * and the other adapters carry on.
 */
export class AdapterCrashes {
  private readonly context = new AsyncLocalStorage<string>();
  private installed: (() => void) | undefined;

  /** Runs `work` (an adapter's start) so that whatever it leaves running is known as `adapter`'s. */
  within<T>(adapter: string, work: () => T): T {
    return this.context.run(adapter, work);
  }

  /** The adapter whose work is running now (started through `within`), if any. */
  current(): string | undefined {
    return this.context.getStore();
  }

  /**
   * Listens for uncaught failures. `crashed` gets those from inside an adapter. One from nowhere
   * known is a bug in the core: it stays fatal (logged by `fatal`, then the process exits) unless
   * someone else also listens (a test runner), who then decides.
   */
  install(crashed: (adapter: string, error: unknown) => void, fatal: (error: unknown) => void): void {
    if (this.installed) return;
    const handler = (error: unknown) => {
      const adapter = this.current();
      if (adapter !== undefined) return crashed(adapter, error);
      if (process.listenerCount("uncaughtException") > 1 || process.listenerCount("unhandledRejection") > 1) return;
      fatal(error);
      process.exit(1);
    };
    process.on("uncaughtException", handler);
    process.on("unhandledRejection", handler);
    this.installed = () => {
      process.off("uncaughtException", handler);
      process.off("unhandledRejection", handler);
    };
  }

  uninstall(): void {
    this.installed?.();
    this.installed = undefined;
    // An enabled AsyncLocalStorage makes every promise made anywhere in the process pay for
    // carrying its context, and one per stopped app would add up (tests, benchmarks and anything
    // else starting apps one after another in a process): a stopped app's is turned off.
    this.context.disable();
  }
}
