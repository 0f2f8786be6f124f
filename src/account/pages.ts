// The small server-rendered pages a one-time link opens: the reset form, its outcome, the email
// verification, and the page for a link that no longer works. No script, no third-party asset: one
// inline style, allowed by its hash in a strict Content-Security-Policy. Every value is escaped.
import { createHash } from 'node:crypto'
import { describePolicy } from '../security/password-policy.js'
import type { PasswordPolicy } from '../store/port.js'

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}' +
  'main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}' +
  'h1{font-size:1.4rem;margin-top:0}label{display:block;font-weight:600;margin-top:1rem}' +
  'input{box-sizing:border-box;width:100%;padding:.6rem;margin-top:.3rem;border:1px solid #8a8f98;border-radius:4px;font-size:1rem}' +
  'button{margin-top:1.5rem;width:100%;padding:.7rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;font-size:1rem;cursor:pointer}' +
  '.policy{color:#3d4149;font-size:.95rem}.error{color:#a4161a;font-weight:600}'

/** The headers every page is sent with. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
    "img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  pragma: 'no-cache',
  // The ticket is in the URL: it must not leave in a Referer header.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page (title: string, body: string): string {
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>\n`
}

export function resetFormPage (input: { ticket: string, email: string, policy: PasswordPolicy, error?: string }): string {
  const minLength = input.policy.min_length
  const error = input.error ? `<p class="error" role="alert" id="error">${escapeHtml(input.error)}</p>` : ''
  const describedBy = input.error ? 'policy error' : 'policy'
  return page('Reset your password',
    `<p>Choose a new password for <strong>${escapeHtml(input.email)}</strong>.</p>` +
    `<p class="policy" id="policy">${escapeHtml(describePolicy(input.policy))}</p>${error}` +
    '<form method="post" action="reset">' +
    `<input type="hidden" name="ticket" value="${escapeHtml(input.ticket)}">` +
    '<label for="password">New password</label>' +
    `<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minLength}" maxlength="1024" aria-describedby="${describedBy}">` +
    '<label for="password_confirmation">Confirm the new password</label>' +
    `<input id="password_confirmation" name="password_confirmation" type="password" autocomplete="new-password" required minlength="${minLength}" maxlength="1024">` +
    '<button type="submit">Set the new password</button></form>')
}

export const passwordChangedPage = (): string =>
  page('Password changed', '<p role="status">Your password has been changed. You can now log in with your new password.</p>')

export const emailVerifiedPage = (email: string): string =>
  page('Email verified', `<p role="status">Thank you: <strong>${escapeHtml(email)}</strong> is verified.</p>`)

/** A link that expired, was used, was replaced by a newer one, or never existed. */
export const expiredLinkPage = (description: string): string =>
  page('This link no longer works', `<p role="alert">${escapeHtml(description)}</p><p>Ask for a new link and use the latest one you receive.</p>`)

/** Any other refusal (the error handler's description). */
export const errorPage = (description: string): string =>
  page('Something went wrong', `<p role="alert">${escapeHtml(description)}</p>`)
