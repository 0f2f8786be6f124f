import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import type { ErrorKey } from '../../src/errors.js'

export interface CatalogRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS'
  url?: string
  /** A JSON body (sent as application/json), or `payload` for raw bytes with their own content-type. */
  body?: unknown
  payload?: string
  headers?: Record<string, string>
  /** Raw bytes sent over a real socket instead, for what the HTTP server answers before any route. */
  raw?: string
}

export interface CatalogCase {
  key: ErrorKey
  name: string
  request: CatalogRequest
  status: number
  body: { error: string, error_description: string }
  /** Response headers that must be present with exactly these values. */
  headers?: Record<string, string>
  /** Body fields whose value differs each time (mfa_required's mfa_token): matched, not compared. */
  variableFields?: Record<string, RegExp>
}

/** One area's cases and the app they run against; one file per area in test/catalog/. */
export interface CatalogGroup {
  setup (t: Test): Promise<App | Record<string, App>>
  cases: Array<CatalogCase & { app?: string }>
}
