// The fixture with a tenant whose emails go to the test's SMTP server, and the requests account
// recovery tests send.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { ProvisioningDocument } from '../../schemas/provisioning.js'
import { fixture } from './fixture.js'

export const FROM = 'Acme <no-reply@acme.test>'

export function recoveryFixture (smtpPort: number, email: Record<string, unknown> = {}): ProvisioningDocument {
  const document = fixture()
  const acme = document.tenants[0]
  acme.email = { provider: 'smtp', from: FROM, smtp: { host: '127.0.0.1', port: smtpPort }, ...email } as never
  acme.connections[0].options = { password_policy: { min_length: 10, character_classes: ['lower', 'upper', 'number', 'special'], min_character_classes: 2 } }
  return document
}

export const changePasswordRequest = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/dbconnections/change_password',
  headers: { host: 'acme.test', 'content-type': 'application/json', ...headers },
  payload: JSON.stringify(body),
})

export const CHANGE_PASSWORD_ANSWER = 'We\'ve just sent you an email to reset your password.'

/** A Pwned Passwords file (sorted SHA-1:count lines) with exactly these passwords, written into `dir`. */
export function breachedFile (dir: string, passwords: string[]): string {
  const lines = passwords.map((p) => `${createHash('sha1').update(p).digest('hex').toUpperCase()}:42`).sort()
  const file = path.join(dir, 'breached.txt')
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}
