// Percentiles and small numeric helpers for benchmark reports: one definition for every benchmark.
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]!
}

/** Nearest-rank percentiles (the one definition every benchmark reports), rounded to `digits`. */
export function summarize(values: readonly number[], digits = 2) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number) => round(percentile(sorted, p), digits)
  return {
    count: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: round(sorted[sorted.length - 1] ?? Number.NaN, digits),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length, digits),
  }
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits))
