import { DAY_MS } from '@lav/shared/time'
import type { Feed, MethodParams } from '../src/signals/types'

/**
 * liquidity-method.md read as plainly as possible: arrays filtered afresh at every instant, no
 * binary search, no shared work. The service's evaluator must agree with it to 1e-9; it stands in
 * for the independent implementation the service will be compared with. Points must have
 * distinct ts per feed (the store's key), which the text relies on; they are read in ascending
 * ts, as POST /query returns them, so sums run in the same order (near c·e = 0 the coherence
 * count would otherwise depend on the last bit of a mean).
 */
export interface PlainPoint {
  ts: number
  value: number
}

type State = 'verde' | 'amarillo' | 'rojo'

export function referenceRegime(feeds: Feed[], p: MethodParams, unsorted: Map<string, PlainPoint[]>, ttlMs: Map<string, number>, T: number) {
  const points = new Map([...unsorted].map(([id, list]) => [id, [...list].sort((a, b) => a.ts - b.ts)]))
  const instants: number[] = []
  for (let k = p.warmupInstants; k >= 0; k--) instants.push(T - k * DAY_MS)
  const asOf = (id: string, t: number) => {
    const before = (points.get(id) ?? []).filter((point) => point.ts <= t)
    return before.length === 0 ? null : before.reduce((a, b) => (b.ts > a.ts ? b : a))
  }
  const status = (id: string, t: number) => {
    const point = asOf(id, t)
    if (!point) return 'missing'
    return t - point.ts <= (ttlMs.get(id) as number) * p.freshnessMaxRatio ? 'available' : 'stale'
  }
  const z = (id: string, t: number) => {
    if (status(id, t) !== 'available') return null
    const S = (points.get(id) ?? []).filter((point) => t - p.zWindowMs < point.ts && point.ts <= t).map((point) => point.value)
    if (S.length < p.zMinPoints) return null
    const mu = S.reduce((a, b) => a + b, 0) / S.length
    const sigma = Math.sqrt(S.reduce((a, b) => a + (b - mu) ** 2, 0) / (S.length - 1))
    if (S.every((value) => value === S[0])) return 0
    return Math.min(3, Math.max(-3, ((asOf(id, t) as PlainPoint).value - mu) / sigma))
  }
  const component = (c: string, t: number) => {
    const terms = feeds.filter((feed) => feed.component === c).map((feed) => ({ w: feed.weight, z: z(feed.featureId, t) })).filter((term) => term.z !== null)
    if (terms.length === 0) return null
    return terms.reduce((a, term) => a + term.w * (term.z as number), 0) / terms.reduce((a, term) => a + Math.abs(term.w), 0)
  }
  const components = (t: number) => ({ gl: component('gl', t), cn: component('cn', t), mp: component('mp', t) })
  const composite = (t: number) => {
    const c = components(t)
    const W = p.componentWeights
    const present = (['gl', 'cn', 'mp'] as const).filter((name) => c[name] !== null)
    if (present.length < p.minComponents) return null
    return present.reduce((a, name) => a + W[name] * (c[name] as number), 0) / present.reduce((a, name) => a + W[name], 0)
  }
  const byRole = (role: string) => feeds.filter((feed) => feed.role === role).map((feed) => feed.featureId)
  const flow = (t: number) => {
    const inWindow = byRole('etf_flow').flatMap((id) => (points.get(id) ?? []).filter((point) => t - p.flowWindowMs < point.ts && point.ts <= t))
    return inWindow.length === 0 ? null : inWindow.reduce((a, point) => a + point.value, 0)
  }
  const up = (id: string, t: number) => {
    const now = asOf(id, t)
    const before = asOf(id, t - p.flowWindowMs)
    return now && before ? now.value > before.value : null
  }

  let e: number | null = null
  let state: State | null = null
  const history: { t: number; candidate: State | null }[] = []
  let last = { e: null as number | null, candidate: null as State | null }
  for (const t of instants) {
    const s = composite(t)
    if (s !== null) e = e === null ? s : p.alpha * s + (1 - p.alpha) * e
    let candidate: State | null = null
    if (e !== null) {
      const f = flow(t)
      const yoyId = byRole('stables_yoy')[0] as string
      const yoy = status(yoyId, t) === 'available' ? (asOf(yoyId, t) as PlainPoint).value : null
      const upR = up(byRole('rrp')[0] as string, t)
      const upT = up(byRole('tga')[0] as string, t)
      if (e > p.thetaHi && f !== null && f > 0 && yoy !== null && yoy > 0) candidate = 'verde'
      else if (e < p.thetaLo || (upR === true && upT === true && f !== null && f < 0)) candidate = 'rojo'
      else candidate = 'amarillo'
    }
    if (candidate !== null) {
      if (state === null) state = candidate
      else if (candidate !== state) {
        const recent = history.filter((h) => h.t >= t - p.confirmationMs && h.candidate !== null)
        if (recent.every((h) => h.candidate === candidate)) state = candidate
      }
    }
    history.push({ t, candidate })
    last = { e, candidate }
  }

  const c = components(T)
  const statuses = feeds.map((feed) => status(feed.featureId, T))
  const stale = feeds.filter((_, i) => statuses[i] === 'stale').map((feed) => feed.featureId)
  const missing = feeds.filter((_, i) => statuses[i] === 'missing').map((feed) => feed.featureId)
  const signals = feeds.map((feed, i) => {
    const point = asOf(feed.featureId, T)
    return { featureId: feed.featureId, component: feed.component, weight: feed.weight, value: point?.value ?? null, ts: point ? new Date(point.ts).toISOString() : null, z: z(feed.featureId, T), available: statuses[i] === 'available' }
  })
  const common = { components: c, updated_at: new Date(T).toISOString(), signals }
  if (last.e === null) {
    return { ...common, state: 'amarillo', candidate: 'amarillo', confidence: 0, score: 50, score_raw: null, coherence: 0, dq: { ok: false, stale, missing } }
  }
  const present = (['gl', 'cn', 'mp'] as const).filter((name) => c[name] !== null)
  const coherence = present.length === 0 ? 0 : last.e === 0 ? 1 : present.filter((name) => (c[name] as number) * (last.e as number) >= 0).length / present.length
  const completeness = statuses.filter((s) => s === 'available').length / feeds.length
  return {
    ...common,
    state,
    candidate: last.candidate,
    confidence: coherence * completeness,
    score: Math.min(100, Math.max(0, 50 + (50 * last.e) / 3)),
    score_raw: last.e,
    coherence,
    dq: { ok: composite(T) !== null && stale.length === 0 && missing.length === 0, stale, missing },
  }
}
