/** A 0–1 scale drawn between `pad` and `width − pad`: a value's x position, clamped to the axis, to one decimal. */
export function unitScale(width: number, pad: number): (v: number) => string {
  return (v) => (pad + Math.min(1, Math.max(0, v)) * (width - 2 * pad)).toFixed(1);
}

/** The 0–1 axis above a chart column of that scale: a tick and a label at every quarter. */
export function unitAxis(width: number, pad: number): string {
  const x = unitScale(width, pad);
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line x1="${x(t)}" x2="${x(t)}" y1="12" y2="18" stroke="#57606a"/><text x="${x(t)}" y="10" text-anchor="middle">${t}</text>`,
    )
    .join('');
  return `<svg class="axis" width="${width}" height="18" viewBox="0 0 ${width} 18" aria-hidden="true"><line x1="${x(0)}" x2="${x(1)}" y1="17.5" y2="17.5" stroke="#57606a"/>${ticks}</svg>`;
}
