import { BUCKETS, BUCKET_INFO, type Bucket } from "../../src/model/buckets.js";
import type { Milestone } from "../../src/model/schema.js";
import type { SeriesPoint } from "../../src/web/views.js";
import { escapeHtml, BUCKET_COLOURS } from "../../src/reply/render-html.js";
import { daysBetween, formatLongDate, ymd } from "../../src/util/dates.js";

/**
 * The chart of features per bucket over time: an SVG drawn on the server, one stepped line per
 * bucket, vertical lines for milestones and today, and the data again as a table beside it. Colour
 * is never the only clue: each line has its own dash pattern and a text label at its end.
 */

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 16, right: 128, bottom: 36, left: 44 };
const PLOT = { width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };

const BUCKET_DASHES: Record<Bucket, string | undefined> = {
  done: undefined,
  "on-track": "9 4",
  fair: "3 3",
  "at-risk": "12 3 3 3",
  deferred: "6 6",
  dropped: "2 6",
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

export interface ChartInput {
  title: string;
  points: readonly SeriesPoint[];
  milestones: readonly Milestone[];
  /** Today's date (UTC): the lines run up to it. */
  today: string;
}

/** Buckets worth a line: any that ever held a feature. */
export function chartBuckets(points: readonly SeriesPoint[]): Bucket[] {
  return BUCKETS.filter((bucket) => points.some((point) => point.counts[bucket] > 0));
}

export function renderChart(input: ChartInput): string {
  const { points, today } = input;
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return "";
  const buckets = chartBuckets(points);
  // The time axis runs to the next milestone: far-off ones would squeeze the history into a corner
  // (the schedule above lists them all).
  const next = input.milestones.map((milestone) => milestone.date).filter((date) => date >= today).sort()[0];
  const end = [today, last.date, next ?? today].reduce((a, b) => (a > b ? a : b));
  const milestones = input.milestones.filter((milestone) => milestone.date >= first.date && milestone.date <= end);
  const span = Math.max(1, daysBetween(first.date, end));
  const x = (date: string) => MARGIN.left + (daysBetween(first.date, date) / span) * PLOT.width;
  const top = Math.max(1, ...points.flatMap((point) => buckets.map((bucket) => point.counts[bucket])));
  const ticks = yTicks(top);
  const yMax = ticks.at(-1)!;
  const y = (value: number) => MARGIN.top + PLOT.height - (value / yMax) * PLOT.height;
  const lineEnd = today > last.date ? today : last.date;

  const out: string[] = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="chart-title">${escapeHtml(input.title)}</title>`,
    `<desc id="chart-desc">${escapeHtml(describeChart(points, buckets, milestones))}</desc>`,
  ];
  // Grid and y axis.
  for (const tick of ticks) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT.width}" y1="${r(y(tick))}" y2="${r(y(tick))}" stroke="${tick === 0 ? "#555" : "#ddd"}" stroke-width="1"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${r(y(tick) + 4)}" text-anchor="end" font-size="12" fill="#333">${tick}</text>`);
  }
  // x axis labels.
  for (const tick of xTicks(first.date, end)) {
    const at = r(x(tick.date));
    out.push(`<line x1="${at}" x2="${at}" y1="${MARGIN.top + PLOT.height}" y2="${MARGIN.top + PLOT.height + 5}" stroke="#555"/>`);
    out.push(`<text x="${at}" y="${MARGIN.top + PLOT.height + 19}" text-anchor="middle" font-size="12" fill="#333">${tick.label}</text>`);
  }
  // Milestones, then today.
  for (const milestone of milestones) {
    const at = r(x(milestone.date));
    out.push(
      `<g class="milestone"><line x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT.height}" stroke="#6b4fbb" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<text transform="translate(${r(at - 5)} ${MARGIN.top + 2}) rotate(-90)" text-anchor="end" font-size="11" fill="#4b3590">${escapeHtml(milestone.label)}</text></g>`,
    );
  }
  const now = r(x(today));
  out.push(
    `<g class="today"><line x1="${now}" x2="${now}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT.height}" stroke="#111" stroke-width="1.5"/>` +
      `<text transform="translate(${r(now + 12)} ${MARGIN.top + 2}) rotate(-90)" text-anchor="end" font-size="11" font-weight="bold" fill="#111">today</text></g>`,
  );
  // One stepped line per bucket: a count holds until the day it changes.
  for (const bucket of buckets) {
    let d = `M${r(x(first.date))} ${r(y(first.counts[bucket]))}`;
    for (const point of points.slice(1)) d += `H${r(x(point.date))}V${r(y(point.counts[bucket]))}`;
    d += `H${r(x(lineEnd))}`;
    const dash = BUCKET_DASHES[bucket] ? ` stroke-dasharray="${BUCKET_DASHES[bucket]}"` : "";
    out.push(`<path class="line" data-bucket="${bucket}" d="${d}" fill="none" stroke="${BUCKET_COLOURS[bucket]}" stroke-width="2.5"${dash}/>`);
    // A line that starts today has no length yet: a dot shows where it starts.
    if (lineEnd === first.date) out.push(`<circle cx="${r(x(first.date))}" cy="${r(y(first.counts[bucket]))}" r="4" fill="${BUCKET_COLOURS[bucket]}"/>`);
  }
  // Labels at the lines' ends, nudged apart so that equal counts stay readable.
  const labels = spread(
    buckets.map((bucket) => ({ bucket, y: y(last.counts[bucket]) })),
    14,
    MARGIN.top + 4,
    MARGIN.top + PLOT.height,
  );
  const labelX = MARGIN.left + PLOT.width + 8;
  for (const label of labels) {
    const dash = BUCKET_DASHES[label.bucket] ? ` stroke-dasharray="${BUCKET_DASHES[label.bucket]}"` : "";
    out.push(
      `<g class="label"><line x1="${labelX}" x2="${labelX + 18}" y1="${r(label.y)}" y2="${r(label.y)}" stroke="${BUCKET_COLOURS[label.bucket]}" stroke-width="2.5"${dash}/>` +
        `<text x="${labelX + 22}" y="${r(label.y + 4)}" font-size="12" fill="#111">${escapeHtml(BUCKET_INFO[label.bucket].label)} ${last.counts[label.bucket]}</text></g>`,
    );
  }
  out.push("</svg>");
  return out.join("");
}

