import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import type { RealSourceAdapter } from '../source-adapter'
import { formatError, SourceError } from './source-errors'
import type { Fetched, HttpAdapterOptions } from './source-http'
import { arrayAt, dayOf, DEFAULT_HISTORY_MS, evidenceOf, parseAmount, parseDay, recordAt, scaled, toPoint } from './source-values'

export const TGA_FEATURE = 'macro/us/tga_balance_usd'
const SOURCE = 'treasury:dts_operating_cash'
const PATH = 'services/api/fiscal_service/v1/accounting/dts/operating_cash_balance'
const MILLIONS = 1e6
// A runaway `links.next` must not page forever.
const MAX_PAGES = 1000

/**
 * The DTS row and column that hold the TGA's closing balance changed twice (Table I): the label
 * was "Federal Reserve Account" until 2021-09-30, "Treasury General Account (TGA)" until
 * 2022-04-15, then "… (TGA) Closing Balance" with the amount in `open_today_bal` (and
 * `close_today_bal` the literal "null"), next to an "… Opening Balance" row.
 */
export const TGA_ERAS = [
  { from: '0000-01-01', accountType: 'Federal Reserve Account', column: 'close_today_bal' },
  { from: '2021-10-01', accountType: 'Treasury General Account (TGA)', column: 'close_today_bal' },
  { from: '2022-04-18', accountType: 'Treasury General Account (TGA) Closing Balance', column: 'open_today_bal' },
] as const

export function tgaEraOf(recordDate: string): (typeof TGA_ERAS)[number] {
  return [...TGA_ERAS].reverse().find((era) => recordDate >= era.from) as (typeof TGA_ERAS)[number]
}

export interface TgaBalance {
  readonly date: string
  /** USD; null when the row says "null". */
  readonly valueUsd: number | null
}

/**
 * The TGA closing balance of each record_date in `rows`, read from the row and column of that
 * date's era only. A date whose era row is absent is refused: any other row (the opening
 * balance, the first row) would be a different number.
 */
export function selectTgaBalances(rows: unknown[]): TgaBalance[] {
  const byDate = new Map<string, Record<string, unknown>[]>()
  rows.forEach((raw, index) => {
    const row = recordAt(raw, SOURCE, `data[${index}]`)
    parseDay(row.record_date, SOURCE, `data[${index}].record_date`)
    const list = byDate.get(row.record_date as string) ?? []
    list.push(row)
    byDate.set(row.record_date as string, list)
  })
  return [...byDate.keys()].sort().map((date) => {
    const era = tgaEraOf(date)
    const row = byDate.get(date)?.find((candidate) => candidate.account_type === era.accountType)
    if (!row) throw formatError(SOURCE, 'account_type', `has no "${era.accountType}" row on ${date}; refusing to read another row`)
    const millions = parseAmount(row[era.column], SOURCE, `${era.column} (${date})`)
    return { date, valueUsd: millions === null ? null : scaled(millions, MILLIONS) }
  })
}

interface DtsPage {
  readonly rows: unknown[]
  readonly hasNext: boolean
}

export function parseDtsPage(body: unknown): DtsPage {
  const root = recordAt(body, SOURCE, 'body')
  const rows = arrayAt(root.data, SOURCE, 'data')
  const links = root.links === undefined ? {} : recordAt(root.links, SOURCE, 'links')
  return { rows, hasNext: typeof links.next === 'string' && links.next !== '' }
}

export interface TreasuryAdapterOptions extends HttpAdapterOptions {
  /** Rows per page (page[size]); the API allows up to 10,000. */
  readonly pageSize?: number
}

/** Treasury Fiscal Data DTS operating cash balance (no key), all pages of the date range. */
export function createTreasuryDtsAdapter(options: TreasuryAdapterOptions): RealSourceAdapter {
  const { http, pageSize = 1000 } = options
  const now = options.now ?? Date.now

  const fetchAll = async (since: number, until: number) => {
    const rowsByFetch: Array<{ rows: unknown[]; fetched: Fetched }> = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const fetched = await http.get(PATH, {
        // Every account_type is fetched: the label to keep depends on the date (TGA_ERAS).
        query: { filter: `record_date:gte:${dayOf(since)},record_date:lte:${dayOf(until)}`, sort: 'record_date', 'page[number]': page, 'page[size]': pageSize },
      })
      const parsed = parseDtsPage(fetched.body)
      rowsByFetch.push({ rows: parsed.rows, fetched })
      if (!parsed.hasNext || parsed.rows.length === 0) return rowsByFetch
    }
    throw new SourceError(`${SOURCE}: more than ${MAX_PAGES} pages (links.next never ends)`, SOURCE, { field: 'links.next' })
  }

  return {
    name: 'treasury',
    features: [TGA_FEATURE],
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      if (spec.id !== TGA_FEATURE) throw new SourceError(`treasury: no DTS series for feature ${spec.id}`, SOURCE, { field: 'featureId' })
      const end = until ?? now()
      const start = since ?? end - DEFAULT_HISTORY_MS
      const fetches = await fetchAll(start, end)
      const evidenceByDate = new Map<string, ReturnType<typeof evidenceOf>>()
      for (const { rows, fetched } of fetches) {
        for (const row of rows) evidenceByDate.set(String((row as Record<string, unknown>).record_date), evidenceOf(SOURCE, fetched))
      }
      return selectTgaBalances(fetches.flatMap(({ rows }) => rows))
        .filter((balance): balance is TgaBalance & { valueUsd: number } => balance.valueUsd !== null)
        .map((balance) => ({ balance, ts: parseDay(balance.date, SOURCE, 'record_date') }))
        .filter(({ ts }) => ts >= start && ts <= end)
        .map(({ balance, ts }) => toPoint(spec.id, { ts, value: balance.valueUsd, evidence: [evidenceByDate.get(balance.date)!] }))
    },
  }
}
