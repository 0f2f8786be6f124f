// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, on the thread that commits, and it ends with an fsync: measured under
// load, a refresh-token rotation now and then waited 5 to 45 ms for it, and every request queued
// behind it. Here the serving connection never checkpoints (wal_autocheckpoint=0); a worker thread
// with its own connection to the same file runs a PASSIVE checkpoint every `intervalMs` (PASSIVE
// never waits for readers or writers: what it cannot copy now, it copies next time). Commits stay
// as durable as before (the WAL is the same; synchronous=NORMAL).
import type Database from 'better-sqlite3'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
let db
try {
  db = new Database(workerData.file, { fileMustExist: true })
  db.pragma('busy_timeout = 0')
} catch {
  // The file is gone (a test directory removed): nothing to checkpoint.
}
const checkpoint = () => { try { db?.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db?.close(); parentPort.close() })
`

export interface Checkpointer {
  stop (): Promise<void>
}

export function checkpointInBackground (sqlite: Database.Database, file: string, intervalMs = 500): Checkpointer {
  sqlite.pragma('wal_autocheckpoint = 0')
  const worker = new Worker(WORKER, { eval: true, workerData: { driver: fileURLToPath(import.meta.resolve('better-sqlite3')), file, intervalMs } })
  worker.unref()
  // If the thread fails, the serving connection checkpoints for itself again.
  worker.on('error', () => { if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000') })
  return {
    async stop () {
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.postMessage('stop')
      await exited
    },
  }
}
