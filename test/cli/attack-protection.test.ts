// `tollgate users unblock`, `tollgate ips unthrottle` and `tollgate logs`, run as the operator runs
// them: the built command (package.json's bin, which `npm test` builds first) in a separate process
// on the same data directory (or Redis) as a running app.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { login, protection, TEST_REDIS_URL } from '../helpers/attack.js'
import { buildTestApp } from '../helpers/app.js'

const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`)
// Each command is a process start (a few seconds on a busy machine): more time than the default.
t.setTimeout(300_000)

const BLOCKED = { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' }

function tollgate (env: Record<string, string>, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })
    })
  })
}

for (const backend of ['store', 'redis'] as const) {
  t.test(`users unblock lifts an account's blocks from every IP (${backend})`, async (t) => {
    const dataDir = t.testdir()
    const redis = backend === 'redis' ? { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `tollgate-test:${randomUUID()}:` } : undefined
    const app = await buildTestApp(t, { config: { dataDir, ...protection({ bruteForce: { threshold: 1 } }), ...redis } })
    const env: Record<string, string> = { TOLLGATE_DATA_DIR: dataDir, ...(redis ? { TOLLGATE_REDIS_URL: redis.redisUrl, TOLLGATE_REDIS_KEY_PREFIX: redis.redisKeyPrefix } : {}) }
    await login(app, { password: 'wrong' }, { ip: '203.0.113.5' })
    await login(app, { username: 'alice', password: 'wrong' }, { ip: '198.51.100.7' })
    t.same((await login(app, {}, { ip: '203.0.113.5' })).json(), BLOCKED)
    t.same((await login(app, {}, { ip: '198.51.100.7' })).json(), BLOCKED)

    const res = await tollgate(env, 'users', 'unblock', '--tenant', 'acme', '--connection', 'db', 'alice@acme.test')
    t.equal(res.code, 0, res.stderr)
    t.equal(res.stdout, 'unblocked alice@acme.test (auth0|alice) in acme/db: 2 failed-login counters cleared\n')
    t.equal((await login(app, {}, { ip: '203.0.113.5' })).statusCode, 200)
    t.equal((await login(app, {}, { ip: '198.51.100.7' })).statusCode, 200)
  })
}

t.test('ips unthrottle gives an IP its allowance back', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { config: { dataDir, ...protection({ bruteForce: { enabled: false }, suspiciousIp: { maxFailures: 1 } }) } })
  await login(app, { password: 'wrong' })
  t.equal((await login(app)).statusCode, 429)
  const res = await tollgate({ TOLLGATE_DATA_DIR: dataDir }, 'ips', 'unthrottle', '203.0.113.5')
  t.equal(res.code, 0, res.stderr)
  t.equal(res.stdout, '203.0.113.5 may log in to acme again\n')
  t.equal((await login(app)).statusCode, 200)
  t.equal((await tollgate({ TOLLGATE_DATA_DIR: dataDir }, 'ips', 'unthrottle', '203.0.113.5')).stdout, '203.0.113.5 was not throttled in acme\n')
})

t.test('logs shows the audit log, newest first, filtered by type, as text or JSON', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { config: { dataDir, ...protection({ bruteForce: { threshold: 2 } }) } })
  await login(app, { password: 'first wrong' })
  await login(app, { username: 'nobody@acme.test', password: 'second wrong' })
  await login(app, { password: 'third wrong' })
  const env = { TOLLGATE_DATA_DIR: dataDir }
  await tollgate(env, 'users', 'unblock', '--connection', 'db', 'alice@acme.test')

  const text = await tollgate(env, 'logs')
  t.equal(text.code, 0, text.stderr)
  const lines = text.stdout.trim().split('\n').map((l) => l.replace(/^\S+Z /, ''))
  t.same(lines, [
    'unblock      connection=db user=auth0|alice login=alice@acme.test detail=admin',
    'block        client=spa connection=db user=auth0|alice login=alice@acme.test ip=203.0.113.5 detail=per_ip',
    'failed_login client=spa connection=db user=auth0|alice login=alice@acme.test ip=203.0.113.5 detail=wrong_password',
    'failed_login client=spa connection=db login=nobody@acme.test ip=203.0.113.5 detail=wrong_password',
    'failed_login client=spa connection=db user=auth0|alice login=alice@acme.test ip=203.0.113.5 detail=wrong_password',
  ])
  t.match(text.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z unblock /)
  t.notMatch(text.stdout, /wrong\b(?!_)/, 'no password in the log')

  const blocks = await tollgate(env, 'logs', '--type', 'block', '--json', '--tenant', 'acme')
  t.match(JSON.parse(blocks.stdout), [{ type: 'block', tenant: 'acme', userId: 'auth0|alice', ip: '203.0.113.5', createdAt: Number }])
  t.equal((await tollgate(env, 'logs', '--limit', '2')).stdout.trim().split('\n').length, 2)
})

t.test('mistakes are refused in one line: usage errors exit 2, failures exit 1, and nothing is written', async (t) => {
  const dataDir = t.testdir()
  await buildTestApp(t, { config: { dataDir } })
  const env = { TOLLGATE_DATA_DIR: dataDir }
  const cases: Array<[string[], number, string]> = [
    [['users', 'unblock', 'alice@acme.test'], 2, "tollgate: required option '--connection <name>' not specified\n"],
    [['users', 'unblock', '--connection', 'db'], 2, "tollgate: missing required argument 'login'\n"],
    [['users', 'unblock', '--connection', 'db', '--tenant', 'nope', 'alice@acme.test'], 1, 'tollgate: no tenant named nope\n'],
    [['users', 'unblock', '--connection', 'nope', 'alice@acme.test'], 1, 'tollgate: no connection named nope in tenant acme\n'],
    [['users', 'unblock', '--connection', 'db', 'nobody@acme.test'], 1, 'tollgate: no user nobody@acme.test in acme/db\n'],
    [['ips', 'unthrottle'], 2, "tollgate: missing required argument 'ip'\n"],
    [['ips', 'unthrottle', '--tenant', 'acme', 'not-an-ip'], 2,
      "tollgate: command-argument value 'not-an-ip' is invalid for argument 'ip'. it is not an IPv4 or IPv6 address.\n"],
    [['logs', '--type', 'success'], 2,
      "tollgate: option '--type <type>' argument 'success' is invalid. it must be one of failed_login, block, unblock, throttle, unthrottle.\n"],
    [['logs', '--limit', 'all'], 2, "tollgate: option '--limit <n>' argument 'all' is invalid. it must be a whole number above 0.\n"],
    [['logs', '--colour'], 2, "tollgate: unknown option '--colour'\n"],
  ]
  const results = await Promise.all(cases.map(([args]) => tollgate(env, ...args)))
  cases.forEach(([args, code, stderr], i) => {
    t.equal(results[i].code, code, `${args.join(' ')}: exit code`)
    t.equal(results[i].stderr, stderr, `${args.join(' ')}: message`)
    t.equal(results[i].stdout, '', `${args.join(' ')}: nothing printed`)
  })
  const logged = await tollgate(env, 'logs', '--json')
  t.same(JSON.parse(logged.stdout), [], 'nothing reached the audit log')
})
