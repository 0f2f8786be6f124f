// `tollgate outbox` prints what the development delivery provider kept, from the same store the
// server writes to: the way a developer reads a code in the curl flow of the README.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { PHONE, latestCode, passwordlessFixture, startLogin } from './helpers/passwordless.js'

const run = promisify(execFile)
// The built command, as `npm test` builds it first (like test/cli.test.ts).
const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')

const tollgate = (dataDir: string, ...args: string[]) =>
  run(process.execPath, [cli, ...args], { env: { ...process.env, TOLLGATE_DATA_DIR: dataDir } })

t.test('tollgate outbox', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: passwordlessFixture(), config: { dataDir } })

  t.equal((await tollgate(dataDir, 'outbox')).stdout, 'The outbox is empty.\n')

  await startLogin(app, {})
  await startLogin(app, { connection: 'email', phone_number: undefined, email: 'cli@acme.test' })
  const smsCode = await latestCode(app, PHONE)
  const emailCode = await latestCode(app, 'cli@acme.test')

  const { stdout } = await tollgate(dataDir, 'outbox')
  const stamp = '\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\]'
  t.match(stdout, new RegExp(`^${stamp} sms to \\+15550000001 \\(connection sms\\)\n  Your verification code is: ${smsCode}\\. It expires in 3 minutes\\.\n\n` +
    `${stamp} email to cli@acme\\.test \\(connection email\\)\n  Subject: Your verification code\n  Your verification code is: ${emailCode}\n`))

  const latest = (await tollgate(dataDir, 'outbox', '--limit', '1')).stdout
  t.match(latest, /^\[[^\]]+\] email to cli@acme\.test/)
  t.notMatch(latest, /sms to/, 'only the latest message')

  const refused = await tollgate(dataDir, 'outbox', '--limit', 'all').then(() => undefined, (err: { code: number, stderr: string }) => err)
  t.match(refused, { code: 2, stderr: "tollgate: option '--limit <n>' argument 'all' is invalid. it must be a whole number above 0.\n" })

  const json = JSON.parse((await tollgate(dataDir, 'outbox', '--json')).stdout)
  t.match(json, [{ channel: 'sms', recipient: '+15550000001', connection: 'sms' }, { channel: 'email', recipient: 'cli@acme.test', connection: 'email' }])
})
