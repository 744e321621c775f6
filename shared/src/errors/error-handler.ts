import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { ErrorBody } from '../contracts/error'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

const PG_UNIQUE_VIOLATION = '23505'
// Connection-level failures from postgres.js or the socket: the database, not the caller, is at fault.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'CONNECTION_DESTROYED', '57P01', '57P03'])

type Issue = { path: string; message: string }

function zodIssues(error: FastifyError): Issue[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return []
  return error.validation.map((issue) => ({
    path: [error.validationContext, issue.instancePath.replace(/^\//, '').replaceAll('/', '.')]
      .filter(Boolean)
      .join('.'),
    message: issue.message ?? 'invalid',
  }))
}

export function errorBody(statusCode: number, code: string, message: string, requestId?: string): ErrorBody {
  return { statusCode, code, error: STATUS_TEXT[statusCode] ?? 'Error', message, requestId }
}

function classify(error: FastifyError): { status: number; code: string; message: string; issues?: Issue[] } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = zodIssues(error)
    const message = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ')
    return { status: 400, code: 'VALIDATION_FAILED', message, issues }
  }
  if (error.code === PG_UNIQUE_VIOLATION) return { status: 409, code: 'CONFLICT', message: 'the resource already exists' }
  if (error.code && UNAVAILABLE_CODES.has(error.code)) {
    return { status: 503, code: 'STORAGE_UNAVAILABLE', message: 'storage is unavailable, retry later' }
  }
  const status = error.statusCode ?? 500
  if (status < 500) {
    const code = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : (error.code ?? 'BAD_REQUEST')
    return { status, code: code.startsWith('FST_') ? 'BAD_REQUEST' : code, message: error.message }
  }
  if (status === 503 && error.code) return { status, code: error.code, message: error.message }
  return { status, code: 'INTERNAL', message: 'internal error' }
}

async function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, code, message, issues } = classify(error)
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code, status }, message)
    const body: ErrorBody = { ...errorBody(status, code, message, request.id), ...(issues ? { issues } : {}) }
    return reply.status(status).send(body)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, request.id)),
  )
}

export const errorHandler = fp(errorHandlerPlugin, { name: 'lav-error-handler', fastify: '5.x' })
