// Where @fastify/rate-limit keeps its counters: in Redis when one is configured; else in a shared
// store (PostgreSQL), so that every instance counts against the same limits; else, with one
// instance on its own SQLite file, in this process's memory (the same thing, without a write).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Redis } from 'ioredis'
import type { RequestCounterStore } from '../store/port.js'

/** What a rate-limit registration spreads into its options. */
export type CounterBackend =
  | { redis: Redis, nameSpace: string }
  | { store: FastifyRateLimitStoreCtor }
  | Record<string, never>

type Done = (err: Error | null, result?: { current: number, ttl: number }) => void

/** Ended counters are swept once per this many counted requests (per process). */
const SWEEP_EVERY = 1000

/** @fastify/rate-limit's store interface (incr, child) over the storage port's request counters. */
export function storeCounterClass (counters: RequestCounterStore, prefix: string): FastifyRateLimitStoreCtor {
  let counted = 0
  class StoreCounters implements FastifyRateLimitStore {
    private readonly prefix: string
    constructor (_params: unknown, routePrefix = prefix) {
      this.prefix = routePrefix
    }

    incr (key: string, done: Done, timeWindow: number): void {
      const now = Date.now()
      if (++counted % SWEEP_EVERY === 0) counters.deleteEndedCounters(now).catch(() => {})
      counters.countRequest(this.prefix + key, timeWindow, now).then(
        ({ count, resetAtMs }) => { done(null, { current: count, ttl: Math.max(0, resetAtMs - now) }) },
        (err: Error) => { done(err) })
    }

    child (routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): StoreCounters {
      // As the Redis store names a route's own counters: by method and URL.
      const { routeInfo } = routeOptions as unknown as { routeInfo: { method: string, url: string } }
      return new StoreCounters(undefined, `${this.prefix}${routeInfo.method}${routeInfo.url}-`)
    }
  }
  return StoreCounters
}

export function counterBackend (options: { redis?: Redis, keyPrefix: string, sharedStore?: RequestCounterStore }, name: string): CounterBackend {
  if (options.redis) return { redis: options.redis, nameSpace: `${options.keyPrefix}${name}:` }
  if (options.sharedStore) return { store: storeCounterClass(options.sharedStore, `${name}:`) }
  return {}
}
