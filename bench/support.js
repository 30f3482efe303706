// Small helpers shared by the benchmarks.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export function ms(ns) {
  return Math.round(Number(ns) / 1e4) / 100;
}

export function row(name, value, unit, budget, ok) {
  return { name, value, unit, budget, ok };
}

export function report(rows) {
  console.log(JSON.stringify(rows));
}
