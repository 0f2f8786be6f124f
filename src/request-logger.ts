// Each request's logger (Fastify's `request.log`), made only when the request logs something at an
// enabled level. Fastify's default makes a pino child per request, which copies the bindings and
// runs the redaction over them: a visible share of a request that logs nothing (at the default
// level, a refusal or a token response logs nothing). The child made on first use is the same.
import type { FastifyBaseLogger, LogLevel } from 'fastify'

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>

/** The logger Fastify makes from its `logger` options: pino, which can tell whether a level is enabled. */
type PinoLogger = FastifyBaseLogger & { isLevelEnabled (level: string): boolean }

class RequestLogger {
  private made?: PinoLogger

  constructor (private readonly parent: PinoLogger, private readonly bindings: Bindings, private readonly options: ChildLoggerOptions) {}

  private get logger (): PinoLogger {
    return this.made ??= this.parent.child(this.bindings, this.options) as PinoLogger
  }

  get level (): LogLevel | string { return this.made?.level ?? this.parent.level }
  set level (level: LogLevel | string) { this.logger.level = level }

  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger { return this.logger.child(bindings, options) }

  private enabled (level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level)
  }

  // Methods on the prototype: nothing is allocated per request but the object itself.
  fatal (...args: any[]): void { if (this.enabled('fatal')) this.write('fatal', args) }
  error (...args: any[]): void { if (this.enabled('error')) this.write('error', args) }
  warn (...args: any[]): void { if (this.enabled('warn')) this.write('warn', args) }
  info (...args: any[]): void { if (this.enabled('info')) this.write('info', args) }
  debug (...args: any[]): void { if (this.enabled('debug')) this.write('debug', args) }
  trace (...args: any[]): void { if (this.enabled('trace')) this.write('trace', args) }
  silent (): void {}

  private write (level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: any[]): void {
    (this.logger[level] as (...a: any[]) => void)(...args)
  }
}

/** Fastify's `childLoggerFactory`: a request's logger, its pino child made when first needed. */
export function requestLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new RequestLogger(logger as PinoLogger, bindings, options) as unknown as FastifyBaseLogger
}
