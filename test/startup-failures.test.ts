// An operator's mistakes at start, as real processes: each stops the start with one line naming the
// setting, its value or path, and what is wrong; exit 1, no stack trace.
import { writeFileSync } from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import t, { type Test } from 'tap'
import { provision, testConfig } from './helpers/app.js'
import { exitWithin, start, CLI } from './helpers/process.js'

t.setTimeout(600_000)

async function failedStart (t: Test, env: Record<string, string>, args = ['serve']) {
  const run = start(t, process.execPath, [CLI, ...args], { PORT: '0', LOG_LEVEL: 'warn', ...env })
  const exit = await exitWithin(run, 120_000)
  return { ...exit, output: run.output() }
}

t.test('each mistake: exit 1 and one line', async (t) => {
  const config = testConfig(t)
  await provision(config, (await import('./helpers/fixture.js')).fixture())
  const dataDir = config.dataDir
  const file = path.join(t.testdir(), 'a-file')
  writeFileSync(file, 'not a directory')
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as AddressInfo).port

  const cases: Array<[string, Record<string, string>, string]> = [
    ['port in use', { TOLLGATE_DATA_DIR: dataDir, PORT: String(port) },
      `tollgate: cannot listen on 127.0.0.1:${port} (HOST, PORT): the port is in use\n`],
    ['a data directory that cannot be created', { TOLLGATE_DATA_DIR: path.join(file, 'data') },
      `tollgate: TOLLGATE_DATA_DIR: cannot use the data directory ${path.join(file, 'data')}: ENOTDIR\n`],
    ['an unreachable Redis', { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_REDIS_URL: 'redis://:s3cret@127.0.0.1:1' },
      'tollgate: TOLLGATE_REDIS_URL: cannot connect to Redis at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n'],
    // Each worker fails on its own; the main process prints the first one's line only, and exits.
    ['an unreachable Redis, with 2 workers', { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_WORKERS: '2', TOLLGATE_REDIS_URL: 'redis://:s3cret@127.0.0.1:1' },
      'tollgate: TOLLGATE_REDIS_URL: cannot connect to Redis at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n'],
    ['a missing breached-password file', { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_BREACHED_PASSWORDS_FILE: '/nonexistent/pwned.txt' },
      "tollgate: TOLLGATE_BREACHED_PASSWORDS_FILE: cannot open the breached-passwords file /nonexistent/pwned.txt: ENOENT: no such file or directory, open '/nonexistent/pwned.txt'\n"],
    ['a missing TLS certificate', { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_TLS_CERT_FILE: '/nonexistent/cert.pem', TOLLGATE_TLS_KEY_FILE: '/nonexistent/key.pem' },
      'tollgate: TOLLGATE_TLS_CERT_FILE: cannot read /nonexistent/cert.pem (ENOENT)\n'],
    ['TOLLGATE_TRUST_PROXY=maybe', { TOLLGATE_DATA_DIR: dataDir, TOLLGATE_TRUST_PROXY: 'maybe' },
      'tollgate: invalid setting TOLLGATE_TRUST_PROXY="maybe": allowed is true, false, or IP addresses or CIDRs, comma-separated\n'],
    ['PORT=abc', { TOLLGATE_DATA_DIR: dataDir, PORT: 'abc' }, 'tollgate: invalid setting PORT="abc": allowed is an integer, 0 to 65535\n'],
    ['LOG_LEVEL=loud', { TOLLGATE_DATA_DIR: dataDir, LOG_LEVEL: 'loud' },
      'tollgate: invalid setting LOG_LEVEL="loud": allowed is fatal, error, warn, info, debug, trace, silent\n'],
  ]
  for (const [name, env, line] of cases) {
    const result = await failedStart(t, env)
    t.same({ code: result.code, output: result.output }, { code: 1, output: line }, name)
  }
})

t.test('apply names the data directory it cannot use, in one line', async (t) => {
  const file = path.join(t.testdir(), 'a-file')
  writeFileSync(file, '{"tenants": []}')
  const result = await failedStart(t, { TOLLGATE_DATA_DIR: path.join(file, 'data') }, ['apply', file])
  t.same({ code: result.code, output: result.output },
    { code: 1, output: `tollgate: TOLLGATE_DATA_DIR: cannot use the data directory ${path.join(file, 'data')}: ENOTDIR\n` })
})

t.test('doctor says what is wrong, one line per check, and exits 1', async (t) => {
  const config = testConfig(t)
  await provision(config, (await import('./helpers/fixture.js')).fixture())
  const run = start(t, process.execPath, [CLI, 'doctor'], {
    TOLLGATE_DATA_DIR: config.dataDir, PORT: '0', TOLLGATE_REDIS_URL: 'redis://127.0.0.1:1', TOLLGATE_BREACHED_PASSWORDS_FILE: '/nonexistent/pwned.txt',
  })
  t.equal((await exitWithin(run, 120_000)).code, 1)
  t.equal(run.output(), [
    'ok   settings: every TOLLGATE_* variable set is valid',
    `ok   data directory: ${config.dataDir}: 2 tenants (acme, other), each with a signing key`,
    'ok   listen: PORT=0: any free port',
    'FAIL redis: TOLLGATE_REDIS_URL: cannot connect to Redis at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1',
    "FAIL breached passwords: TOLLGATE_BREACHED_PASSWORDS_FILE: cannot open the breached-passwords file /nonexistent/pwned.txt: ENOENT: no such file or directory, open '/nonexistent/pwned.txt'",
    '',
  ].join('\n'))

  const bad = start(t, process.execPath, [CLI, 'doctor'], { TOLLGATE_DATA_DIR: config.dataDir, PORT: 'abc' })
  t.equal((await exitWithin(bad, 120_000)).code, 1)
  t.equal(bad.output(), 'FAIL settings: invalid setting PORT="abc": allowed is an integer, 0 to 65535\n')
})
