// Where @fastify/rate-limit keeps its counters: in Redis when one is configured; else in the store
// when several processes share it (PostgreSQL, or a server of several workers on one SQLite file),
// so that every limit holds for the whole deployment; else, one process on its own SQLite file, in
// memory (the same thing, without a write).
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Redis } from 'ioredis'
import cluster from 'node:cluster'
import type { RequestCounterStore } from '../store/port.js'

/** What a rate-limit registration spreads into its options. */
export type CounterBackend =
  | { redis: Redis, nameSpace: string }
  | { store: FastifyRateLimitStoreCtor }
  | Record<string, never>

/** Ended counters are deleted at most this often (per process). */
const PRUNE_EVERY_MS = 60_000

/** @fastify/rate-limit's store interface over the storage port's request counters: one atomic upsert per counted request. */
export function sharedCounterStore (counters: RequestCounterStore, namespace: string): FastifyRateLimitStoreCtor {
  let prunedAt = 0
  // Children (one per limiter) are numbered in creation order, the same in every process.
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
        .then(({ count, resetAt }) => { callback(null, { current: count, ttl: Math.max(0, resetAt - now) }) }, (err: Error) => { callback(err) })
    }

    child (): FastifyRateLimitStore {
      return new SharedCounterStore(undefined, `${this.prefix}${++children}|`)
    }
  }
  return SharedCounterStore
}

export function counterBackend (options: { redis?: Redis, keyPrefix: string, store: RequestCounterStore & { shared: boolean } }, name: string): CounterBackend {
  if (options.redis) return { redis: options.redis, nameSpace: `${options.keyPrefix}${name}:` }
  if (options.store.shared || cluster.isWorker) return { store: sharedCounterStore(options.store, `${name}|`) }
  return {}
}
