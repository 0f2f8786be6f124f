// `tollgate users mfa list|reset`, run as the operator runs it: the built command in a separate
// process on the data directory of a running app.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { buildMfaApp, enrolOtp, listAuthenticators, mfaToken } from '../helpers/mfa.js'

const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`)
t.setTimeout(300_000)

function tollgate (dataDir: string, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, TOLLGATE_DATA_DIR: dataDir } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })
    })
  })
}

t.test('users mfa list shows the authenticators, reset removes them, --help does nothing', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  const dataDir = app.tollgate.config.dataDir

  const help = await tollgate(dataDir, 'users', 'mfa', 'reset', '--connection', 'db', 'alice@acme.test', '--help')
  t.equal(help.code, 0)
  t.match(help.stdout, /Usage: tollgate users mfa reset \[options\] <login>/)

  const list = await tollgate(dataDir, 'users', 'mfa', 'list', '--connection', 'db', 'alice@acme.test')
  t.equal(list.code, 0, list.stderr)
  const lines = list.stdout.trim().split('\n')
  t.equal(lines.length, 2)
  t.match(lines[0], /^recovery-code\|dev_\S+ {2}recovery-code {2}active {2}enrolled 2026-01-01T12:00:\d\d\.000Z$/)
  t.match(lines[1], /^totp\|dev_\S+ {2}otp {2}active/)
  t.notMatch(list.stdout, secret)

  const reset = await tollgate(dataDir, 'users', 'mfa', 'reset', '--tenant', 'acme', '--connection', 'db', 'alice@acme.test')
  t.equal(reset.code, 0, reset.stderr)
  t.equal(reset.stdout, 'reset MFA of alice@acme.test (auth0|alice) in acme: 2 authenticators removed\n')
  t.same((await listAuthenticators(app, await mfaToken(app))).json(), [], 'the user enrols again')
  const events = await app.tollgate.store.events({ type: 'mfa_reset', limit: 5 })
  t.match(events, [{ type: 'mfa_reset', userId: 'auth0|alice', detail: 'admin' }])

  const unknown = await tollgate(dataDir, 'users', 'mfa', 'list', '--connection', 'db', 'nobody@acme.test')
  t.same([unknown.code, unknown.stderr], [1, 'tollgate: no user nobody@acme.test in acme/db\n'])
  const typo = await tollgate(dataDir, 'users', 'mfa', 'list', '--connection', 'db', '--tenat', 'acme', 'alice@acme.test')
  t.equal(typo.code, 2, 'a usage mistake')
  t.match(typo.stderr, /^tollgate: unknown option '--tenat'/)
})
