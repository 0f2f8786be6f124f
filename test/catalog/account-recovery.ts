// Account recovery: the reset page's and the verification page's failures, as JSON (browsers get
// the same status with a page: see test/password-reset.test.ts), and change_password's limit.
import path from 'node:path'
import { defaults } from '../../src/config.js'
import { buildTestApp } from '../helpers/app.js'
import { PASSWORD } from '../helpers/fixture.js'
import { breachedFile, changePasswordRequest, recoveryFixture } from '../helpers/recovery.js'
import type { CatalogGroup } from './types.js'

// Filled in by setup with live tickets; read when each case is sent.
const mismatch: Record<string, string> = { password: 'Brand new Passw0rd', password_confirmation: 'Brand new Passw0rd!' }
const leaked: Record<string, string> = { password: 'Leaked Password 1', password_confirmation: 'Leaked Password 1' }
const EXPIRED = { error: 'PASSWORD_RESET_HASH_EXPIRED', error_description: 'This link has expired or has already been used.' }
const json = { accept: 'application/json' }

export const group: CatalogGroup = {
  async setup (t) {
    const dataDir = t.testdir()
    // The SMTP port is never used: these cases send no email (the limited app's go to a closed port and are given up).
    const attackProtection = { ...defaults.attackProtection, breachedPasswords: { file: breachedFile(path.join(dataDir, '..'), ['Leaked Password 1', PASSWORD]), minCount: 1 } }
    const main = await buildTestApp(t, { document: recoveryFixture(9), config: { dataDir, attackProtection, email: { maxAttempts: 1, retryDelayMs: 0 } } })
    const { store } = main.tollgate
    const tenant = (await store.tenantByName('acme'))!
    const db = (await store.connectionByName(tenant.id, 'db'))!
    // One user each: a user's new ticket replaces their previous one.
    for (const [target, login] of [[mismatch, 'alice@acme.test'], [leaked, 'carol@acme.test']] as const) {
      const user = (await store.userByLogin(db.id, login))!
      target.ticket = new URL(await main.tollgate.accountEmails.link(tenant, 'http://acme.test/', user, 'reset_password')).searchParams.get('ticket')!
    }
    const limited = await buildTestApp(t, { document: recoveryFixture(9), config: { changePassword: { burst: 1, refillSeconds: 60 }, email: { maxAttempts: 1, retryDelayMs: 0 } } })
    await limited.inject(changePasswordRequest({ email: 'nobody@acme.test', connection: 'db' }))
    return { main, limited }
  },
  cases: [
    { key: 'link_expired', name: 'reset page, unknown ticket', request: { method: 'GET', url: '/lo/reset?ticket=unknown', headers: json }, status: 406, body: EXPIRED },
    { key: 'link_expired', name: 'reset, unknown ticket', request: { url: '/lo/reset', body: { ticket: 'unknown', password: 'Brand new Passw0rd' } }, status: 406, body: EXPIRED },
    { key: 'link_expired', name: 'verification, unknown ticket', request: { method: 'GET', url: '/lo/verify_email?ticket=unknown', headers: json }, status: 406, body: EXPIRED },
    { key: 'passwords_do_not_match', name: 'reset, confirmation differs', request: { url: '/lo/reset', body: mismatch }, status: 400, body: { error: 'invalid_request', error_description: 'The two passwords do not match.' } },
    { key: 'new_password_breached', name: 'reset to a breached password', request: { url: '/lo/reset', body: leaked }, status: 400, body: { error: 'invalid_password', error_description: 'This password was previously disclosed through a data breach (not in this application). Please choose another one.' } },
    { key: 'invalid_password', name: 'reset to a password the policy refuses', request: { url: '/lo/reset', body: { get ticket () { return mismatch.ticket }, password: 'short' } }, status: 400, body: { error: 'invalid_password', error_description: 'Password is too weak. It must be at least 10 characters in length and contain at least 2 of the following 4 types of characters: lower case letters (a-z), upper case letters (A-Z), numbers (i.e. 0-9), special characters (e.g. !@#$%^&*).' } },
    { key: 'missing_parameter', name: 'reset without a password', request: { url: '/lo/reset', body: { ticket: 'unknown' } }, status: 400, body: { error: 'invalid_request', error_description: 'missing password parameter' } },
    { key: 'missing_parameter', name: 'change_password without email', request: { url: '/dbconnections/change_password', body: { connection: 'db' } }, status: 400, body: { error: 'invalid_request', error_description: 'missing email parameter' } },
    { key: 'strategy_not_supported', name: 'change_password on a social connection', request: { url: '/dbconnections/change_password', body: { email: 'alice@acme.test', connection: 'google' } }, status: 400, body: { error: 'invalid_request', error_description: 'specified strategy does not support requested operation' } },
    { app: 'limited', key: 'rate_limited', name: 'change_password over its limit', request: { url: '/dbconnections/change_password', body: { email: 'nobody@acme.test', connection: 'db' } }, status: 429, body: { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' }, headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' } },
  ],
}
