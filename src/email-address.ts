// What Tollgate accepts as an email address: deliberately loose (one @, no whitespace, a dot inside
// the domain); a delivery proves the address.

/** RFC 5321's limit on an address (a path of 256 octets, less the angle brackets). */
const MAX_EMAIL_LENGTH = 254
const WHITESPACE = /\s/

/**
 * One @, no whitespace, a dot inside the domain. Checked by hand on a bounded input: the regex this
 * replaces (`^[^@\s]+@[^@\s]+\.[^@\s]+$`) backtracks quadratically on a long domain.
 */
export function isEmailAddress (email: string): boolean {
  if (email.length > MAX_EMAIL_LENGTH || WHITESPACE.test(email)) return false
  const at = email.indexOf('@')
  if (at < 1 || at !== email.lastIndexOf('@')) return false
  const domain = email.slice(at + 1)
  const dot = domain.indexOf('.', 1)
  return dot > 0 && dot < domain.length - 1
}