/** The chart's data as a table: one row per day on which the counts changed. */
export function renderChartTable(points: readonly SeriesPoint[], caption: string): string {
  const buckets = chartBuckets(points);
  const head = buckets.map((bucket) => `<th scope="col">${escapeHtml(BUCKET_INFO[bucket].label)}</th>`).join("");
  const rows = points.map(
    (point) => `<tr><th scope="row"><time datetime="${point.date}">${formatLongDate(point.date)}</time></th>${buckets.map((bucket) => `<td>${point.counts[bucket]}</td>`).join("")}</tr>`,
  );
  return `<table class="data"><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">Day</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** What the chart shows, in words, for people who cannot see it. */
function describeChart(points: readonly SeriesPoint[], buckets: readonly Bucket[], milestones: readonly Milestone[]): string {
  const first = points[0]!;
  const last = points.at(-1)!;
  const moves = buckets.map((bucket) => {
    const from = first.counts[bucket];
    const to = last.counts[bucket];
    return from === to ? `${BUCKET_INFO[bucket].label} stayed at ${to}` : `${BUCKET_INFO[bucket].label} went from ${from} to ${to}`;
  });
  const span = first.date === last.date ? `on ${formatLongDate(first.date)}` : `from ${formatLongDate(first.date)} to ${formatLongDate(last.date)}`;
  const marks = milestones.length > 0 ? ` Milestones: ${milestones.map((milestone) => `${milestone.label} ${formatLongDate(milestone.date)}`).join(", ")}.` : "";
  return `Features in each bucket ${span}: ${moves.join(", ")}.${marks}`;
}

/** 0 and round steps (1, 2 or 5 times a power of ten) up to at least `top`. */
export function yTicks(top: number): number[] {
  const rough = top / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power);
  const ticks: number[] = [];
  for (let value = 0; value < top + step; value += step) ticks.push(value);
  return ticks;
}

/** Month starts for long spans, Mondays for a few weeks, days for a few days; about six labels. */
function xTicks(from: string, to: string): { date: string; label: string }[] {
  const days = daysBetween(from, to);
  const ticks: { date: string; label: string }[] = [];
  const label = (date: string, withYear: boolean) => {
    const [year, month, day] = ymd(date);
    return withYear ? `${MONTHS[month]} ${year}` : `${day} ${MONTHS[month]}`;
  };
  if (days > 70) {
    const months = Math.ceil(days / 30);
    const every = Math.max(1, Math.ceil(months / 6));
    let [year, month] = ymd(from);
    for (let i = 0; ; i++) {
      month += 1;
      if (month > 11) [year, month] = [year + 1, 0];
      const date = `${year}-${String(month + 1).padStart(2, "0")}-01`;
      if (date > to) break;
      if (i % every === 0) ticks.push({ date, label: label(date, true) });
    }
    return ticks;
  }
  const every = days > 10 ? Math.max(7, Math.ceil(days / 6 / 7) * 7) : Math.max(1, Math.ceil(days / 6));
  const start = new Date(`${from}T00:00:00Z`);
  // Weekly ticks fall on Mondays.
  const offset = every >= 7 ? (8 - start.getUTCDay()) % 7 : 0;
  for (let day = offset; day <= days; day += every) {
    const date = new Date(start.getTime() + day * 86_400_000).toISOString().slice(0, 10);
    ticks.push({ date, label: label(date, false) });
  }
  return ticks;
}

/** Moves labels apart vertically (at least `gap`), keeping them within [min, max]. */
function spread<T extends { y: number }>(labels: T[], gap: number, min: number, max: number): T[] {
  const sorted = labels.map((label) => ({ ...label })).sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i++) sorted[i]!.y = Math.max(sorted[i]!.y, sorted[i - 1]!.y + gap);
  const overflow = (sorted.at(-1)?.y ?? 0) - max;
  if (overflow > 0) for (const label of sorted) label.y -= overflow;
  for (let i = sorted.length - 2; i >= 0; i--) sorted[i]!.y = Math.min(sorted[i]!.y, sorted[i + 1]!.y - gap);
  if (sorted.length > 0 && sorted[0]!.y < min) for (const label of sorted) label.y += min - sorted[0]!.y;
  return sorted;
}

const r = (value: number) => Math.round(value * 10) / 10;
