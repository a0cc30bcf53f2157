// Option builders for the dashboard's recurring chart shapes: ranked bars, a weekday × hour heatmap, a
// donut, a line over days, a scatter map and the country tiles. Pages pass data; these decide the look.
import type { EChartsOption } from './echarts.js';
import { DAYS, HOURS } from '../format.js';
import { MUTED, OKABE_ITO, SEQUENTIAL } from '../palette.js';
import { tilesFor } from './country-tiles.js';

const axisLabel = { color: MUTED, fontSize: 11 };
const EMPTY = '#e6e8eb';

/** Horizontal bars, largest on top. */
export function barsOption(items: readonly { label: string; value: number }[], opts: { valueName?: string; color?: string } = {}): EChartsOption {
  const rows = [...items].reverse();
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: opts.valueName ?? '', axisLabel },
    yAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { ...axisLabel, width: 140, overflow: 'truncate' } },
    series: [{ type: 'bar', name: opts.valueName ?? 'plays', data: rows.map((r) => r.value), itemStyle: { color: opts.color ?? OKABE_ITO[0] } }],
  };
}

/** Vertical bars over categories (hours, platforms), with an optional second series on a right axis. */
export function columnsOption(labels: readonly string[], series: readonly { name: string; data: readonly (number | null)[]; percent?: boolean }[]): EChartsOption {
  const hasPct = series.some((s) => s.percent);
  return {
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, textStyle: { color: MUTED } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: [...labels], axisLabel },
    yAxis: hasPct
      ? [{ type: 'value', axisLabel }, { type: 'value', axisLabel: { ...axisLabel, formatter: (v: number) => `${Math.round(v * 100)}%` }, max: 1, splitLine: { show: false } }]
      : { type: 'value', axisLabel },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: [...s.data], yAxisIndex: s.percent ? 1 : 0 })),
  };
}

/** Weekday (rows, Monday on top) × hour (columns) heatmap from [weekday][hour] counts; empty cells grey. */
export function clockOption(cells: readonly { weekday: number; hour: number; value: number }[], valueName = 'plays'): EChartsOption {
  const max = Math.max(1, ...cells.map((c) => c.value));
  const cell = (c: { weekday: number; hour: number; value: number }) => [c.hour, c.weekday, c.value];
  return {
    grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
    tooltip: { formatter: (p: { data: [number, number, number] }) => `${DAYS[p.data[1]]} ${HOURS[p.data[0]]}:00 — ${p.data[2].toLocaleString('en-US')} ${valueName}` },
    xAxis: { type: 'category', data: HOURS, axisLabel },
    yAxis: { type: 'category', data: DAYS, inverse: true, axisLabel },
    visualMap: { seriesIndex: 1, min: 1, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: [...SEQUENTIAL] }, textStyle: { color: MUTED } },
    series: [
      { type: 'heatmap', name: 'none', data: cells.filter((c) => c.value <= 0).map(cell), itemStyle: { color: EMPTY, borderColor: '#fff', borderWidth: 1 } },
      { type: 'heatmap', name: valueName, data: cells.filter((c) => c.value > 0).map(cell), itemStyle: { borderColor: '#fff', borderWidth: 1 }, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } },
    ],
  };
}

/** A donut of shares. */
export function donutOption(items: readonly { label: string; value: number }[]): EChartsOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', bottom: 0, textStyle: { color: MUTED } },
    series: [{ type: 'pie', radius: ['40%', '70%'], center: ['50%', '45%'], itemStyle: { borderColor: '#fff', borderWidth: 2 }, label: { formatter: '{b}\n{d}%' }, data: items.map((i) => ({ name: i.label, value: i.value })) }],
  };
}

/** Lines over a category axis (days, windows). */
export function linesOption(labels: readonly string[], series: readonly { name: string; data: readonly number[]; area?: boolean }[], opts: { stack?: boolean; zoom?: boolean } = {}): EChartsOption {
  return {
    grid: { left: 8, right: 16, top: 32, bottom: opts.zoom ? 40 : 8, containLabel: true },
    legend: { top: 0, textStyle: { color: MUTED } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: [...labels], axisLabel, boundaryGap: false },
    yAxis: { type: 'value', axisLabel },
    ...(opts.zoom ? { dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4 }] } : {}),
    series: series.map((s) => ({ type: 'line', name: s.name, data: [...s.data], showSymbol: false, ...(opts.stack ? { stack: 'all' } : {}), ...(s.area ? { areaStyle: { opacity: 0.25 } } : {}) })),
  };
}

