// What a passwordless message says, and the link it carries for send=link.
import type { Channel } from './channel.js'

export interface MessageInput {
  channel: Channel
  code: string
  /** send=link: the URL to open; else undefined. */
  link?: string
  /** Seconds the code stays valid. */
  lifetime: number
}

export function composeMessage ({ channel, code, link, lifetime }: MessageInput): { subject: string | null, text: string } {
  const minutes = Math.max(1, Math.ceil(lifetime / 60))
  const expiry = `It expires in ${minutes} minute${minutes === 1 ? '' : 's'}.`
  if (channel === 'sms') {
    return { subject: null, text: link ? `Log in: ${link} ${expiry}` : `Your verification code is: ${code}. ${expiry}` }
  }
  return link
    ? { subject: 'Your login link', text: `Open this link to log in: ${link}\n${expiry} If you did not ask for it, ignore this email.` }
    : { subject: 'Your verification code', text: `Your verification code is: ${code}\n${expiry} If you did not ask for it, ignore this email.` }
}

/**
 * The client's callback URL with what the app needs to finish the login (POST /passwordless/verify
 * or the otp grant): the code, the connection, the phone number or email, and the state it sent.
 */
export function buildLink (callback: string, fields: Record<string, string | undefined>): string {
  const url = new URL(callback)
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) url.searchParams.set(name, value)
  }
  return url.toString()
}
