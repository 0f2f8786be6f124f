// `tollgate migrate-store --to postgres://...`: a data directory's SQLite store copied into
// PostgreSQL, run as an operator runs it; an instance on PostgreSQL then serves the same users,
// keys and refresh tokens. A non-empty target is refused and left as it was.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { decodeHeader, poster } from './helpers/http.js'
import { freshDatabase, query } from './helpers/postgres.js'
import { sessionsFixture } from './helpers/sessions-fixture.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
const run = (args: string[], dataDir: string) =>
  spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, TOLLGATE_DATA_DIR: dataDir, TOLLGATE_DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000 })

t.test('an SQLite store moves to PostgreSQL with its users, keys and refresh tokens', async (t) => {
  const dataDir = t.testdir()
  const before = await buildTestApp(t, { document: sessionsFixture(), config: { dataDir } })
  const login = await poster(before, '/oauth/token')({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access' })
  t.equal(login.statusCode, 200)
  const { refresh_token: refreshToken, access_token: accessToken } = login.json()
  await before.close()

  const url = await freshDatabase(t)
  const copied = run(['migrate-store', '--to', url], dataDir)
  t.equal(copied.status, 0, copied.stderr)
  t.match(copied.stdout, /^users\s+\d+$/m)
  t.match(copied.stdout, /^refresh_tokens\s+1$/m)
  t.match(copied.stdout, /copied .* into PostgreSQL at 127\.0\.0\.1:\d+/)
  t.notMatch(copied.stdout + copied.stderr, new URL(url).search, 'the URL is not printed whole')

  // (its own data directory: the test's is the SQLite store, which must stay)
  const after = await buildTestApp(t, { document: sessionsFixture(), config: { dataDir: path.join(dataDir, 'unused'), database: { url, poolSize: 2 } } })
  const refreshed = await poster(after, '/oauth/token')({ grant_type: 'refresh_token', client_id: 'spa', refresh_token: refreshToken })
  t.equal(refreshed.statusCode, 200, 'the refresh token issued on SQLite is redeemed on PostgreSQL')
  t.equal(decodeHeader(refreshed.json().access_token).kid, decodeHeader(accessToken).kid, 'signed with the same key')
  const again = await poster(after, '/oauth/token')({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD })
  t.equal(again.statusCode, 200, 'the password hash came along')

  const rows = await query(url, 'SELECT count(*) AS n FROM users')
  const second = run(['migrate-store', '--to', url], dataDir)
  t.equal(second.status, 1)
  t.equal(second.stderr, 'tollgate: nothing was copied: the target database is not empty: tenants has rows (copy into a new database)\n')
  t.same(await query(url, 'SELECT count(*) AS n FROM users'), rows, 'left as it was')
})

t.test('migrate-store: --help never acts; a missing --to or data directory is one line', async (t) => {
  const dataDir = t.testdir()
  const help = run(['migrate-store', '--help'], dataDir)
  t.equal(help.status, 0)
  t.match(help.stdout, /^Usage: tollgate migrate-store \[options\]/)
  const noTarget = run(['migrate-store'], dataDir)
  t.equal(noTarget.status, 2, 'a usage mistake')
  t.equal(noTarget.stderr, "tollgate: required option '--to <url>' not specified\n")
  const unknown = run(['migrate-store', '--to', 'postgres://x/y', '--force'], dataDir)
  t.equal(unknown.status, 2)
  t.equal(unknown.stderr, "tollgate: unknown option '--force'\n")
  const empty = run(['migrate-store', '--to', 'postgres://127.0.0.1:1/nothing'], path.join(dataDir, 'absent'))
  t.equal(empty.status, 1)
  t.equal(empty.stderr, `tollgate: nothing was copied: no SQLite store in ${path.join(dataDir, 'absent')} (TOLLGATE_DATA_DIR names the data directory)\n`)
})
