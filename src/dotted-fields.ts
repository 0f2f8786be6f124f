// Field names with a dot are refused wherever a profile or metadata enters Tollgate (Auth0's rule:
// dots would be read as paths by the rules and queries that use them).

/** The first key containing a dot, as a dotted path (e.g. "user_metadata.a.b"), if any. */
export function findDottedField (value: unknown, prefix = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (key.includes('.')) return path
    const found = findDottedField(inner, path)
    if (found) return found
  }
  return undefined
}
