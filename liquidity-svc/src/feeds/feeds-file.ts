import { readFileSync } from 'node:fs'
import { FeatureIdSchema } from '@lav/shared/contracts'
import { z } from 'zod'
import { COMPONENTS, FEED_ROLES, type Feed } from '../signals/types'

const FeedSchema = z.strictObject({
  featureId: FeatureIdSchema,
  component: z.enum(COMPONENTS),
  weight: z.number().refine((weight) => weight !== 0 && Number.isFinite(weight), 'weight must be a non-zero number'),
  role: z.enum(FEED_ROLES).optional(),
})

// The rules of step 7 name one RRP, one TGA and one stablecoin feed, and ETF flows.
const REQUIRED_ROLES = { tga: [1, 1], rrp: [1, 1], stables_yoy: [1, 1], etf_flow: [1, Infinity] } as const

export const FeedsSchema = z
  .array(FeedSchema)
  .min(1)
  .max(50)
  .superRefine((feeds, ctx) => {
    const ids = feeds.map((feed) => feed.featureId)
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index)
    if (repeated.length > 0) ctx.addIssue({ code: 'custom', message: `feed listed twice: ${repeated.join(', ')}` })
    for (const component of COMPONENTS) {
      if (!feeds.some((feed) => feed.component === component)) ctx.addIssue({ code: 'custom', message: `no feed for component ${component}` })
    }
    for (const [role, [min, max]] of Object.entries(REQUIRED_ROLES)) {
      const count = feeds.filter((feed) => feed.role === role).length
      if (count < min || count > max) ctx.addIssue({ code: 'custom', message: `expected ${max === min ? min : `at least ${min}`} feed(s) with role ${role}, found ${count}` })
    }
  })

/** Reads and checks `liquidity.feeds.json`; a broken file stops the service at start-up, naming the problem. */
export function loadFeedsFile(path: string): Feed[] {
  const parsed = FeedsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) throw new Error(`invalid feeds file ${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`.trim()).join('; ')}`)
  return parsed.data
}
