import type { AdapterStatus, ChatAdapter, PlanStore, StoreHealth } from "../ports.js";

export interface HealthReport {
  /** Every adapter connected and the store able to record a change. */
  ok: boolean;
  store: StoreHealth;
  adapters: Record<string, AdapterStatus>;
}

/** What /healthz answers. An adapter that failed to start is down; one without `status()` is connected once started. */
export async function checkHealth(store: Pick<PlanStore, "health">, adapters: readonly { adapter: ChatAdapter; started: boolean }[]): Promise<HealthReport> {
  const health = await store.health().catch((error: unknown) => ({ ok: false, detail: `health check failed: ${(error as Error).message}` }));
  const statuses: Record<string, AdapterStatus> = {};
  for (const { adapter, started } of adapters) statuses[adapter.name] = started ? (adapter.status?.() ?? "connected") : "down";
  return { ok: health.ok && Object.values(statuses).every((status) => status === "connected"), store: health, adapters: statuses };
}
