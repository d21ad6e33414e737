/**
 * Charts as inline SVG (no script, no style attributes: the Content-Security-Policy allows
 * neither): processed and failed jobs per period from the stats history.
 */
import type { HistoryPoint } from "../../admin/stats.js";
import { number } from "./parts.js";

export function HistoryChart(props: { points: readonly HistoryPoint[]; label: string; resolution: "minute" | "hour" }) {
  const { points } = props;
  const width = 600;
  const height = 140;
  const pad = { left: 40, right: 8, top: 10, bottom: 22 };
  const max = Math.max(1, ...points.map((p) => p.processed));
  const step = (width - pad.left - pad.right) / Math.max(1, points.length);
  const barWidth = Math.max(1, step - 1);
  const y = (n: number) => pad.top + (height - pad.top - pad.bottom) * (1 - n / max);
  const total = points.reduce((sum, p) => sum + p.processed, 0);
  const failed = points.reduce((sum, p) => sum + p.failed, 0);
  const labelEvery = Math.ceil(points.length / 6);
  const time = (d: Date) => (props.resolution === "minute" ? d.toISOString().slice(11, 16) : `${d.toISOString().slice(5, 10)} ${d.toISOString().slice(11, 13)}h`);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${props.label}: ${number(total)} processed, ${number(failed)} failed`}>
        <line class="axis" x1={pad.left} y1={y(0)} x2={width - pad.right} y2={y(0)} />
        <text class="tick" x={pad.left - 4} y={y(max) + 4} text-anchor="end">
          {number(max)}
        </text>
        <text class="tick" x={pad.left - 4} y={y(0)} text-anchor="end">
          0
        </text>
        {points.map((p, i) => {
          const x = pad.left + i * step;
          return (
            <g>
              <title>{`${p.at.toISOString()}: ${p.processed} processed, ${p.failed} failed`}</title>
              <rect class="processed" x={x} y={y(p.processed)} width={barWidth} height={y(0) - y(p.processed)} />
              <rect class="failed" x={x} y={y(p.failed)} width={barWidth} height={y(0) - y(p.failed)} />
              {i % labelEvery === 0 ? (
                <text class="tick" x={x} y={height - 6}>
                  {time(p.at)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {props.label}: <strong>{number(total)}</strong> processed, <strong class={failed > 0 ? "bad" : undefined}>{number(failed)}</strong> failed{" "}
        <span class="legend processed">processed</span> <span class="legend failed">failed</span>
      </figcaption>
    </figure>
  );
}
