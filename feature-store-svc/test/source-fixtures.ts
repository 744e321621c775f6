import { readFileSync } from 'node:fs'

const DIR = new URL('./fixtures/sources/', import.meta.url)

/** A recorded-shape payload from test/fixtures/sources, as the raw text a source would send. */
export const fixtureText = (name: string): string => readFileSync(new URL(name, DIR), 'utf8')
export const fixtureJson = (name: string): unknown => JSON.parse(fixtureText(name))
