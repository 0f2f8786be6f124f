// The shared store: PostgreSQL through pg's Pool and Kysely's PostgresDialect, for several instances.
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrateToLatest } from './migrations.js'
import { statementName } from './prepared-query.js'
import type { Database as Tables } from './schema.js'
import { SqlStore } from './sql-store.js'
import { StoreUnavailableError } from './unavailable.js'

const INT8 = 20
const INT8_ARRAY = 1016

/**
 * pg returns int8 (bigint, count(*)) as strings, since they may exceed 2^53. Tollgate's bigints are
 * epoch times and counters, far below: they are read as numbers, on this pool only.
 */
const types = {
  getTypeParser (oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value)
    if (oid === INT8_ARRAY) return (value: string) => (pg.types.getTypeParser(INT8_ARRAY as any, 'text')(value) as string[]).map(Number)
    return pg.types.getTypeParser(oid as any, format as 'text')
  },
} as unknown as pg.CustomTypesConfig

/**
 * pg's Client, sending the store's prepared queries (prepared-query.ts: a refresh-token rotation's,
 * a jti's) as named statements: PostgreSQL parses and plans each once per connection instead of on
 * every run, a third of its work in a refresh. Their selects name their columns, so that a column
 * added by another instance's migration does not change a statement's result type. Any other SQL
 * goes as before, unnamed.
 */
class PreparingClient extends pg.Client {
  override query (...args: unknown[]): any {
    const [text, values, callback] = args
    const name = typeof text === 'string' && Array.isArray(values) ? statementName(text) : undefined
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
    return name === undefined ? query.apply(this, args) : query.call(this, { name, text, values }, callback)
  }
}

export interface PostgresOptions {
  url: string
  /** Connections this instance keeps at most. */
  poolSize: number
  /** How long a request waits for a connection before the store counts as unavailable. */
  connectTimeoutMs?: number
  /** How long one statement may wait for its answer (a database that stopped answering). */
  queryTimeoutMs?: number
}

/** A pool whose broken connections never bring the process down: the pool drops them and connects anew. */
export function createPool ({ url, poolSize, connectTimeoutMs = 5000, queryTimeoutMs = 10_000 }: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs, query_timeout: queryTimeoutMs, idleTimeoutMillis: 30_000, types,
    Client: PreparingClient as unknown as new () => pg.ClientBase,
  })
  // An idle connection's error (the server restarted) is emitted on the pool; a connection in use
  // reports it to its query too, and the client emits it once more: both are expected, not fatal.
  pool.on('error', () => {})
  pool.on('connect', (client) => { client.on('error', () => {}) })
  return pool
}

/** Opens the store on PostgreSQL and migrates it to the latest schema (once, whoever starts first). */
export async function openPostgresStore (options: PostgresOptions): Promise<SqlStore> {
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: createPool(options) }) })
  try {
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    // Out of reach, a refused login (SQLSTATE class 28) or no such database (3D000): the operator's
    // setting, said in one line. Anything else is a fault worth its stack.
    const code = String((err as { code?: unknown }).code ?? '')
    throw StoreUnavailableError.isUnavailable(err) || code.startsWith('28') || code === '3D000'
      ? new StoreUnavailableError(`cannot connect to PostgreSQL at ${hostOf(options.url)}: ${(err as Error).message}`, { cause: err })
      : err
  }
  return new SqlStore(db, { shared: true, dialect: 'postgres' })
}

/** The URL may carry a password: only the host is ever named. */
export const hostOf = (url: string): string => {
  try {
    return new URL(url).host || 'localhost'
  } catch {
    return '(unreadable URL)'
  }
}
