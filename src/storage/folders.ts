import { closeSync, fdatasyncSync, mkdirSync, openSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CoalescedSync } from './coalesced-sync.js'

/** Fsyncs a folder on the event loop, so that the entries created in it survive a power loss. */
export function syncFolder (folder: string): void {
  const fd = openSync(folder, 'r')
  try {
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

const folderSyncs = new Map<string, CoalescedSync>()

/**
 * Fsyncs `folder` on libuv's thread pool. Requests for one folder share
 * syncs: a thousand new folders in one folder need a few fsyncs of it, not
 * a thousand. The folder is opened by path, so it must not be removed.
 */
export async function syncFolderOnPool (folder: string): Promise<void> {
  let sync = folderSyncs.get(folder)
  if (sync === undefined) {
    sync = new CoalescedSync(() => fsyncFolder(folder))
    folderSyncs.set(folder, sync)
  }

  try {
    await sync.request()
  } finally {
    if (sync.idle) folderSyncs.delete(folder)
  }
}

async function fsyncFolder (folder: string): Promise<void> {
  const handle = await open(folder, 'r')
  try {
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/**
 * Record of the folders created here whose entry in their parent may not
 * be on disk yet, kept until an fsync of that parent has succeeded. A file in a
 * new folder is durable only once the entries of every new folder above it
 * are, whichever call created them.
 */
export class NewFolders {
  #unsynced = new Set<string>()

  /** Creates `folder` and any missing parents. */
  create (folder: string): void {
    const created = mkdirSync(folder, { recursive: true, mode: 0o700 })
    if (created === undefined) return
    for (let current = folder; current.length >= created.length; current = dirname(current)) this.#unsynced.add(current)
  }

  /** Fsyncs, on the thread pool, the parent of each new folder among `folder` and the folders above it. */
  async sync (folder: string): Promise<void> {
    await settleAll(this.unsynced(folder).map(async (created) => {
      await syncFolderOnPool(dirname(created))
      this.#unsynced.delete(created)
    }))
  }

  /** Fsyncs the same parents as `sync`, on the event loop. */
  syncNow (folder: string): void {
    for (const created of this.unsynced(folder)) {
      syncFolder(dirname(created))
      this.#unsynced.delete(created)
    }
  }

  /** Returns the new folders among `folder` and the folders above it whose entries may not be on disk yet. */
  unsynced (folder: string): string[] {
    const pending: string[] = []
    for (let current = folder; current !== dirname(current); current = dirname(current)) {
      if (this.#unsynced.has(current)) pending.unshift(current)
    }
    return pending
  }
}

/** Waits for every promise, and then throws the first rejection, if any. */
export async function settleAll (promises: Array<Promise<unknown>>): Promise<void> {
  const outcomes = await Promise.allSettled(promises)
  const failure = outcomes.find((outcome) => outcome.status === 'rejected')
  if (failure !== undefined) throw failure.reason
}
