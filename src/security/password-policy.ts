// The password policy a database connection sets for signups: a minimum length and, optionally,
// character classes. The refusal lists every rule, as Auth0's PasswordStrengthError does.
import type { CharacterClass, PasswordPolicy } from '../store/port.js'

/** Length over composition (NIST SP 800-63B): without a configured policy, 8 characters. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { min_length: 8 }

const CLASSES: Record<CharacterClass, { label: string, pattern: RegExp }> = {
  lower: { label: 'lower case letters (a-z)', pattern: /[a-z]/ },
  upper: { label: 'upper case letters (A-Z)', pattern: /[A-Z]/ },
  number: { label: 'numbers (i.e. 0-9)', pattern: /[0-9]/ },
  special: { label: 'special characters (e.g. !@#$%^&*)', pattern: /[^A-Za-z0-9]/ },
}

const required = (policy: PasswordPolicy) => {
  const classes = policy.character_classes ?? []
  return { classes, count: Math.min(policy.min_character_classes ?? classes.length, classes.length) }
}

/** True when the password satisfies every rule of the policy. */
export function satisfiesPolicy (policy: PasswordPolicy, password: string): boolean {
  if ([...password].length < policy.min_length) return false
  const { classes, count } = required(policy)
  return classes.filter((c) => CLASSES[c].pattern.test(password)).length >= count
}

/** The policy's rules as one sentence, e.g. "It must be at least 8 characters in length." */
export function describePolicy (policy: PasswordPolicy): string {
  const length = `at least ${policy.min_length} characters in length`
  const { classes, count } = required(policy)
  if (count === 0) return `It must be ${length}.`
  const labels = classes.map((c) => CLASSES[c].label)
  const which = count === classes.length
    ? `contain ${labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`}`
    : `contain at least ${count} of the following ${classes.length} types of characters: ${labels.join(', ')}`
  return `It must be ${length} and ${which}.`
}