export interface MapPoint {
  track_key: string;
  x: number;
  y: number;
  cluster: number | null;
  genre: string | null;
  title: string | null;
  artist: string | null;
}

/** The song map: one scatter series per group (cluster or genre), wheel/drag zoom on both axes. */
export function songMapOption(points: readonly MapPoint[], colourBy: 'genre' | 'cluster', axes: { x: string; y: string }): EChartsOption {
  const groups = new Map<string, MapPoint[]>();
  for (const p of points) {
    const k = colourBy === 'genre' ? (p.genre ?? 'unknown') : p.cluster === null ? 'none' : `cluster ${p.cluster}`;
    const list = groups.get(k) ?? [];
    list.push(p);
    groups.set(k, list);
  }
  const names = [...groups.keys()].sort((a, b) => (groups.get(b)!.length - groups.get(a)!.length) || a.localeCompare(b));
  const symbols = ['circle', 'rect', 'triangle', 'diamond'];
  return {
    grid: { left: 8, right: 16, top: 56, bottom: 48, containLabel: true },
    legend: { type: 'scroll', top: 0, textStyle: { color: MUTED } },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { value: [number, number]; p: MapPoint } }) => {
        const m = p.data.p;
        const esc = (s: string | null) => (s ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
        return `<b>${esc(m.title) || esc(m.track_key)}</b><br/>${esc(m.artist)}<br/>${esc(m.genre)}${m.cluster !== null ? ` · cluster ${m.cluster}` : ''}`;
      },
    },
    xAxis: { type: 'value', name: axes.x, nameLocation: 'middle', nameGap: 24, scale: true, axisLabel },
    yAxis: { type: 'value', name: axes.y, scale: true, axisLabel },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0 },
      { type: 'inside', yAxisIndex: 0 },
      { type: 'slider', xAxisIndex: 0, height: 16, bottom: 4 },
    ],
    series: names.map((n, i) => ({
      type: 'scatter',
      name: n,
      symbol: symbols[Math.floor(i / OKABE_ITO.length) % symbols.length],
      symbolSize: 6,
      large: points.length > 5000,
      itemStyle: { opacity: 0.8 },
      data: groups.get(n)!.map((p) => ({ value: [p.x, p.y], p })),
    })),
  };
}

/** Plays by country on the tile map, viridis by plays; grey tiles had none. */
export function countryTilesOption(rows: readonly { country: string; plays: number }[]): EChartsOption {
  const byCode = new Map(rows.map((r) => [r.country.toUpperCase(), r.plays]));
  const tiles = tilesFor([...byCode.keys()]);
  const cols = Math.max(...tiles.map((t) => t.col)) + 1;
  const rowsN = Math.max(...tiles.map((t) => t.row)) + 1;
  const max = Math.max(1, ...rows.map((r) => r.plays));
  const label = { show: true, formatter: (p: { data: { name: string } }) => p.data.name, fontSize: 9, color: '#111', textBorderColor: '#fff', textBorderWidth: 2 };
  const item = (t: { code: string; col: number; row: number }) => ({ name: t.code, value: [t.col, t.row, byCode.get(t.code) ?? 0] });
  return {
    grid: { left: 4, right: 4, top: 4, bottom: 40 },
    tooltip: { formatter: (p: { data: { name: string; value: [number, number, number] } }) => `${p.data.name}: ${p.data.value[2].toLocaleString('en-US')} plays` },
    xAxis: { type: 'category', data: Array.from({ length: cols }, (_, i) => i), show: false },
    yAxis: { type: 'category', data: Array.from({ length: rowsN }, (_, i) => i), inverse: true, show: false },
    visualMap: { seriesIndex: 1, min: 1, max, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: [...SEQUENTIAL] }, textStyle: { color: MUTED } },
    series: [
      { type: 'heatmap', name: 'no plays', data: tiles.filter((t) => !byCode.get(t.code)).map(item), label: { ...label, color: MUTED }, itemStyle: { color: EMPTY, borderColor: '#fff', borderWidth: 1 } },
      { type: 'heatmap', name: 'plays', data: tiles.filter((t) => byCode.get(t.code)).map(item), label, itemStyle: { borderColor: '#fff', borderWidth: 1 } },
    ],
  };
}
