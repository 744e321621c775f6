import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadFeedsFile } from './feeds-file'

const FILE = fileURLToPath(new URL('../../feeds/liquidity.feeds.json', import.meta.url))

function fileWith(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lav-feeds-')), 'feeds.json')
  writeFileSync(path, JSON.stringify(content))
  return path
}

describe('liquidity.feeds.json', () => {
  it('holds the nine feeds of the method with their components and weights', () => {
    const feeds = loadFeedsFile(FILE)
    expect(feeds.map(({ featureId, component, weight }) => [featureId, component, weight])).toEqual([
      ['macro/us/walcl_total_usd', 'gl', 1],
      ['macro/us/tga_balance_usd', 'gl', -1],
      ['macro/us/rrp_total_usd', 'gl', -1],
      ['crypto/etf/btc_net_flow_usd', 'cn', 1],
      ['crypto/etf/eth_net_flow_usd', 'cn', 1],
      ['crypto/stables/mcap_total_usd_yoy', 'cn', 1],
      ['cex/agg/spot_depth_2pct_usd', 'mp', 1],
      ['cex/agg/perp_oi_usd', 'mp', 0.5],
      ['dex/agg/active_liquidity_usd', 'mp', 1],
    ])
    expect(feeds.filter((feed) => feed.role).map((feed) => [feed.featureId, feed.role])).toEqual([
      ['macro/us/tga_balance_usd', 'tga'],
      ['macro/us/rrp_total_usd', 'rrp'],
      ['crypto/etf/btc_net_flow_usd', 'etf_flow'],
      ['crypto/etf/eth_net_flow_usd', 'etf_flow'],
      ['crypto/stables/mcap_total_usd_yoy', 'stables_yoy'],
    ])
  })

  it('refuses a file the rules cannot work with, saying why', () => {
    const feeds = loadFeedsFile(FILE)
    expect(() => loadFeedsFile(fileWith(feeds.filter((feed) => feed.role !== 'rrp')))).toThrow(/role rrp/)
    expect(() => loadFeedsFile(fileWith([...feeds, feeds[0]]))).toThrow(/listed twice/)
    expect(() => loadFeedsFile(fileWith(feeds.filter((feed) => feed.component !== 'mp')))).toThrow(/component mp/)
    expect(() => loadFeedsFile(fileWith(feeds.map((feed, i) => (i === 0 ? { ...feed, weight: 0 } : feed))))).toThrow(/weight/)
  })
})
