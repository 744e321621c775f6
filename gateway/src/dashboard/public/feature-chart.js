// @ts-check
/// <reference lib="dom" />
// The selected feature's history, drawn by uPlot on a canvas: the value line broken at every gap
// and the gaps shaded behind it. uPlot styles through the CSSOM only, so it runs under the
// page's CSP without 'unsafe-inline'.
import uPlot from './vendor/uplot.js'

const HEIGHT = 260
// Canvas colours cannot come from CSS variables; these are dashboard.css's --text, --line and
// --amarillo (the gap shade at low alpha).
const LINE = '#e6edf3'
const GRID = '#2a3440'
const AXIS_TEXT = '#8b98a5'
const GAP = 'rgba(241, 196, 15, 0.18)'

/**
 * @param {HTMLElement} container
 */
export function createFeatureChart(container) {
  /** @type {uPlot | null} */
  let plot = null
  /** @type {{ from: number, to: number }[]} */
  let gaps = []

  const width = () => Math.max(280, container.clientWidth)
  new ResizeObserver(() => plot?.setSize({ width: width(), height: HEIGHT })).observe(container)

  /** Shades every gap under the line, clipped to the plotting area. @param {uPlot} u */
  const shadeGaps = (u) => {
    const { ctx, bbox } = u
    ctx.save()
    ctx.fillStyle = GAP
    for (const gap of gaps) {
      const left = Math.max(bbox.left, u.valToPos(gap.from, 'x', true))
      const right = Math.min(bbox.left + bbox.width, u.valToPos(gap.to, 'x', true))
      if (right > left) ctx.fillRect(left, bbox.top, Math.max(1, right - left), bbox.height)
    }
    ctx.restore()
  }

  return {
    /**
     * @param {ReturnType<import('./explorer-series.js').chartColumns>} columns
     * @param {{ label: string, description: string, showPoints: boolean }} text
     */
    draw(columns, text) {
      gaps = columns.gaps
      plot?.destroy()
      plot = new uPlot(options(width(), columns.window, text, shadeGaps), [columns.xs, columns.ys], container)
      container.setAttribute('aria-label', text.description)
      container.dataset.points = String(columns.ys.filter((y) => y !== null).length)
      container.dataset.gaps = String(gaps.length)
    },
    clear() {
      plot?.destroy()
      plot = null
      container.setAttribute('aria-label', 'no history loaded')
      delete container.dataset.points
      delete container.dataset.gaps
    },
  }
}

/**
 * @param {number} width
 * @param {{ from: number, to: number }} window the x range: the whole window asked for, even where it holds no point
 * @param {{ label: string, showPoints: boolean }} series few points (aggregates) are drawn as dots too
 * @param {(u: uPlot) => void} shadeGaps
 * @returns {uPlot.Options}
 */
function options(width, window, { label, showPoints }, shadeGaps) {
  const axis = { stroke: AXIS_TEXT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } }
  return {
    width,
    height: HEIGHT,
    // The API answers in UTC; so does the chart, whatever the browser's zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true, range: () => [window.from, window.to] } },
    axes: [axis, { ...axis, size: 70, values: (_u, ticks) => ticks.map(shortNumber) }],
    series: [{ label: 'time (UTC)' }, { label, stroke: LINE, width: 1.5, spanGaps: false, points: { show: showPoints, size: 5, fill: LINE } }],
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    hooks: { drawClear: [shadeGaps] },
  }
}

/** Axis labels: 4.2T, 980M, 0.012. @param {number} value */
function shortNumber(value) {
  const size = Math.abs(value)
  if (size >= 1e12) return `${+(value / 1e12).toFixed(2)}T`
  if (size >= 1e9) return `${+(value / 1e9).toFixed(2)}B`
  if (size >= 1e6) return `${+(value / 1e6).toFixed(2)}M`
  if (size >= 1e3) return `${+(value / 1e3).toFixed(2)}k`
  return String(+value.toPrecision(4))
}
