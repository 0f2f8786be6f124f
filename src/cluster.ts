// TOLLGATE_WORKERS > 1: the main process forks that many workers (node:cluster), which share one
// listening socket and one store (SQLite in WAL mode takes writers from several processes; every
// invariant that matters is one atomic statement or transaction, see docs/ARCHITECTURE.md). The main
// process only supervises (and serves the workers' metrics, summed: src/metrics.ts): it replaces a
// worker that dies, and on SIGINT/SIGTERM stops every worker gracefully and exits once all have; a
// worker whose main process is gone stops too.
import cluster, { type Worker } from 'node:cluster'
import net from 'node:net'
import type { Config } from './config.js'

/** A worker could not start: the message is its one line (the first worker's to fail). */
export class WorkerStartFailed extends Error {}

const START_FAILED = 'tollgate:start-failed'
/** A worker that exits sooner than this after its fork died young. */
const YOUNG_MS = 10_000
const MAX_PAUSE_MS = 30_000

/**
 * In a worker whose start failed: hands its one line to the main process, which prints the first
 * worker's only, then exits (the IPC channel would keep the worker alive otherwise).
 */
export function reportStartFailure (line: string): void {
  process.send!({ type: START_FAILED, line }, undefined, {}, () => { process.exit(1) })
}

/**
 * Whether HOST:PORT can be listened on, tried by this process before any worker is forked: a port
 * in use is then one line from here, not one failure per worker.
 */
export function checkListen (host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen({ host, port, exclusive: true }, () => { probe.close(() => { resolve() }) })
  })
}

/** libuv's thread pool of one process (UV_THREADPOOL_SIZE unset): 4 threads. */
const PROCESS_THREAD_POOL = 4

/** What one of `workers` gets of a whole server's `total`: rounded up, and never under `least`. */
const shareOf = (total: number, workers: number, least: number): number => Math.max(least, Math.ceil(total / workers))

/**
 * The thread pool of each worker, where its signatures and password hashes run: the threads of one
 * process shared out among the workers (at least 2 each, so that one hash never holds a worker's
 * only thread), unless the operator set UV_THREADPOOL_SIZE. With libuv's 4 threads in every worker,
 * two workers on two cores ran 8 signing threads: client_credentials at 0.76 to 0.80 of one
 * process, against 0.91 to 0.98 with 2 threads each.
 */
export function threadPoolOfWorker (workers: number): Record<string, string> {
  if (process.env.UV_THREADPOOL_SIZE !== undefined) return {}
  return { UV_THREADPOOL_SIZE: String(shareOf(PROCESS_THREAD_POOL, workers, 2)) }
}

/**
 * A worker's share of the limits the settings give for the whole server: the password hashes
 * computed at once and those allowed to wait, divided among the workers (rounded up, at least one
 * hash each), so that a server of N workers sheds logins at the load one process would.
 */
export function workerShareOf (config: Config): Config {
  const { workers, loadShedding } = config
  return {
    ...config,
    loadShedding: { ...loadShedding, hashConcurrency: shareOf(loadShedding.hashConcurrency, workers, 1), hashQueue: shareOf(loadShedding.hashQueue, workers, 0) },
  }
}

/** Forks the workers and resolves with the port once every one of them listens. */
export function startWorkers (config: Config, log: (line: string) => void): Promise<number> {
  let stopping = false
  let stopFailed = false
  let listening = 0
  let pause = 0
  /** The first line of a worker that could not start, while the server starts. */
  let firstLine: string | undefined
  const workers = new Set<Worker>()
  const fork = () => {
    const bornAt = Date.now()
    const worker = cluster.fork(threadPoolOfWorker(config.workers))
    workers.add(worker)
    worker.once('exit', (code, signal) => {
      workers.delete(worker)
      if (stopping) {
        // A worker that did not close cleanly (a drain cut short, a failed close) fails the stop.
        if (code !== 0) stopFailed = true
        if (workers.size === 0) process.exit(stopFailed ? 1 : 0)
        return
      }
      // A worker that fails while the server starts is not replaced: the start has failed.
      if (listening < config.workers) return
      // One that dies young (its start failed: the database or Redis out of reach) is replaced after
      // a pause doubling up to 30 s, not in a loop; one that served a while, at once.
      pause = Date.now() - bornAt < YOUNG_MS ? Math.min(MAX_PAUSE_MS, pause === 0 ? 1000 : 2 * pause) : 0
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another${pause > 0 ? ` in ${pause / 1000} s` : ''}`)
      setTimeout(() => { if (!stopping) fork() }, pause)
    })
    // A worker that cannot start says why: before the server listens, the first such line is the
    // start's failure; after, a replacement's is logged.
    worker.on('message', (message: { type?: string, line?: string }) => {
      if (message?.type !== START_FAILED) return
      if (listening < config.workers) firstLine ??= message.line
      else log(`worker ${worker.process.pid} could not start: ${message.line}`)
    })
    return worker
  }
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping ${workers.size} workers`)
    if (workers.size === 0) process.exit(0)
    for (const worker of workers) worker.process.kill('SIGTERM')
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  return new Promise((resolve, reject) => {
    const failedEarly = (worker: Worker) => (code: number) => {
      if (listening < config.workers) {
        stopping = true
        for (const other of workers) if (other !== worker) other.process.kill('SIGTERM')
        reject(new WorkerStartFailed(firstLine ?? `a worker exited (${code}) before the server was listening`))
      }
    }
    for (let i = 0; i < config.workers; i++) {
      const worker = fork()
      worker.once('exit', failedEarly(worker))
      worker.once('listening', (address) => {
        listening++
        if (listening === config.workers) resolve(address.port)
      })
    }
  })
}

export const isWorkerOfSeveral = () => cluster.isWorker

/** In a worker: stop gracefully when the main process goes away. */
export function stopWithMainProcess (stop: (reason: string) => void): void {
  if (cluster.isWorker) process.once('disconnect', () => { stop('main process gone') })
}
