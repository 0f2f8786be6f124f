// @fastify/rate-limit's counters in the shared store, for a server of several worker processes
// without Redis: each limit then holds for the whole server, not per worker. One atomic upsert per
// counted request; expired counters are deleted at most once a minute.
import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit'
import cluster from 'node:cluster'
import type { RequestCounterStore } from '../src/store/port.js'

const PRUNE_EVERY_MS = 60_000

export function sharedCounterStore (counters: RequestCounterStore, namespace: string) {
  let prunedAt = 0
  // Children (one per limiter) are numbered in creation order, the same in every worker.
  let children = 0
  class SharedCounterStore implements FastifyRateLimitStore {
    constructor (_options?: FastifyRateLimitOptions, private readonly prefix = namespace) {}

    incr (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow: number): void {
      const now = Date.now()
      if (now - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = now
        counters.deleteExpiredRequestCounters(now).catch(() => {})
      }
      counters.countRequest(`${this.prefix}${key}`, timeWindow, now)
        .then(({ count, resetAt }) => { callback(null, { current: count, ttl: resetAt - now }) }, (err: Error) => { callback(err) })
    }

    child (): FastifyRateLimitStore {
      return new SharedCounterStore(undefined, `${this.prefix}${++children}|`)
    }
  }
  return SharedCounterStore
}

/** The counters @fastify/rate-limit should use: in memory in a single process, shared in a worker of several. */
export function counterStoreOptions (counters: RequestCounterStore, namespace: string): { store?: ReturnType<typeof sharedCounterStore> } {
  return cluster.isWorker ? { store: sharedCounterStore(counters, namespace) } : {}
}
