import { readConfigOrExit } from './config.js'
import { compactDatabase } from './storage/compact.js'

/**
 * Command entry (`npm run compact`): removes the traces of deleted data
 * from the database in DATA_DIR while the service is stopped.
 */
function main (): void {
  const config = readConfigOrExit()
  try {
    const { path, bytesBefore, bytesAfter } = compactDatabase(config.DATA_DIR)
    process.stdout.write(`omi-webhook: compacted ${path} from ${megabytes(bytesBefore)} to ${megabytes(bytesAfter)}\n`)
  } catch (error) {
    process.stderr.write(`omi-webhook: ${(error as Error).message}\n`)
    process.exit(1)
  }
}

function megabytes (bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

main()
