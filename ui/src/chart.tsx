import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** A uPlot chart sized to its container (width) and redrawn when its data change. */
export function Chart({
  data,
  series,
  height = 220,
  label,
  yRange,
}: {
  data: uPlot.AlignedData;
  series: uPlot.Series[];
  height?: number;
  label: string;
  yRange?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth);
    plot.current?.destroy();
    plot.current = new uPlot(
      {
        width,
        height,
        series: [{}, ...series],
        axes: [{}, { size: 50 }],
        scales: { x: { time: true }, ...(yRange ? { y: { range: yRange } } : {}) },
        legend: { live: false },
      },
      data,
      el,
    );
    const resize = () => plot.current?.setSize({ width: Math.max(280, el.clientWidth), height });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [data, series, height, yRange]);
  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
