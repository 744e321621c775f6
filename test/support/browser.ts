import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/**
 * Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own).
 * CHROMIUM_PATH points elsewhere; .ci/run installs the package when it is missing.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH (.ci/run installs it)`)
  }
  // This machine's network is closed: without these, Chromium keeps trying Google's hosts.
  const quiet = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  return chromium.launch({ executablePath, headless: true, args: quiet })
}
