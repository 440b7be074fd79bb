import type { Metric, MetricObjectWithValues, MetricValueWithName } from 'prom-client'

export type Labels = Record<string, string | number>
type Values = MetricObjectWithValues<MetricValueWithName<string>>

interface Series {
  labels: Labels
  counts: number[]
  sum: number
  count: number
}

/**
 * Metrics that a request records with one map lookup, for a registry of
 * prom-client. prom-client's own Counter and Histogram check and hash the
 * labels on every call, which costs more than the rest of a small request.
 * Here the caller names each label set with a key it builds cheaply, the
 * labels object is built once per key, and formatting waits for a scrape.
 */
abstract class KeyedMetric<S> {
  abstract readonly type: 'counter' | 'histogram'
  readonly aggregator = 'sum'
  protected series = new Map<string, S>()

  constructor (readonly name: string, readonly help: string) {}

  /** Clears every series, as Registry.resetMetrics() expects of each metric. */
  reset (): void {
    this.series.clear()
  }

  /** Lets a prom-client registry hold this metric; the registry calls only get() and reset(). */
  asMetric (): Metric {
    return this as unknown as Metric
  }

  /** Returns the metric in the shape a prom-client registry formats, as prom-client's own metrics do. */
  async get (): Promise<Values> {
    const values = [...this.series.values()].flatMap((series) => this.format(series))
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values } as unknown as Values
  }

  protected abstract format (series: S): MetricValueWithName<string>[]
}

export class KeyedCounter extends KeyedMetric<{ labels: Labels, value: number }> {
  readonly type = 'counter' as const

  inc (key: string, labels: () => Labels, by = 1): void {
    const entry = this.series.get(key)
    if (entry === undefined) this.series.set(key, { labels: labels(), value: by })
    else entry.value += by
  }

  protected format ({ labels, value }: { labels: Labels, value: number }): MetricValueWithName<string>[] {
    return [{ labels, value, metricName: this.name }]
  }
}

export class KeyedHistogram extends KeyedMetric<Series> {
  readonly type = 'histogram' as const

  constructor (name: string, help: string, readonly buckets: number[]) {
    super(name, help)
  }

  observe (key: string, labels: () => Labels, value: number): void {
    let entry = this.series.get(key)
    if (entry === undefined) {
      entry = { labels: labels(), counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 }
      this.series.set(key, entry)
    }

    const bucket = this.buckets.findIndex((bound) => value <= bound)
    if (bucket !== -1) entry.counts[bucket]++
    entry.sum += value
    entry.count++
  }

  protected format ({ labels, counts, sum, count }: Series): MetricValueWithName<string>[] {
    let cumulative = 0
    const buckets = this.buckets.map((bound, index) => {
      cumulative += counts[index]
      return { labels: { ...labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` }
    })
    return [
      ...buckets,
      { labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` },
      { labels, value: sum, metricName: `${this.name}_sum` },
      { labels, value: count, metricName: `${this.name}_count` }
    ]
  }
}
