/**
 * The host page's chart of beat inter-arrival times and lateness against the announced
 * interval (uPlot, loaded only when a host page first opens).
 */
import { h } from './dom.js';
import { duration } from './format.js';

const HEIGHT = 240;
let uPlotModule;

async function loadUPlot() {
  if (!uPlotModule) {
    if (!document.querySelector('link[data-uplot]')) {
      document.head.append(
        h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css', 'data-uplot': true }),
      );
    }
    uPlotModule = (await import('/vendor/uplot/uPlot.esm.js')).default;
  }
  return uPlotModule;
}

/** Series colours from the page's CSS variables, so the chart follows light/dark mode. */
function chartOptions(width) {
  const css = getComputedStyle(document.documentElement);
  const col = (v, d) => css.getPropertyValue(v).trim() || d;
  const axis = { stroke: col('--muted', '#666'), grid: { stroke: col('--grid', '#eee') } };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true } },
    axes: [axis, { ...axis, label: 'seconds', size: 60 }],
    series: [
      {},
      {
        label: 'Inter-arrival (s)',
        stroke: col('--accent', '#0969da'),
        width: 2,
        points: { show: true, size: 5 },
      },
      { label: 'Lateness (s)', stroke: col('--warn', '#bf8700'), width: 1.5 },
      {
        label: 'Interval (s)',
        stroke: col('--muted', '#888'),
        dash: [6, 4],
        width: 1,
        points: { show: false },
      },
    ],
  };
}

/** uPlot's columns from the host detail's `beats` (those with a gap to the previous one). */
export function chartData(detail) {
  const pts = (detail?.beats ?? []).filter((b) => b.gapMs !== null);
  const xs = pts.map((b) => Date.parse(b.at) / 1000);
  return {
    count: pts.length,
    data: [
      xs,
      pts.map((b) => b.gapMs / 1000),
      pts.map((b) => b.latenessMs / 1000),
      xs.map(() => detail.intervalMs / 1000),
    ],
  };
}

/** A chart drawn into `box`, with a one-line summary in `note`. */
export function beatChart(box, note) {
  let plot;
  let gone = false;
  const width = () => Math.max(280, box.clientWidth || 600);
  return {
    /** Redraws from a fresh host detail (creates the plot the first time). */
    async update(detail) {
      const { count, data } = chartData(detail);
      note.textContent =
        count < 2
          ? 'Waiting for more beats to chart…'
          : `${count} intervals; announced interval ${duration(detail.intervalMs / 1000)}.`;
      const uPlot = await loadUPlot();
      if (gone) return;
      if (!plot) {
        plot = new uPlot(chartOptions(width()), data, box);
        return;
      }
      plot.setData(data);
      if (Math.abs(plot.width - width()) > 4) plot.setSize({ width: width(), height: HEIGHT });
    },
    resize() {
      plot?.setSize({ width: width(), height: HEIGHT });
    },
    destroy() {
      gone = true;
      plot?.destroy();
    },
  };
}
