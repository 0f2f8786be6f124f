// The one way the server, the CLI and the tests open the configured store: PostgreSQL when
// TOLLGATE_DATABASE_URL names one, else the SQLite file in the data directory.
import type { Config } from '../config.js'
import { openPostgresStore } from './postgres.js'
import type { SqlStore } from './sql-store.js'
import { openSqliteStore } from './sqlite.js'

export type StoreSettings = Pick<Config, 'dataDir' | 'database'>

export async function openStore (config: StoreSettings): Promise<SqlStore> {
  return config.database.url
    ? openPostgresStore({ url: config.database.url, poolSize: config.database.poolSize })
    : openSqliteStore(config.dataDir)
}

/** Where the store is, for messages: the data directory, or PostgreSQL's host (never the URL, which may carry a password). */
export { hostOf } from './postgres.js'
