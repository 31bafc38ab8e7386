// Small SVG charts drawn by hand: no library, nothing fetched. Sizes are in the SVG's own
// coordinates (viewBox), so a chart scales with its box; styling comes from style.css.

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (SVG geometry attributes are allowed under the CSP). */
export function svg(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A round, readable top for an axis at or above `max`: a short step times a power of ten. */
export function niceCeiling(max) {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/**
 * A line chart of `points` ([{date, value}]) with a dashed goal line.
 * Returns an <svg class="history-chart"> with a title and an accessible label.
 */
export function historyChart(points, { goal, label }) {
  const width = 320;
  const height = 150;
  const pad = { left: 36, right: 10, top: 10, bottom: 22 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const values = points.map((p) => p.value);
  const top = niceCeiling(Math.max(goal || 0, ...values, 1) * 1.05);
  const x = (i) => pad.left + (points.length > 1 ? (i * plotW) / (points.length - 1) : plotW / 2);
  const y = (v) => pad.top + plotH - (v / top) * plotH;

  const chart = svg("svg", {
    class: "history-chart",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": label,
    preserveAspectRatio: "xMidYMid meet",
  });
  chart.append(svg("title", {}, label));

  // Axes and gridlines: 0, half, top.
  for (const v of [0, top / 2, top]) {
    chart.append(svg("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
    chart.append(
      svg("text", { class: "tick", x: pad.left - 4, y: y(v) + 3, "text-anchor": "end" }, formatTick(v)),
    );
  }
  if (points.length) {
    const first = points[0].date.slice(0, 7);
    const last = points[points.length - 1].date.slice(0, 7);
    chart.append(svg("text", { class: "tick", x: pad.left, y: height - 6, "text-anchor": "start" }, first));
    if (points.length > 1) {
      chart.append(svg("text", { class: "tick", x: width - pad.right, y: height - 6, "text-anchor": "end" }, last));
    }
  }

  if (goal > 0) {
    chart.append(svg("line", { class: "goal-line", x1: pad.left, x2: width - pad.right, y1: y(goal), y2: y(goal) }));
    chart.append(
      svg("text", { class: "goal-label", x: width - pad.right - 2, y: y(goal) - 3, "text-anchor": "end" }, `目标 ${goal}`),
    );
  }

  if (points.length > 1) {
    const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
    const area = `${x(0).toFixed(1)},${y(0)} ${line} ${x(points.length - 1).toFixed(1)},${y(0)}`;
    chart.append(svg("polygon", { class: "area", points: area }));
    chart.append(svg("polyline", { class: "line", points: line }));
  }
  if (points.length) {
    const i = points.length - 1;
    const dot = svg("circle", { class: "dot", cx: x(i), cy: y(points[i].value), r: 3 });
    dot.append(svg("title", {}, `${points[i].date}：${points[i].value}`));
    chart.append(dot);
  }
  return chart;
}

function formatTick(v) {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
