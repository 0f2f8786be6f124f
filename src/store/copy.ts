// `tollgate migrate-store`: copies every row of the SQLite file in a data directory into an empty
// PostgreSQL database, in one transaction, parents before children. Both ends are migrated to the
// latest schema first, so their tables and columns are the same.
import Database from 'better-sqlite3'
import { Kysely, PostgresDialect, sql } from 'kysely'
import fs from 'node:fs'
import path from 'node:path'
import { createPool, openPostgresStore } from './postgres.js'
import { openSqliteStore, SQLITE_FILE } from './sqlite.js'

/** Rows per INSERT: well under PostgreSQL's 65535 parameters for the widest table. */
const BATCH = 500

/** Tables a migration fills with their one row: the copy replaces it with the source's. */
const SEEDED_BY_MIGRATIONS = new Set(['config_version'])

export class CopyError extends Error {}

/** The tables of the SQLite file, each after the tables its foreign keys point to. */
function tablesInOrder (sqlite: Database.Database): string[] {
  const names = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'
    AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'kysely\\_%' ESCAPE '\\' ORDER BY name`).all() as Array<{ name: string }>)
    .map((r) => r.name)
  const parents = new Map(names.map((name) => [name,
    (sqlite.prepare(`SELECT "table" AS parent FROM pragma_foreign_key_list(?)`).all(name) as Array<{ parent: string }>)
      .map((r) => r.parent).filter((p) => p !== name)]))
  const ordered: string[] = []
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return
    if (path.includes(name)) throw new CopyError(`foreign keys form a cycle: ${[...path, name].join(' -> ')}`)
    for (const parent of parents.get(name) ?? []) visit(parent, [...path, name])
    ordered.push(name)
  }
  for (const name of names) visit(name, [])
  return ordered
}

/** Copies the data directory's store into the PostgreSQL at `url`; returns the rows copied per table. */
export async function copySqliteToPostgres (dataDir: string, url: string): Promise<Array<{ table: string, rows: number }>> {
  if (!fs.existsSync(path.join(dataDir, SQLITE_FILE))) throw new CopyError(`no SQLite store in ${dataDir} (TOLLGATE_DATA_DIR names the data directory)`)
  await (await openSqliteStore(dataDir)).close()
  await (await openPostgresStore({ url, poolSize: 1 })).close()
  const sqlite = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true, fileMustExist: true })
  const target = new Kysely<any>({ dialect: new PostgresDialect({ pool: createPool({ url, poolSize: 1 }) }) })
  try {
    const tables = tablesInOrder(sqlite)
    return await target.transaction().execute(async (trx) => {
      for (const table of tables.filter((t) => !SEEDED_BY_MIGRATIONS.has(t))) {
        const { count } = await trx.selectFrom(table).select(sql<number>`count(*)`.as('count')).executeTakeFirstOrThrow()
        if (Number(count) > 0) throw new CopyError(`the target database is not empty: ${table} has rows (copy into a new database)`)
      }
      for (const table of SEEDED_BY_MIGRATIONS) if (tables.includes(table)) await trx.deleteFrom(table).execute()
      const copied: Array<{ table: string, rows: number }> = []
      for (const table of tables) {
        let rows = 0
        let batch: unknown[] = []
        for (const row of sqlite.prepare(`SELECT * FROM "${table}"`).iterate()) {
          batch.push(row)
          if (batch.length === BATCH) {
            await trx.insertInto(table).values(batch).execute()
            rows += batch.length
            batch = []
          }
        }
        if (batch.length > 0) await trx.insertInto(table).values(batch).execute()
        copied.push({ table, rows: rows + batch.length })
      }
      return copied
    })
  } finally {
    sqlite.close()
    await target.destroy()
  }
}
