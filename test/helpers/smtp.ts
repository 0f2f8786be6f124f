// A real SMTP server (the smtp-server package) in the test process, on a free port: it keeps every
// message it accepts, and can refuse the first ones with a temporary failure to exercise retries.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import type { Test } from 'tap'

export interface ReceivedEmail {
  from: string
  to: string[]
  subject: string
  text: string
  headers: Record<string, string>
}

/** Decodes a quoted-printable body (nodemailer uses it for long lines). */
const decodeQuotedPrintable = (text: string): string =>
  Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')

function parse (raw: string, envelope: { from: string, to: string[] }): ReceivedEmail {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n')) {
    const at = line.indexOf(':')
    if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim()
  }
  let text = raw.slice(split + 4).replace(/\r\n$/, '')
  const encoding = headers['content-transfer-encoding']?.toLowerCase()
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(text)
  else if (encoding === 'base64') text = Buffer.from(text, 'base64').toString('utf8')
  return { ...envelope, subject: headers.subject ?? '', text: text.replace(/\r\n/g, '\n'), headers }
}

export interface SmtpServerOptions {
  /** Answer the first N messages with 451 (a temporary failure). */
  failFirst?: number
  /** Require this login (AUTH PLAIN/LOGIN over the plain connection). */
  auth?: { user: string, pass: string }
}

export async function startSmtpServer (t: Test, options: SmtpServerOptions = {}) {
  const received: ReceivedEmail[] = []
  const waiters: Array<() => void> = []
  let refusals = 0
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth (auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) return callback(null, { user: auth.username })
      return callback(new Error('Invalid username or password'))
    },
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refusals < (options.failFirst ?? 0)) {
          refusals++
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        }
        received.push(parse(Buffer.concat(chunks).toString('utf8'), envelope))
        for (const wake of waiters.splice(0)) wake()
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.server.address() as AddressInfo

  /** The first received message (from `from` on) that matches; fails after `timeoutMs`. */
  async function waitFor (match: (m: ReceivedEmail) => boolean, { from = 0, timeoutMs = 10000 } = {}): Promise<ReceivedEmail> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = received.slice(from).find(match)
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching email within ${timeoutMs} ms (received ${received.length}: ${received.map((m) => `${m.to.join(',')} "${m.subject}"`).join('; ')})`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  return { port, received, refusals: () => refusals, waitFor }
}

/** The one-time link in an email's text. */
export function linkIn (email: ReceivedEmail): URL {
  const match = /https?:\/\/\S+\?ticket=[A-Za-z0-9_-]+/.exec(email.text)
  if (!match) throw new Error(`no link in the email "${email.subject}":\n${email.text}`)
  return new URL(match[0])
}
