// Load shedding for password hashing. The hash is a login's whole cost (about 23 ms of a core), and
// libuv queues work without bound: past the hash's rate, every login would wait longer. Here at most
// `concurrency` hashes run and `queue` wait; a login beyond that is refused at once with 503 and
// Retry-After, so the accepted ones keep a bounded latency.
import { oauthError } from '../errors.js'
import type { PasswordHasher } from './password-hasher.js'

export interface HashLimits {
  concurrency: number
  queue: number
  retryAfterSeconds: number
}

export interface LimitedHasher extends PasswordHasher {
  /** Hashes running and waiting, for tests and metrics. */
  readonly load: { running: number, waiting: number }
}

export function limitHashes (hasher: PasswordHasher, limits: HashLimits, onShed: () => void = () => {}): LimitedHasher {
  let running = 0
  const waiting: Array<() => void> = []

  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limits.concurrency) {
      if (waiting.length >= limits.queue) {
        onShed()
        throw oauthError('server_busy', {}, { headers: { 'retry-after': String(limits.retryAfterSeconds) } })
      }
      // The finishing hash hands its slot over: `running` stays counted for this one.
      await new Promise<void>((resolve) => waiting.push(resolve))
    } else {
      running++
    }
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }

  return {
    get load () { return { running, waiting: waiting.length } },
    hash: (password) => run(() => hasher.hash(password)),
    verify: (hash, password) => run(() => hasher.verify(hash, password)),
    verifyNobody: (password) => run(() => hasher.verifyNobody(password)),
  }
}
