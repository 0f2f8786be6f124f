// The Redis connection Tollgate shares between attack-protection state and rate-limit counters.
import { Redis } from 'ioredis'

export class RedisConnectError extends Error {
  override name = 'RedisConnectError'
}

/** Redis answers in well under a millisecond; a command unanswered this long is given up. */
const COMMAND_TIMEOUT_MS = 1000

/** Connects before the app starts, so that a wrong URL fails at start, not at the first login. */
export async function connectRedis (url: string): Promise<Redis> {
  // A request must not hang on an unreachable Redis. While the connection is down a command fails at
  // once (no offline queue: queued commands waited for reconnection attempts whose backoff grows to
  // seconds, so every request, even one only counted by a rate limit, was held that long), and the
  // connection is retried at least every second, so that the instance recovers soon after Redis.
  // A Redis that keeps the connection but stops answering (hung, stopped, or a network that drops
  // packets) fails each command after a second instead of holding the request indefinitely.
  const redis = new Redis(url, {
    lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
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

/** Closes the connection: politely (QUIT, after the replies still due) when it is up, at once when it is not. */
export async function closeRedis (redis: Redis): Promise<void> {
  try {
    if (redis.status === 'ready') {
      await redis.quit()
      return
    }
  } catch {
    // The connection went down meanwhile: nothing left to wait for.
  }
  redis.disconnect()
}
