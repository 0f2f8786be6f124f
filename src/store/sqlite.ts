// The embedded store: one SQLite file in the data directory, through better-sqlite3 and Kysely.
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import fs from 'node:fs'
import path from 'node:path'
import { migrateToLatest } from './migrations.js'
import { checkpointInBackground, type Checkpointer } from './sqlite-checkpointer.js'
import type { Database as Tables } from './schema.js'
import { SqlStore } from './sql-store.js'

export const SQLITE_FILE = 'tollgate.sqlite'

/** Distinct SQL texts kept prepared; the queries are a fixed set, this only bounds odd ones. */
const STATEMENT_CACHE_SIZE = 500

/**
 * better-sqlite3 with its statements kept prepared. Kysely's driver prepares each query anew, and
 * preparing costs more than running these indexed lookups: it was the largest single cost of a
 * rejected request.
 */
function withStatementCache (sqlite: Database.Database, checkpointer: Checkpointer) {
  const statements = new Map<string, Database.Statement>()
  return {
    close: () => {
      sqlite.close()
      return checkpointer.stop()
    },
    prepare (sql: string): Database.Statement {
      let statement = statements.get(sql)
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear()
        statement = sqlite.prepare(sql)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}

/** The data directory cannot be created, opened or written: the message names it. */
export class DataDirError extends Error {
  override name = 'DataDirError'
}

/** Opens (creating if needed) the store in `dataDir` and migrates it to the latest schema. */
export async function openSqliteStore (dataDir: string): Promise<SqlStore> {
  const file = path.join(dataDir, SQLITE_FILE)
  let sqlite: Database.Database
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    sqlite = new Database(file)
    sqlite.pragma('journal_mode = WAL')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new DataDirError(`cannot use the data directory ${dataDir}: ${e.code ?? e.message}`)
  }
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, checkpointInBackground(sqlite, file)) }) })
  try {
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    throw err
  }
  return new SqlStore(db, { shared: false, dialect: 'sqlite' })
}
