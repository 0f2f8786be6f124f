// The Redis connection Tollgate shares between attack-protection state and rate-limit counters.
import { Redis } from 'ioredis'

export class RedisConnectError extends Error {
  override name = 'RedisConnectError'
}

/** Connects before the app starts, so that a wrong URL fails at start, not at the first login. */
export async function connectRedis (url: string): Promise<Redis> {
  // A request must not hang on an unreachable Redis: one retry, then the error.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  // Connection errors surface as failed commands (and in the app's log, which listens too); without
  // a listener, ioredis would also print them as unhandled.
  redis.on('error', () => {})
  // The socket's own error (ECONNREFUSED...) says more than connect()'s "Connection is closed.".
  let socketError: Error | undefined
  const onError = (err: Error) => { socketError ??= err }
  redis.on('error', onError)
  try {
    await redis.connect()
  } catch (err) {
    redis.disconnect()
    // The URL may carry a password: name only the host.
    throw new RedisConnectError(`cannot connect to Redis at ${new URL(url).host}: ${(socketError ?? err as Error).message}`)
  } finally {
    redis.off('error', onError)
  }
  return redis
}
