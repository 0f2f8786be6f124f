// A real PostgreSQL for the tests that need one (TOLLGATE_TEST_DATABASE_URL; .ci/run starts one).
// Each test gets a schema of its own on that database (cheaper than a database), dropped after it.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'

const HOW = 'set TOLLGATE_TEST_DATABASE_URL=postgres://USER@HOST:PORT/DB to a PostgreSQL database the tests may create schemas in (bash .ci/run starts one)'

/** The server's URL; a test without it fails with one line saying how to provide it. */
export function testDatabaseUrl (t: Test): string {
  const url = process.env.TOLLGATE_TEST_DATABASE_URL
  if (!url) throw new Error(`no PostgreSQL: ${HOW}`)
  return url
}

async function admin<T> (url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A new empty schema on the test database, dropped when the test ends; returns the URL that uses it. */
export async function freshDatabase (t: Test): Promise<string> {
  const server = testDatabaseUrl(t)
  const name = `tollgate_t_${randomBytes(6).toString('hex')}`
  try {
    await admin(server, (c) => c.query(`CREATE SCHEMA ${name}`))
  } catch (err) {
    throw new Error(`PostgreSQL at TOLLGATE_TEST_DATABASE_URL did not create a schema (${(err as Error).message}): ${HOW}`)
  }
  t.teardown(() => admin(server, (c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)))
  const url = new URL(server)
  url.searchParams.set('options', `-c search_path=${name}`)
  return url.toString()
}

/** Runs SQL on a test database directly (to read what the store wrote, or to set state up). */
export async function query (url: string, text: string, params: unknown[] = []): Promise<any[]> {
  return admin(url, async (c) => (await c.query(text, params)).rows)
}
