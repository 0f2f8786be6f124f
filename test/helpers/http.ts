// Small request helpers for tests that drive the app through app.inject.
import type { App } from '../../src/app.js'

export type Reply = Awaited<ReturnType<App['inject']>>

/** POSTs a body to `url` as a form (the default for token endpoints) or as JSON. */
export function poster (app: App, url: string, host = 'acme.test') {
  return (fields: Record<string, string>, options: { json?: boolean, headers?: Record<string, string> } = {}): Promise<Reply> =>
    app.inject({
      method: 'POST',
      url,
      headers: { host, ...(options.json ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...options.headers },
      payload: options.json ? fields : new URLSearchParams(fields).toString(),
    })
}

export const decodeClaims = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())
export const decodeHeader = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString())
