/**
 * The series selectors of a PromQL expression (metric name and the label names it matches on)
 * and the label names of its grouping clauses: enough to check that dashboards and rules only
 * name metrics and labels the services export. Not a full parser: promtool checks the syntax.
 */
export interface Selector {
  metric: string
  labels: string[]
}

export interface ExpressionNames {
  selectors: Selector[]
  /** Label names of by / without / on / ignoring / group_left / group_right clauses. */
  groupingLabels: string[]
}

type Token = { kind: 'ident' | 'string' | 'number' | 'var' | 'punct'; text: string }

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio'])
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'])
const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'atan2', 'inf', 'nan'])

function tokenize(expr: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < expr.length) {
    const rest = expr.slice(i)
    const match =
      /^\s+/.exec(rest) ??
      /^#[^\n]*/.exec(rest) ??
      /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/.exec(rest) ??
      // Numbers swallow their unit (5m, 1h30m, 1e3) so a unit never reads as a metric name.
      /^(?:0x[0-9a-f]+|\d[\d.]*(?:e[+-]?\d+)?[a-z]*(?:\d+[a-z]+)*)/i.exec(rest) ??
      /^\$\{?\w+\}?|^\[\[\w+\]\]/.exec(rest) ??
      /^[a-zA-Z_:][\w:]*/.exec(rest) ??
      /^(?:=~|!~|!=|==|>=|<=|[-+*/%^(){}[\],=<>@:])/.exec(rest)
    if (!match) throw new Error(`cannot read PromQL at "${rest.slice(0, 20)}" in: ${expr}`)
    const text = match[0]
    i += text.length
    if (/^\s|^#/.test(text)) continue
    const kind: Token['kind'] = /^["'`]/.test(text) ? 'string' : /^\d/.test(text) ? 'number' : /^(\$|\[\[)/.test(text) ? 'var' : /^[a-zA-Z_:]/.test(text) ? 'ident' : 'punct'
    tokens.push({ kind, text })
  }
  return tokens
}

/** Index of the token after the one closing the bracket opened at `open`. */
function skipBracket(tokens: Token[], open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' }
  const opener = tokens[open]?.text as string
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    const text = tokens[i]?.text
    if (text === opener) depth++
    else if (text === pairs[opener] && --depth === 0) return i + 1
  }
  throw new Error(`unbalanced ${opener}`)
}

export function expressionNames(expr: string): ExpressionNames {
  const tokens = tokenize(expr)
  const selectors: Selector[] = []
  const groupingLabels: string[] = []
  let i = 0
  while (i < tokens.length) {
    const token = tokens[i] as Token
    const next = tokens[i + 1]
    if (token.kind === 'punct' && token.text === '[') {
      i = skipBracket(tokens, i) // ranges, subqueries, Grafana's $__rate_interval
    } else if (token.kind === 'punct' && token.text === '{') {
      throw new Error(`selector without a metric name in: ${expr}`)
    } else if (token.kind !== 'ident') {
      i++
    } else if (GROUPING.has(token.text)) {
      if (next?.text !== '(') {
        i++ // group_left without a label list
        continue
      }
      const end = skipBracket(tokens, i + 1)
      for (const inner of tokens.slice(i + 2, end - 1)) if (inner.kind === 'ident') groupingLabels.push(inner.text)
      i = end
    } else if (KEYWORDS.has(token.text.toLowerCase()) || next?.text === '(' || (AGGREGATIONS.has(token.text) && GROUPING.has(next?.text ?? ''))) {
      i++ // functions, aggregations, operators
    } else {
      const labels: string[] = []
      i++
      if (tokens[i]?.text === '{') {
        const end = skipBracket(tokens, i)
        for (let j = i + 1; j < end - 1; j++) if (tokens[j]?.kind === 'ident' && /^(=|!=|=~|!~)$/.test(tokens[j + 1]?.text ?? '')) labels.push(tokens[j]?.text as string)
        i = end
      }
      selectors.push({ metric: token.text, labels })
    }
  }
  return { selectors, groupingLabels }
}
