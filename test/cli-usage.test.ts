// The `tollgate` command's contract with an operator, run as a process (the built bin): every
// command and subcommand has --help that never acts; unknown options, missing arguments and bad
// values exit 2 with one line; commands other than serve and apply never create a data directory.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does it first)`)
t.setTimeout(300_000)

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs each argument list, a few processes at a time (a busy machine runs many tests at once). */
async function runAll (env: Record<string, string>, cwd: string, argLists: string[][]): Promise<Run[]> {
  const results: Run[] = []
  for (let i = 0; i < argLists.length; i += 4) {
    results.push(...await Promise.all(argLists.slice(i, i + 4).map((args) => tollgate(env, cwd, ...args))))
  }
  return results
}

/** Runs the CLI with a deadline; `cwd` is an empty folder so nothing can land in the repo. */
function tollgate (env: Record<string, string>, cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Without tap's NODE_OPTIONS: its process tracking in each of these short processes only costs time.
    const { NODE_OPTIONS: _tapOptions, ...inherited } = process.env
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => { stdout += c })
    child.stderr.on('data', (c) => { stderr += c })
    const deadline = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`tollgate ${args.join(' ')} still running after 120 s`)) }, 120_000)
    child.on('exit', (code) => { clearTimeout(deadline); resolve({ code, stdout, stderr }) })
  })
}

const COMMANDS = [
  ['serve'], ['apply'], ['schema'], ['settings'], ['doctor'], ['outbox'], ['logs'],
  ['keys'], ['keys', 'list'], ['keys', 'rotate'], ['keys', 'prune'],
  ['users'], ['users', 'unblock'], ['ips'], ['ips', 'unthrottle'], ['clients'], ['clients', 'delete'],
]

t.test('--help on every command prints its usage, exits 0 and does nothing', async (t) => {
  const cwd = t.testdir()
  const dataDir = path.join(cwd, 'data')
  const results = await runAll({ TOLLGATE_DATA_DIR: dataDir }, cwd, COMMANDS.map((command) => [...command, '--help']))
  COMMANDS.forEach((command, i) => {
    const name = command.join(' ')
    t.equal(results[i].code, 0, `${name} --help: exit 0`)
    t.match(results[i].stdout, new RegExp(`^Usage: tollgate ${name} `), `${name} --help: its usage`)
    t.equal(results[i].stderr, '', `${name} --help: nothing on stderr`)
  })
  t.same(readdirSync(cwd), [], 'no data directory, nothing written')
})

t.test('tollgate alone prints the help and exits non-zero', async (t) => {
  const res = await tollgate({}, t.testdir())
  t.equal(res.code, 2)
  t.match(res.stderr, /^Usage: tollgate \[options\] \[command\]/)
  t.match(res.stderr, /serve \[options\]/)
})

t.test('usage mistakes exit 2 with one line', async (t) => {
  const cwd = t.testdir()
  const cases: Array<[string[], string]> = [
    [['serve', '--dmeo'], "tollgate: unknown option '--dmeo' (Did you mean --demo?)\n"],
    [['apply'], "tollgate: missing required argument 'file'\n"],
    [['apply', 'a.json', 'b.json'], "tollgate: too many arguments for 'apply'. Expected 1 argument but got 2.\n"],
    [['frobnicate'], "tollgate: unknown command 'frobnicate'\n"],
    [['keys', 'spin'], "tollgate: unknown command 'spin'\n"],
    [['keys', 'rotate', '--alg', 'HS256'], "tollgate: option '--alg <alg>' argument 'HS256' is invalid. it must be one of RS256, ES256, EdDSA.\n"],
    [['keys', 'list', '--alg', 'ES256'], "tollgate: unknown option '--alg'\n"],
    [['outbox', '--limit', '0'], "tollgate: option '--limit <n>' argument '0' is invalid. it must be a whole number above 0.\n"],
    [['settings', '--json', '--markdown'], "tollgate: option '--json' cannot be used with option '--markdown'\n"],
    [['clients', 'delete'], "tollgate: missing required argument 'client_id'\n"],
    [['clients', 'delete', 'a b'], "tollgate: command-argument value 'a b' is invalid for argument 'client_id'. a client id is 1 to 128 letters, digits, dots, dashes or underscores.\n"],
    [['clients', 'delete', 'spa', '--force'], "tollgate: unknown option '--force'\n"],
  ]
  const results = await runAll({ TOLLGATE_DATA_DIR: path.join(cwd, 'data') }, cwd, cases.map(([args]) => args))
  cases.forEach(([args, stderr], i) => {
    t.equal(results[i].code, 2, `${args.join(' ')}: exit 2`)
    t.equal(results[i].stderr, stderr, `${args.join(' ')}: one line`)
  })
  t.same(readdirSync(cwd), [], 'nothing written')
})

