// The texts of the emails Tollgate sends, with defaults a tenant may replace one by one.
import type { EmailTemplate, EmailTemplateName, TenantEmailSettings } from '../store/port.js'

export const DEFAULT_TEMPLATES: Record<EmailTemplateName, EmailTemplate> = {
  reset_password: {
    subject: 'Reset your password',
    text: 'Someone asked to reset the password of {{email}} for {{tenant}}.\n\n' +
      'To choose a new password, open this link:\n{{link}}\n\n' +
      'The link works once and expires in {{expires_in}}. If you did not ask for it, ignore this email: your password stays as it is.',
  },
  password_changed: {
    subject: 'Your password was changed',
    text: 'The password of {{email}} for {{tenant}} was changed, and every session signed in with the old one has ended.\n\n' +
      'If you did not change it, reset your password at once and contact the administrator.',
  },
  verify_email: {
    subject: 'Verify your email address',
    text: 'Please confirm that {{email}} is your email address for {{tenant}} by opening this link:\n{{link}}\n\n' +
      'The link works once and expires in {{expires_in}}. If you did not sign up, ignore this email.',
  },
}

export interface TemplateValues {
  email: string
  tenant: string
  link?: string
  /** Seconds the link stays valid. */
  lifetime?: number
}

/** "5 days", "1 hour", "30 minutes": the largest whole unit. */
export function describeDuration (seconds: number): string {
  const units: Array<[string, number]> = [['day', 86400], ['hour', 3600], ['minute', 60]]
  for (const [name, size] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size)
      return `${n} ${name}${n === 1 ? '' : 's'}`
    }
  }
  return `${seconds} seconds`
}

export function renderEmail (settings: TenantEmailSettings | undefined, name: EmailTemplateName, values: TemplateValues): { subject: string, text: string } {
  const template = settings?.templates?.[name] ?? DEFAULT_TEMPLATES[name]
  const fields: Record<string, string> = {
    email: values.email,
    tenant: values.tenant,
    link: values.link ?? '',
    expires_in: values.lifetime === undefined ? '' : describeDuration(values.lifetime),
  }
  const fill = (text: string) => text.replace(/\{\{\s*(email|tenant|link|expires_in)\s*\}\}/g, (_, key: string) => fields[key])
  return { subject: fill(template.subject), text: fill(template.text) }
}
