// Audit events are written in batches off the request's path; a graceful stop must write every one
// of them. A real server process with its default settings (a 200 ms flush), failed logins, then
// SIGTERM right after the last answer: the log holds one event per failed login.
import { spawn } from 'node:child_process'
import path from 'node:path'
import http from 'node:http'
import t from 'tap'
import { openSqliteStore } from '../src/store/sqlite.js'
import { passwordBody, provision, testConfig } from './helpers/app.js'
import { fixture } from './helpers/fixture.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
const LOGINS = 5

function post (port: number, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/oauth/ro', headers: { host: 'acme.test', 'content-type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

t.test('a graceful stop writes every buffered audit event', async (t) => {
  const config = testConfig(t)
  await provision(config, fixture())
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: { ...process.env, TOLLGATE_DATA_DIR: config.dataDir, PORT: '0', LOG_LEVEL: 'warn', TOLLGATE_WORKERS: '1', TOLLGATE_ARGON2_MEMORY_COST: '4096', TOLLGATE_AUDIT_FLUSH_MS: '5000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => { child.kill('SIGKILL') })
  const port = await new Promise<number>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`not listening after 30 s:\n${output}`)), 30_000)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
      if (found) { clearTimeout(timer); resolve(Number(found)) }
    })
    child.stderr!.on('data', (chunk) => { output += chunk })
  })

  for (let i = 0; i < LOGINS; i++) t.equal(await post(port, passwordBody({ password: `wrong ${i}` })), 401)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  t.equal(await exited, 0)

  const store = await openSqliteStore(config.dataDir)
  t.teardown(() => store.close())
  const events = await store.events({ type: 'failed_login', limit: 100 })
  t.equal(events.length, LOGINS, 'every failed login is in the log (the 5 s flush never came)')
})
