// A Kysely query built and compiled once per dialect, then run with new values. Kysely builds an
// immutable operation tree and compiles it to SQL on every call: for the indexed lookups and writes
// of the hottest paths (a refresh-token rotation runs four), that cost as much as running them.
// The query is built once with a marker in place of each named value; the compiled parameters are
// then mapped back to the names, and every run sends the same SQL with its own values through the
// same executor (a transaction's, inside one).
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely'

interface Compiled {
  sql: string
  /** Each parameter: the name of a run's value, or a constant of the query itself. */
  slots: Array<{ name: string } | { constant: unknown }>
}

const MARKER = '\u0000tollgate-prepared:'

/**
 * The SQL of every prepared query, each with a name of its own. The PostgreSQL pool sends these as
 * named statements (postgres.ts), so that the server parses and plans each once per connection
 * rather than on every run. The set is fixed (one entry per query here and per dialect).
 */
const statementNames = new Map<string, string>()

/** The statement name of a prepared query's SQL; undefined for any other SQL. */
export const statementName = (sql: string): string | undefined => statementNames.get(sql)

export class PreparedQuery<DB, N extends string, R = unknown> {
  /** By dialect adapter: the same SQL serves a store and its transactions. */
  private readonly compiled = new WeakMap<object, Compiled>()

  constructor (private readonly names: readonly N[], private readonly build: (db: Kysely<DB>, values: Record<N, any>) => Compilable<R>) {}

  execute (db: Kysely<DB>, values: Record<N, unknown>): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter
    let compiled = this.compiled.get(adapter)
    if (!compiled) {
      compiled = this.compile(db)
      this.compiled.set(adapter, compiled)
    }
    const parameters = compiled.slots.map((slot) => 'name' in slot ? values[slot.name as N] : slot.constant)
    return db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))
  }

  private compile (db: Kysely<DB>): Compiled {
    const markers = Object.fromEntries(this.names.map((name) => [name, `${MARKER}${name}`])) as Record<N, string>
    const { sql, parameters } = this.build(db, markers).compile()
    const slots = parameters.map((p) => typeof p === 'string' && p.startsWith(MARKER) ? { name: p.slice(MARKER.length) } : { constant: p })
    // Every value must have become a parameter (none inlined into the SQL, none transformed).
    const named = new Set(slots.flatMap((s) => 'name' in s ? [s.name] : []))
    const lost = this.names.filter((name) => !named.has(name))
    if (lost.length > 0 || sql.includes(MARKER)) throw new Error(`prepared query: values not passed as parameters: ${lost.join(', ')}`)
    if (!statementNames.has(sql)) statementNames.set(sql, `tollgate_${statementNames.size + 1}`)
    return { sql, slots }
  }
}
