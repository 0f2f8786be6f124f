// A real PostgreSQL for the tests that need one (TOLLGATE_TEST_DATABASE_URL; .ci/run starts one).
// Each test gets a schema of its own on that database (cheaper than a database), dropped after it.
import { randomBytes } from 'node:crypto'
import net from 'node:net'
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

/**
 * A TCP relay in front of the test PostgreSQL, which a test can cut and restore: what an instance
 * sees when its database stops (connections reset, new ones refused) and comes back, without
 * stopping the server other tests use at the same time.
 */
export async function outageRelay (t: Test, url: string) {
  const target = new URL(url)
  const sockets = new Set<net.Socket>()
  const pairs = new Set<[net.Socket, net.Socket]>()
  let stalled = false
  const flow = ([inbound, outbound]: [net.Socket, net.Socket]) => { inbound.pipe(outbound).pipe(inbound) }
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port || 5432), target.hostname)
    const pair: [net.Socket, net.Socket] = [inbound, outbound]
    pairs.add(pair)
    for (const s of pair) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => { sockets.delete(s); pairs.delete(pair); inbound.destroy(); outbound.destroy() })
    }
    if (!stalled) flow(pair)
  })
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve((server.address() as net.AddressInfo).port) })
  })
  const port = await listen(0)
  let down = false
  const relay = {
    url: Object.assign(new URL(url), { hostname: '127.0.0.1', port: String(port) }).toString(),
    /** The database goes away: open connections are reset, new ones refused. */
    async cut () {
      down = true
      const closed = new Promise((resolve) => server.close(resolve))
      for (const s of sockets) s.destroy()
      await closed
    },
    /** The database is back on the same address. */
    async restore () {
      down = false
      await listen(port)
    },
    /** The server stops answering but keeps its connections (hung, or packets dropped): nothing is forwarded. */
    stall () {
      stalled = true
      for (const [inbound, outbound] of pairs) {
        inbound.unpipe(outbound)
        outbound.unpipe(inbound)
      }
    },
    /** Answers flow again, what was held first. */
    unstall () {
      stalled = false
      for (const pair of pairs) flow(pair)
    },
  }
  t.teardown(async () => { if (!down) await relay.cut() })
  return relay
}
