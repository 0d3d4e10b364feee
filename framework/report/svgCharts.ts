/** One line of a line chart, with an optional band (such as min..max) drawn under it. */
export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [x: number, y: number]>;
  readonly band?: ReadonlyArray<readonly [x: number, low: number, high: number]>;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

/** Grouped bars: one group per category, one bar per series in each group. */
export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  readonly series: ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<number | undefined> }>;
  /** Digits of the value printed above each bar. */
  readonly digits: number;
}

// Colour-blind-safe palette (Okabe and Ito, "Color Universal Design", 2008).
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';
const MARGIN = { left: 72, right: 24, top: 44, bottom: 56 };
// Average glyph width of 11 px DejaVu Sans, an estimate used to size the legend column.
const LEGEND_CHARACTER_WIDTH = 6.6;

/** Width of the legend column right of the plot. */
function legendWidth(names: readonly string[]): number {
  return names.length === 0 ? 0 : 30 + Math.max(...names.map((name) => name.length)) * LEGEND_CHARACTER_WIDTH;
}

export function colorOf(index: number): string {
  return COLORS[index % COLORS.length] as string;
}

/** Escapes text for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Computes about `count` round ticks from low to high, in steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function axes(plotRight: number, height: number, yTicks: number[], toY: (y: number) => number, yLabel: string): string[] {
  const parts: string[] = [];
  for (const tick of yTicks) {
    const y = toY(tick);
    parts.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" ${FONT}>${formatTick(tick)}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${height - MARGIN.bottom}" y2="${height - MARGIN.bottom}" stroke="#333"/>`);
  const middle = (MARGIN.top + height - MARGIN.bottom) / 2;
  parts.push(`<text x="16" y="${middle}" transform="rotate(-90 16 ${middle})" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(yLabel)}</text>`);
  return parts;
}

function legend(plotRight: number, names: readonly string[]): string[] {
  return names.flatMap((name, index) => {
    const y = MARGIN.top + 8 + index * 16;
    const x = plotRight + 14;
    return [
      `<rect x="${x}" y="${y - 9}" width="12" height="10" fill="${colorOf(index)}"/>`,
      `<text x="${x + 18}" y="${y}" font-size="11" ${FONT}>${escapeXml(name)}</text>`,
    ];
  });
}

/** Renders a line chart as SVG; series without points are left out. */
export function lineChartSvg(chart: LineChart, width = 760, height = 380): string {
  const series = chart.series.filter((line) => line.points.length > 0);
  const xs = series.flatMap((line) => line.points.map(([x]) => x));
  const ys = series.flatMap((line) => [...line.points.map(([, y]) => y), ...(line.band ?? []).flatMap(([, low, high]) => [low, high])]);
  const finite = ys.filter(Number.isFinite);
  let [xLow, xHigh] = [Math.min(...xs), Math.max(...xs)];
  let [yLow, yHigh] = [Math.min(...finite), Math.max(...finite)];
  if (xLow === xHigh) [xLow, xHigh] = [xLow - 1, xHigh + 1];
  if (yLow === yHigh) [yLow, yHigh] = [yLow - 0.5, yHigh + 0.5];
  const yTicks = niceTicks(yLow, yHigh);
  yLow = Math.min(yLow, yTicks[0] as number);
  yHigh = Math.max(yHigh, yTicks.at(-1) as number);
  const names = series.map((line) => line.name);
  const plotRight = width - MARGIN.right - legendWidth(names);
  const plotWidth = plotRight - MARGIN.left;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const toX = (x: number) => MARGIN.left + ((x - xLow) / (xHigh - xLow)) * plotWidth;
  const toY = (y: number) => MARGIN.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight;

  const body = axes(plotRight, height, yTicks, toY, chart.yLabel);
  for (const tick of niceTicks(xLow, xHigh, 6)) {
    body.push(`<text x="${toX(tick)}" y="${height - MARGIN.bottom + 16}" text-anchor="middle" font-size="11" ${FONT}>${formatTick(tick)}</text>`);
  }
  body.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(chart.xLabel)}</text>`);
  series.forEach((line, index) => {
    if (line.band !== undefined && line.band.length > 0) {
      const upper = line.band.map(([x, , high]) => `${toX(x).toFixed(1)},${toY(high).toFixed(1)}`);
      const lower = [...line.band].reverse().map(([x, low]) => `${toX(x).toFixed(1)},${toY(low).toFixed(1)}`);
      body.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${colorOf(index)}" fill-opacity="0.18"/>`);
    }
    const points = line.points.filter(([, y]) => Number.isFinite(y)).map(([x, y]) => `${toX(x).toFixed(1)},${toY(y).toFixed(1)}`);
    body.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colorOf(index)}" stroke-width="2"/>`);
    if (line.points.length <= 30) {
      for (const [x, y] of line.points) {
        if (Number.isFinite(y)) body.push(`<circle cx="${toX(x).toFixed(1)}" cy="${toY(y).toFixed(1)}" r="3" fill="${colorOf(index)}"/>`);
      }
    }
  });
  body.push(...legend(plotRight, names));
  return frame(width, height, chart.title, body);
}

/** Renders grouped bars as SVG, each bar labelled with its value. */
export function barChartSvg(chart: BarChart, width = 760, height = 380): string {
  const values = chart.series.flatMap((series) => series.values.filter((value): value is number => value !== undefined && Number.isFinite(value)));
  const yTicks = niceTicks(Math.min(0, ...values), Math.max(...values, 1e-9));
  const yLow = Math.min(0, yTicks[0] as number);
  // Headroom above the tallest bar for its value label.
  const yHigh = Math.max(Math.max(...values) * 1.08, yTicks.at(-1) as number);
  // One series needs no legend: the title and axis name it.
  const names = chart.series.length > 1 ? chart.series.map((series) => series.name) : [];
  const plotRight = width - MARGIN.right - legendWidth(names);
  const plotWidth = plotRight - MARGIN.left;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const toY = (y: number) => MARGIN.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, chart.categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);

  const body = axes(plotRight, height, yTicks, toY, chart.yLabel);
  chart.categories.forEach((category, group) => {
    const groupLeft = MARGIN.left + group * groupWidth + groupWidth * 0.1;
    const label = category.length > 30 ? `${category.slice(0, 29)}…` : category;
    const rotate = chart.categories.length > 6;
    const labelX = groupLeft + groupWidth * 0.4;
    const labelY = height - MARGIN.bottom + 14;
    body.push(
      `<text x="${labelX}" y="${labelY}" text-anchor="${rotate ? 'end' : 'middle'}" font-size="11" ${FONT}${rotate ? ` transform="rotate(-30 ${labelX} ${labelY})"` : ''}>${escapeXml(label)}</text>`,
    );
    chart.series.forEach((series, index) => {
      const value = series.values[group];
      if (value === undefined || !Number.isFinite(value)) return;
      const x = groupLeft + index * barWidth;
      const top = toY(Math.max(value, 0));
      const barHeight = Math.abs(toY(value) - toY(0));
      body.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${colorOf(index)}"/>`);
      if (chart.categories.length * chart.series.length <= 24) {
        body.push(`<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" font-size="10" ${FONT}>${value.toFixed(chart.digits)}</text>`);
      }
    });
  });
  body.push(...legend(plotRight, names));
  return frame(width, height, chart.title, body);
}
