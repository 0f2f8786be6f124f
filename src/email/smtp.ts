// The SMTP transport (nodemailer): one pooled connection setup per tenant's settings. The password
// is read from the environment variable the settings name, so it is never stored.
import nodemailer from 'nodemailer'
import type { SmtpSettings } from '../store/port.js'
import type { EmailTransport } from './types.js'

export class EmailSettingsError extends Error {}

export interface SmtpTransport extends EmailTransport {
  close (): void
}

export function smtpTransport (settings: SmtpSettings, env: NodeJS.ProcessEnv = process.env): SmtpTransport {
  let auth: { user: string, pass: string } | undefined
  if (settings.auth) {
    const pass = env[settings.auth.pass_env]
    if (pass === undefined || pass === '') {
      throw new EmailSettingsError(`email.smtp.auth.pass_env names ${settings.auth.pass_env}, which is not set in the environment`)
    }
    auth = { user: settings.auth.user, pass }
  }
  const timeout = settings.timeout_ms ?? 10000
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? false,
    requireTLS: settings.require_tls ?? false,
    auth,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  })
  return {
    async send (message) {
      try {
        await transporter.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text })
      } catch (err) {
        // A 5xx answer is the server's final word (unknown mailbox, refused sender): no retry.
        const code = (err as { responseCode?: number }).responseCode
        if (typeof code === 'number' && code >= 500) Object.assign(err as object, { permanent: true })
        throw err
      }
    },
    close () { transporter.close() },
  }
}
