import { COUNTERS, HISTOGRAMS, type CounterName, type HistogramName, type Labels, type Metrics } from "./metrics.js";

interface CounterSeries {
  values: readonly string[];
  value: number;
}

interface HistogramSeries {
  values: readonly string[];
  /** Per bucket, not cumulative; made cumulative when rendered. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * Counters and histograms in memory, rendered in the Prometheus text format for /metrics. Pure: no
 * timers, no I/O, so the core can update it and a test can read it back as text.
 */
export class MetricsRegistry implements Metrics {
  private readonly counters = new Map<CounterName, Map<string, CounterSeries>>();
  private readonly histograms = new Map<HistogramName, Map<string, HistogramSeries>>();

  constructor() {
    // A series without labels exists from the start: a scrape sees 0, not a missing metric.
    for (const name of Object.keys(HISTOGRAMS) as HistogramName[]) {
      if (HISTOGRAMS[name].labels.length === 0) this.histogramSeries(name, {});
    }
  }

  count(name: CounterName, labels: Labels = {}, by = 1): void {
    const values = COUNTERS[name].labels.map((label) => labels[label] ?? "");
    const key = values.join("\u0000");
    let series = this.counters.get(name);
    if (!series) this.counters.set(name, (series = new Map()));
    const found = series.get(key);
    if (found) found.value += by;
    else series.set(key, { values, value: by });
  }

  observe(name: HistogramName, value: number, labels: Labels = {}): void {
    const series = this.histogramSeries(name, labels);
    const bounds = HISTOGRAMS[name].buckets;
    const index = bounds.findIndex((bound) => value <= bound);
    series.counts[index === -1 ? bounds.length : index]!++;
    series.sum += value;
    series.count++;
  }

  private histogramSeries(name: HistogramName, labels: Labels): HistogramSeries {
    const spec = HISTOGRAMS[name];
    const values = (spec.labels as readonly string[]).map((label) => labels[label] ?? "");
    const key = values.join("\u0000");
    let all = this.histograms.get(name);
    if (!all) this.histograms.set(name, (all = new Map()));
    let series = all.get(key);
    if (!series) all.set(key, (series = { values, counts: new Array<number>(spec.buckets.length + 1).fill(0), sum: 0, count: 0 }));
    return series;
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const name of Object.keys(COUNTERS) as CounterName[]) {
      const spec = COUNTERS[name];
      out.push(`# HELP ${name} ${spec.help}`, `# TYPE ${name} counter`);
      for (const series of this.counters.get(name)?.values() ?? []) {
        out.push(`${name}${labelText(spec.labels, series.values)} ${number(series.value)}`);
      }
    }
    for (const name of Object.keys(HISTOGRAMS) as HistogramName[]) {
      const spec = HISTOGRAMS[name];
      const labels = spec.labels as readonly string[];
      out.push(`# HELP ${name} ${spec.help}`, `# TYPE ${name} histogram`);
      for (const series of this.histograms.get(name)?.values() ?? []) {
        let cumulative = 0;
        spec.buckets.forEach((bound, index) => {
          cumulative += series.counts[index]!;
          out.push(`${name}_bucket${labelText([...labels, "le"], [...series.values, number(bound)])} ${cumulative}`);
        });
        out.push(`${name}_bucket${labelText([...labels, "le"], [...series.values, "+Inf"])} ${series.count}`);
        out.push(`${name}_sum${labelText(labels, series.values)} ${number(series.sum)}`);
        out.push(`${name}_count${labelText(labels, series.values)} ${series.count}`);
      }
    }
    return `${out.join("\n")}\n`;
  }
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((name, index) => `${name}="${escapeLabel(values[index] ?? "")}"`).join(",")}}`;
}

/** The exposition format escapes backslash, double quote and newline in label values. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function number(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}
