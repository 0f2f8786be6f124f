// What differs between the two passwordless strategies: which field names the user, how it is
// checked and normalised, and how it is called in messages.
import type { Connection } from '../store/port.js'
import { isEmailAddress } from '../email-address.js'

export type Channel = 'sms' | 'email'

export const PHONE_NUMBER_PATTERN = /^\+[0-9]{1,15}$/

export const isPasswordless = (connection: Connection): boolean =>
  connection.strategy === 'sms' || connection.strategy === 'email'

export const channelOf = (connection: Connection): Channel => connection.strategy === 'sms' ? 'sms' : 'email'

/** The request field that names the user: phone_number for sms, email for email. */
export const loginField = (channel: Channel): 'phone_number' | 'email' => channel === 'sms' ? 'phone_number' : 'email'

/** How the user's login is named in "Wrong ... or verification code." */
export const loginLabel = (channel: Channel): string => channel === 'sms' ? 'phone number' : 'email'

export function isValidLogin (channel: Channel, value: string): boolean {
  return channel === 'sms' ? PHONE_NUMBER_PATTERN.test(value) : isEmailAddress(value)
}

/** The form codes and users are keyed by: emails in lower case, phone numbers as given. */
export const normaliseLogin = (channel: Channel, value: string): string => channel === 'email' ? value.toLowerCase() : value
