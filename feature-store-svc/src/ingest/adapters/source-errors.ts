/**
 * Why a real source could not be read. `transient` errors (5xx, 429, a cut connection, a
 * truncated body) are worth retrying; the rest (400, 451, a field we cannot parse) will fail the
 * same way again, so the resilient loader gives up on them at once.
 */
export class SourceError extends Error {
  readonly code = 'SOURCE_ERROR'
  constructor(
    message: string,
    readonly source: string,
    readonly details: { readonly field?: string; readonly status?: number; readonly transient?: boolean } = {},
  ) {
    super(message)
    this.name = 'SourceError'
  }

  get transient(): boolean {
    return this.details.transient ?? false
  }
}

/** A payload that parsed as JSON but not as the documented shape: names the source and field. */
export function formatError(source: string, field: string, problem: string): SourceError {
  return new SourceError(`${source}: ${field} ${problem}`, source, { field })
}

/** True for errors a retry cannot fix; everything unknown is assumed transient. */
export function isPermanentSourceError(error: unknown): boolean {
  return error instanceof SourceError && !error.transient
}

/** `text` with every secret replaced, so keys never reach a message, a log line or evidence. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let clean = text
  for (const secret of secrets) if (secret) clean = clean.split(secret).join('[redacted]')
  return clean
}
