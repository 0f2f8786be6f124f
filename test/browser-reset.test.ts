// The whole reset flow in a real browser (Debian's chromium, driven by playwright-core): ask for a
// reset email, read it from the SMTP server, open the link, type a new password, submit, log in with
// it through /oauth/token, with the page's JavaScript off; then the 406 page on a second use of the link. Screenshots of the form and
// of the 406 page are written to test/artifacts/ (not committed).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { CHANGE_PASSWORD_ANSWER, recoveryFixture } from './helpers/recovery.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

const CHROMIUM = process.env.TOLLGATE_TEST_CHROMIUM ?? '/usr/bin/chromium'
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts')
const NEW_PASSWORD = 'Typed in a Br0wser'

t.test('reset a password in a real browser', async (t) => {
  if (!existsSync(CHROMIUM)) return t.fail(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set TOLLGATE_TEST_CHROMIUM`)
  const smtp = await startSmtpServer(t)
  const document = recoveryFixture(smtp.port)
  // acme serves 127.0.0.1 too, so links point back at this server.
  document.tenants[0].hosts.push('127.0.0.1')
  const app = await buildTestApp(t, { document })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const asked = await fetch(`${base}/dbconnections/change_password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'spa', email: 'alice@acme.test', connection: 'db' }),
  })
  t.equal(await asked.text(), CHANGE_PASSWORD_ANSWER)
  const link = linkIn(await smtp.waitFor((m) => m.subject === 'Reset your password'))
  t.equal(link.origin, base)

  const profile = mkdtempSync(path.join(os.tmpdir(), 'tollgate-chromium-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    // The form must work without JavaScript: the page's own scripts are off (the page has none).
    javaScriptEnabled: false,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(async () => {
    await browser.close()
    rmSync(profile, { recursive: true, force: true })
  })
  browser.setDefaultTimeout(15000)
  mkdirSync(ARTIFACTS, { recursive: true })
  const page = await browser.newPage()
  const violations: string[] = []
  page.on('console', (message) => { if (/Content.Security.Policy|Refused/i.test(message.text())) violations.push(message.text()) })

  const opened = await page.goto(link.toString())
  t.equal(opened?.status(), 200)
  t.equal(await page.title(), 'Reset your password')
  t.match(await page.locator('#policy').textContent(), 'It must be at least 10 characters in length')
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD)
  await page.screenshot({ path: path.join(ARTIFACTS, 'reset-form.png'), fullPage: true })
  const [submitted] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Set the new password' }).click(),
  ])
  t.equal(submitted?.status(), 200)
  t.match(await page.locator('[role=status]').textContent(), 'Your password has been changed.')
  t.same(violations, [], 'the page obeys its own Content-Security-Policy')

  const login = await fetch(`${base}/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: NEW_PASSWORD, scope: 'openid' }),
  })
  t.equal(login.status, 200, 'the new password logs in')
  t.ok(((await login.json()) as { id_token?: string }).id_token)
  const old = await fetch(`${base}/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid' }),
  })
  t.equal(old.status, 403, 'the old one does not')

  const reopened = await page.goto(link.toString())
  t.equal(reopened?.status(), 406, 'the link works once')
  t.match(await page.locator('[role=alert]').textContent(), 'This link has expired or has already been used.')
  await page.screenshot({ path: path.join(ARTIFACTS, 'reset-link-expired.png'), fullPage: true })
  t.ok(existsSync(path.join(ARTIFACTS, 'reset-form.png')) && existsSync(path.join(ARTIFACTS, 'reset-link-expired.png')), 'screenshots kept')
})
