/**
 * Queue of syncs that runs one at a time. A request made while one runs
 * waits for the next, which starts after it and so covers every write made
 * before the request. All requests made meanwhile share that next sync.
 */
export class CoalescedSync {
  #run: () => Promise<void>
  #running?: Promise<void>
  #waiting?: Promise<void>

  constructor (run: () => Promise<void>) {
    this.#run = run
  }

  /** Whether no sync is running or waiting. */
  get idle (): boolean {
    return this.#running === undefined && this.#waiting === undefined
  }

  request (): Promise<void> {
    if (this.#waiting !== undefined) return this.#waiting

    // The next sync starts after the one running, whether that one succeeds or fails.
    const next: Promise<void> = Promise.allSettled([this.#running]).then(async () => {
      this.#waiting = undefined
      this.#running = next
      await this.#run()
    }).finally(() => {
      if (this.#running === next) this.#running = undefined
    })
    this.#waiting = next
    return next
  }
}