t.test('a data directory that does not exist is an error, except for serve and apply', async (t) => {
  const cwd = t.testdir()
  const dataDir = path.join(cwd, 'nowhere')
  const commands = [['outbox'], ['logs'], ['keys', 'list'], ['keys', 'rotate'], ['keys', 'prune'],
    ['users', 'unblock', '--connection', 'db', 'alice'], ['ips', 'unthrottle', '10.0.0.1'], ['clients', 'delete', 'spa']]
  const results = await runAll({ TOLLGATE_DATA_DIR: dataDir }, cwd, commands)
  commands.forEach((command, i) => {
    t.equal(results[i].code, 1, `${command.join(' ')}: exit 1`)
    t.equal(results[i].stderr, `tollgate: no data directory ${dataDir}: set TOLLGATE_DATA_DIR to the server's (tollgate serve and apply create it)\n`)
  })
  const fromElsewhere = await tollgate({ TOLLGATE_DATA_DIR: '' }, cwd, 'outbox')
  t.equal(fromElsewhere.code, 1, 'run from another folder, without TOLLGATE_DATA_DIR')
  t.match(fromElsewhere.stderr, /^tollgate: no data directory .*\/data: /)
  t.same(readdirSync(cwd), [], 'no empty ./data created')
})

t.test('--json output of keys list and users unblock', async (t) => {
  const dataDir = t.testdir()
  await buildTestApp(t, { config: { dataDir } })
  const env = { TOLLGATE_DATA_DIR: dataDir }
  const keys = await tollgate(env, dataDir, 'keys', 'list', '--json', '--tenant', 'acme')
  t.equal(keys.code, 0, keys.stderr)
  t.match(JSON.parse(keys.stdout), [{ tenant: 'acme', kid: String, alg: 'RS256', status: 'current', createdAt: /Z$/, retireAfter: null }])
  const unblocked = await tollgate(env, dataDir, 'users', 'unblock', '--tenant', 'acme', '--connection', 'db', '--json', 'alice@acme.test')
  t.equal(unblocked.code, 0, unblocked.stderr)
  t.same(JSON.parse(unblocked.stdout), { tenant: 'acme', connection: 'db', login: 'alice@acme.test', userId: 'auth0|alice', countersCleared: 0 })
})

t.test('clients delete: the client and its grants are gone; a client that is not there is an error', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { config: { dataDir } })
  const env = { TOLLGATE_DATA_DIR: dataDir }
  const [wrongTenant, unknownTenant] = await Promise.all([
    tollgate(env, dataDir, 'clients', 'delete', 'other-app', '--tenant', 'acme'),
    tollgate(env, dataDir, 'clients', 'delete', 'other-app', '--tenant', 'nope'),
  ])
  t.same([wrongTenant.code, wrongTenant.stdout, wrongTenant.stderr], [1, '', 'tollgate: no client other-app in tenant acme (it belongs to other)\n'])
  t.same([unknownTenant.code, unknownTenant.stdout, unknownTenant.stderr], [1, '', 'tollgate: no tenant named nope\n'])
  t.ok(await app.tollgate.store.clientById((await app.tollgate.store.tenantByName('other'))!.id, 'other-app'), 'refusals delete nothing')

  const deleted = await tollgate(env, dataDir, 'clients', 'delete', 'machine', '--tenant', 'acme')
  t.same([deleted.code, deleted.stdout, deleted.stderr], [0, 'deleted client machine of tenant acme, with its client grants\n', ''])
  const json = await tollgate(env, dataDir, 'clients', 'delete', 'other-app', '--json')
  t.equal(json.code, 0, json.stderr)
  t.same(JSON.parse(json.stdout), { tenant: 'other', clientId: 'other-app', deleted: true }, 'without --tenant: the tenant it belongs to')
  const again = await tollgate(env, dataDir, 'clients', 'delete', 'machine')
  t.same([again.code, again.stdout, again.stderr], [1, '', 'tollgate: no client machine\n'])
})
