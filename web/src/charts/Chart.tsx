// One ECharts chart in a box: created once, updated when its option changes, resized with its box, and
// disposed with the component. The box carries data-chart (its name) and data-points (how many data
// items its series hold), which the browser tests read to tell a drawn chart from an empty canvas.
import { useEffect, useRef } from 'preact/hooks';
import { echarts, type EChartsOption } from './echarts.js';
import { OKABE_ITO, INK } from '../palette.js';

export interface ChartProps {
  name: string;
  option: EChartsOption;
  /** Accessible description of what the chart shows. */
  label: string;
  height?: number;
  /** How many data items are real (defaults to the series' data lengths). */
  points?: number;
  onClick?: (params: { name?: string; data?: unknown; dataIndex?: number; seriesIndex?: number }) => void;
}

function points(option: EChartsOption): number {
  const series = option['series'];
  const list = Array.isArray(series) ? series : series ? [series] : [];
  return list.reduce((n: number, s: { data?: unknown[] }) => n + (Array.isArray(s.data) ? s.data.length : 0), 0);
}

export function Chart({ name, option, label, height = 280, points: real, onClick }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p as Parameters<NonNullable<ChartProps['onClick']>>[0]));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption(
      {
        color: [...OKABE_ITO],
        textStyle: { color: INK, fontFamily: 'system-ui, sans-serif' },
        aria: { enabled: true, label: { description: label } },
        animation: false,
        ...option,
      },
      { notMerge: true },
    );
    box.current!.dataset['points'] = String(real ?? points(option));
  }, [option, label, real]);

  return <div class="chart" ref={box} data-chart={name} role="img" aria-label={label} style={{ height: `${height}px` }} />;
}
