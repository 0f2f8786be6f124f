// The CLI on PostgreSQL: an operator's mistake in TOLLGATE_DATABASE_URL is one line naming what is
// wrong (never a stack trace, never the password); a right one serves from the shared database.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { startInstance } from './helpers/instances.js'
import { freshDatabase, testDatabaseUrl } from './helpers/postgres.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
const run = (args: string[], databaseUrl: string) => spawnSync(process.execPath, [cli, ...args], {
  env: { ...process.env, TOLLGATE_DATA_DIR: path.join(t.testdirName, 'unused'), TOLLGATE_WORKERS: '1', PORT: '0', TOLLGATE_DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 60_000,
})

t.test('a wrong database URL is one line, without the password', async (t) => {
  const server = new URL(testDatabaseUrl(t))
  const cases: Array<[string, string, string]> = [
    ['not PostgreSQL', 'mysql://u:hunter2@db/x', 'tollgate: invalid setting TOLLGATE_DATABASE_URL=(hidden): allowed is a postgres:// or postgresql:// URL\n'],
    ['nothing listening', 'postgres://u:hunter2@127.0.0.1:1/db', 'tollgate: TOLLGATE_DATABASE_URL: cannot connect to PostgreSQL at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n'],
    ['no such database', Object.assign(new URL(server), { pathname: '/tollgate_nonexistent', password: 'hunter2' }).toString(),
      `tollgate: TOLLGATE_DATABASE_URL: cannot connect to PostgreSQL at ${server.host}: database "tollgate_nonexistent" does not exist\n`],
  ]
  for (const [name, url, expected] of cases) {
    for (const command of [['serve'], ['logs']]) {
      const result = run(command, url)
      t.equal(result.status, 1, `${name}: ${command[0]} exits 1`)
      t.equal(result.stderr, expected, `${name}: ${command[0]} says it in one line`)
      t.notMatch(result.stderr + result.stdout, /hunter2/, 'the password is never printed')
    }
  }
})

t.test('serve on PostgreSQL says where its store is, not the URL', async (t) => {
  const url = await freshDatabase(t)
  const instance = await startInstance(t, { TOLLGATE_DATABASE_URL: url })
  const host = new URL(url).host
  t.match(instance.output, `Tollgate is listening on http://127.0.0.1:${instance.port} (store: PostgreSQL at ${host})`)
  t.notMatch(instance.output, new URL(url).search, 'not the URL')
})
