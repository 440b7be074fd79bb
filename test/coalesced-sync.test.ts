import t from 'tap'
import { CoalescedSync } from '../src/storage/coalesced-sync.js'

/** Creates a sync whose runs finish only when the test calls finish. */
function controlledSync (): { sync: CoalescedSync, runs: () => number, finish: (error?: Error) => void } {
  let runs = 0
  const pending: Array<{ resolve: () => void, reject: (error: Error) => void }> = []
  const sync = new CoalescedSync(async () => {
    runs++
    await new Promise<void>((resolve, reject) => { pending.push({ resolve, reject }) })
  })
  const finish = (error?: Error): void => {
    const run = pending.shift()
    if (error === undefined) run?.resolve()
    else run?.reject(error)
  }
  return { sync, runs: () => runs, finish }
}

const turn = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

t.test('requests during a sync share the next', async (t) => {
  const { sync, runs, finish } = controlledSync()

  const first = sync.request()
  await turn()
  const second = sync.request()
  const third = sync.request()
  finish()
  await first
  await turn()
  finish()
  await Promise.all([second, third])

  t.equal(runs(), 2)
  t.equal(second, third, 'the two later requests wait for the same sync')
  t.equal(sync.idle, true)
})

t.test('failed sync rejects only its requests', async (t) => {
  const { sync, runs, finish } = controlledSync()

  const failing = sync.request()
  await turn()
  finish(new Error('EIO'))
  await t.rejects(failing, { message: 'EIO' })
  const next = sync.request()
  await turn()
  finish()
  await next

  t.equal(runs(), 2, 'the next request runs a new sync')
})
