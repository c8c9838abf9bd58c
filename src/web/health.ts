import type { AdapterStatus, ChatAdapter, ConnectionReport, PlanStore, StoreHealth } from "../ports.js";

export interface HealthReport {
  /** Every adapter connected and the store able to record a change. */
  ok: boolean;
  store: StoreHealth;
  adapters: Record<string, AdapterStatus>;
  /** For adapters that reconnect on their own: how often the connection was lost and regained. */
  connections: Record<string, ConnectionReport>;
}

/** What /healthz answers. An adapter that failed to start is down; one without `status()` is connected once started. */
export async function checkHealth(store: Pick<PlanStore, "health">, adapters: readonly { adapter: ChatAdapter; started: boolean }[]): Promise<HealthReport> {
  const health = await store.health().catch((error: unknown) => ({ ok: false, detail: `health check failed: ${(error as Error).message}` }));
  const statuses: Record<string, AdapterStatus> = {};
  const connections: Record<string, ConnectionReport> = {};
  for (const { adapter, started } of adapters) {
    statuses[adapter.name] = started ? (adapter.status?.() ?? "connected") : "down";
    const report = adapter.connection?.();
    if (report) connections[adapter.name] = report;
  }
  return { ok: health.ok && Object.values(statuses).every((status) => status === "connected"), store: health, adapters: statuses, connections };
}
