/**
 * Every metric Stocktake exports, declared once: the name, its help text and its labels. The names
 * are types, so a typo in `metrics.count("…")` fails to compile instead of exporting a stray series.
 */
export const COUNTERS = {
  stocktake_commands_total: {
    help: "Commands answered, by command and outcome (ok, refused, usage, forbidden, error).",
    labels: ["command", "outcome"],
  },
  stocktake_posts_total: {
    help: "Messages an adapter posted to its platform, replies and announcements alike.",
    labels: ["adapter"],
  },
  stocktake_adapter_reconnects_total: {
    help: "Times an adapter reconnected to its platform after losing the connection.",
    labels: ["adapter"],
  },
  stocktake_adapter_disconnects_total: {
    help: "Times an adapter lost its connection to its platform.",
    labels: ["adapter"],
  },
  stocktake_adapter_crashes_total: {
    help: "Uncaught exceptions and unhandled rejections inside an adapter; each restarts that adapter.",
    labels: ["adapter"],
  },
  stocktake_adapter_restarts_total: {
    help: "Times an adapter was restarted after a crash.",
    labels: ["adapter"],
  },
  stocktake_http_requests_total: {
    help: "Requests to the web page, by route and status code.",
    labels: ["route", "status"],
  },
} as const;

/** Latency buckets in seconds: a command takes well under a millisecond to a few seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

export const HISTOGRAMS = {
  stocktake_command_duration_seconds: {
    help: "Time from a command arriving to its reply being ready, in seconds.",
    labels: [],
    buckets: LATENCY_BUCKETS,
  },
} as const;

export type CounterName = keyof typeof COUNTERS;
export type HistogramName = keyof typeof HISTOGRAMS;
export type Labels = Readonly<Record<string, string>>;

/**
 * Counters and histograms for /metrics. The core counts commands and their latency; adapters count
 * what only they see (`stocktake_posts_total`, `stocktake_adapter_reconnects_total`).
 */
export interface Metrics {
  count(name: CounterName, labels?: Labels, by?: number): void;
  observe(name: HistogramName, value: number, labels?: Labels): void;
}

/** For a bot nobody scrapes: tests, the console, the CLI. */
export const noMetrics: Metrics = {
  count: () => undefined,
  observe: () => undefined,
};
