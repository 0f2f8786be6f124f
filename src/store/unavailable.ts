// A store that cannot answer now (its database or the Redis holding attack-protection state is
// down or unreachable) is a temporary condition: requests are answered 503 temporarily_unavailable,
// and the next ones succeed once it is back. Never a bypass: a login whose failures cannot be
// counted is refused.

/** SQLSTATE classes and codes of a database that cannot serve (PostgreSQL), and SQLite's busy file. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', 'SQLITE_BUSY'])
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN'])
/** pg's own messages for a connection that ended or never came. */
const PG_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /not queryable/, /Client was closed/, /^Query read timeout/]
/** ioredis: a command given up after its retries or its timeout, or sent on a closed connection. */
const REDIS_ERRORS = new Set(['MaxRetriesPerRequestError'])
const REDIS_MESSAGES = [/^Connection is closed\.$/, /^Stream isn't writeable/, /^Command timed out$/]

export class StoreUnavailableError extends Error {
  /** Whether an error says the database is out of reach, rather than that a query is wrong. */
  static isUnavailable (err: unknown): boolean {
    if (err instanceof StoreUnavailableError) return true
    const { code, message } = (err ?? {}) as { code?: unknown, message?: unknown }
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code) || code.startsWith('08'))) return true
    if (err instanceof AggregateError) return err.errors.some((e) => StoreUnavailableError.isUnavailable(e))
    if (REDIS_ERRORS.has((err as Error)?.name)) return true
    return typeof message === 'string' && [...PG_MESSAGES, ...REDIS_MESSAGES].some((m) => m.test(message))
  }
}
