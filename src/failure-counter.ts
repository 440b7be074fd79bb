/**
 * Counts failures per key (a client address) in a fixed window. A key whose
 * count reaches `limit` is blocked until its window ends. The map is pruned
 * of expired windows and capped, so a flood of addresses cannot grow it
 * without bound.
 */
export class FailureCounter {
  #windows = new Map<string, { count: number, endsAt: number }>()

  constructor (
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now
  ) {}

  record (key: string): void {
    const time = this.now()
    const window = this.#windows.get(key)
    if (window === undefined || window.endsAt <= time) {
      if (this.#windows.size >= this.maxKeys) this.#prune(time)
      this.#windows.set(key, { count: 1, endsAt: time + this.windowMs })
      return
    }
    window.count++
  }

  /** Returns the milliseconds until `key` may try again, or 0 when it is not blocked. */
  blockedFor (key: string): number {
    const window = this.#windows.get(key)
    if (window === undefined || window.count < this.limit) return 0
    return Math.max(0, window.endsAt - this.now())
  }

  #prune (time: number): void {
    for (const [key, window] of this.#windows) {
      if (window.endsAt <= time) this.#windows.delete(key)
    }
    // Still full of live windows: drop the oldest entries.
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.maxKeys) break
      this.#windows.delete(key)
    }
  }
}
