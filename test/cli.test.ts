// The `tollgate` command as a new user runs it: the first run with demo data on a real socket, a
// restart on the same data, and `apply` with good and bad files.
import Database from 'better-sqlite3'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import t, { type Test } from 'tap'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { fixture } from './helpers/fixture.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')

function env (dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, TOLLGATE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TOLLGATE_ARGON2_MEMORY_COST: '4096' }
}

/** Starts `tollgate serve --demo` and resolves with what it printed once it is listening. */
function serveDemo (t: Test, dataDir: string): Promise<{ child: ChildProcess, output: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--demo'], { env: env(dataDir), stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk) => {
      output += chunk
      if (output.includes('curl ')) resolve({ child, output })
    })
    child.stderr!.on('data', (chunk) => { output += chunk })
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening:\n${output}`)))
  })
}

async function loginAsPrinted (output: string) {
  const url = /curl -s (\S+)/.exec(output)![1]
  const body = /-d '([^']+)'/.exec(output)![1]
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
}

const stop = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  child.once('exit', (code) => resolve(code))
  child.kill('SIGTERM')
})

t.test('first run: demo data, the printed curl command logs in, a restart keeps the data', async (t) => {
  const dataDir = path.join(t.testdir(), 'fresh', 'data')
  const first = await serveDemo(t, dataDir)
  t.match(first.output, /Tollgate is listening on http:\/\/127\.0\.0\.1:\d+/)
  const res = await loginAsPrinted(first.output)
  t.equal(res.status, 200)
  t.match(await res.json(), { token_type: 'bearer', id_token: /^ey/, access_token: /^ey/ })
  t.equal(await stop(first.child), 0, 'SIGTERM closes gracefully')

  const second = await serveDemo(t, dataDir)
  t.equal((await loginAsPrinted(second.output)).status, 200)
  t.equal(await stop(second.child), 0)

  const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
  t.teardown(() => db.close())
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  t.same([count('tenants'), count('clients'), count('users'), count('signing_keys')], [1, 1, 1, 1], 'nothing duplicated')
})

t.test('tollgate apply', async (t) => {
  const dir = t.testdir()
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { env: env(path.join(dir, 'data')), encoding: 'utf8' })
  const good = path.join(dir, 'good.json')
  const bad = path.join(dir, 'bad.json')
  writeFileSync(good, JSON.stringify(fixture()))
  const doc = fixture()
  ;(doc.tenants[0].users[2] as any).email_verified = 'yes'
  writeFileSync(bad, JSON.stringify(doc))

  const refused = run('apply', bad)
  t.equal(refused.status, 1)
  t.match(refused.stderr, /bad\.json was not applied, nothing changed: \/tenants\/0\/users\/2\/email_verified: Expected boolean/)

  const applied = run('apply', good)
  t.equal(applied.status, 0, applied.stderr)
  t.match(applied.stdout, /applied .*good\.json: (\d+) created, 0 updated, 0 unchanged/)
  const again = run('apply', good)
  t.match(again.stdout, /: 0 created, 0 updated, \d+ unchanged/)

  const missing = run('apply', path.join(dir, 'nope.json'))
  t.equal(missing.status, 1)
  t.match(missing.stderr, /cannot read .*nope\.json/)
  t.equal(run('frobnicate').status, 2)
})

t.test("tollgate apply holds clear passwords to their connection's policy", async (t) => {
  const dir = t.testdir()
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { env: env(path.join(dir, 'data')), encoding: 'utf8' })
  const weak = path.join(dir, 'weak.json')
  const doc = fixture()
  ;(doc.tenants[0].users[0] as any).password = 'x'
  writeFileSync(weak, JSON.stringify(doc))

  const refused = run('apply', weak)
  t.equal(refused.status, 1)
  t.equal(refused.stderr, `tollgate: ${weak} was not applied, nothing changed: /tenants/0/users/0/password: the password does not satisfy the password policy ` +
    'of connection db: It must be at least 8 characters in length. (--allow-weak-passwords applies it anyway)\n')

  const allowed = run('apply', '--allow-weak-passwords', weak)
  t.equal(allowed.status, 0, allowed.stderr)
  t.equal(allowed.stderr, 'tollgate: warning: /tenants/0/users/0/password: the password does not satisfy the password policy of connection db: ' +
    'It must be at least 8 characters in length.\n')
  t.match(allowed.stdout, /^applied .*weak\.json: \d+ created/)
})
