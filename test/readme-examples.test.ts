// README's examples run as written: every ```sh block is taken from README.md and run, in order, in
// one shell, against a server started as the Quick start says (`npm start`), from an empty folder.
// Only the port differs (a free one instead of 3000). A block whose output carries an error body it
// does not itself show fails the test, as does any failing command.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import t from 'tap'
import { CLI, REPO, exitWithin, start } from './helpers/process.js'

t.setTimeout(600_000)

/** Blocks that are not run, each with the reason; anything else in README.md is run. */
const NOT_RUN: Array<[RegExp, string]> = [
  [/^npm install && npm start$/m, 'the start itself: the server this test runs is started that way'],
  [/^npm test$/m, 'the test suite'],
  [/^npm ci && npm run build$/m, "the production start: it needs the operator's own tenants.json"],
  [/id\.acme\.example/, "another deployment's host, from the APIs example's provisioning file"],
  [/"client_secret":"\.\.\."/, "a confidential client's secret and a user's password, left as placeholders"],
  [/client_id(=|":")mobile\b/, 'the MFA flows: they need a tenant with MFA and its client "mobile", which the demo has not, ' +
    'a server started with TOLLGATE_ENCRYPTION_KEY (npm start is not), and they pass values from earlier answers ' +
    '(MFA, OOB, AT, the app\'s TOTP code) as placeholders'],
  [/db\.internal/, "the PostgreSQL operator's commands: they name the operator's own database host, db.internal"],
  [/npm run bench$/m, 'the benchmark: minutes of load on the machine, and a PostgreSQL and Redis of its own'],
]

interface Block { line: number, text: string }

function shellBlocks (readme: string): Block[] {
  const blocks: Block[] = []
  const lines = readme.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue
    const start = i + 1
    while (lines[++i] !== '```') { if (i >= lines.length) throw new Error(`README.md:${start}: unclosed block`) }
    blocks.push({ line: start, text: lines.slice(start, i).join('\n') })
  }
  return blocks
}

const freePort = () => new Promise<number>((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resolve(port))
  })
})

t.test("README's shell examples, against npm start", async (t) => {
  const blocks = shellBlocks(readFileSync(path.join(REPO, 'README.md'), 'utf8'))
  const toRun = blocks.filter((b) => !NOT_RUN.some(([pattern]) => pattern.test(b.text)))
  for (const [pattern, reason] of NOT_RUN) t.ok(blocks.some((b) => pattern.test(b.text)), `a block not run is still in README.md: ${reason}`)
  t.ok(toRun.length >= 15, `${toRun.length} blocks to run`)

  const folder = t.testdir()
  const dataDir = path.join(folder, 'data')
  const port = await freePort()
  const env = { TOLLGATE_DATA_DIR: dataDir, PORT: String(port), TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0' }
  const server = start(t, 'npm', ['start'], env)
  await server.waitFor(/Tollgate is listening on /, 300_000)

  // `npx tollgate` is this checkout's command, from any folder (npx would otherwise look it up).
  const prelude = [
    'set -eo pipefail',
    `npx () { if [ "$1" = tollgate ]; then shift; node ${JSON.stringify(CLI)} "$@"; else command npx "$@"; fi; }`,
  ]
  const script = [...prelude, ...toRun.map((b, i) => `echo; echo '<<<${i}>>>'\n${b.text.replaceAll('localhost:3000', `localhost:${port}`)}`)].join('\n')
  const shell = start(t, 'bash', ['-c', script], env, folder)
  const { code } = await exitWithin(shell, 300_000)
  const output = shell.output()
  t.equal(code, 0, `every example runs:\n${output.slice(-3000)}`)

  const outputs = output.split(/<<<\d+>>>/).slice(1)
  t.equal(outputs.length, toRun.length, 'every block ran')
  toRun.forEach((block, i) => {
    const expectsError = /^# .*"error"/m.test(block.text)
    if (!expectsError) t.notMatch(outputs[i] ?? '', /"error":/, `README.md:${block.line}: no error`)
    t.notMatch(outputs[i] ?? '', /^tollgate: /m, `README.md:${block.line}: no command failed`)
  })

  server.child.kill('SIGTERM')
  t.equal((await exitWithin(server)).code, 0)
})
