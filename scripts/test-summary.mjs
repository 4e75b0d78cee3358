// Sums every package's vitest JSON report into the one closing line CI reads ("N passed, N failed"),
// so a run that executed no test is visible as such. The workspace-wide checks (knip, biome ci; see
// scripts/check.mjs) are listed before it; a failed one is named in it and fails the run too.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

let passed = 0
let failed = 0
let skipped = 0
const reports = []
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue
  for (const name of readdirSync(group)) {
    const file = join(group, name, '.vitest-report.json')
    if (!existsSync(file)) continue
    const report = JSON.parse(readFileSync(file, 'utf8'))
    passed += report.numPassedTests
    failed += report.numFailedTests
    skipped += report.numPendingTests + report.numTodoTests
    reports.push(
      `${group}/${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
    )
  }
}
const failedChecks = []
for (const file of readdirSync('.')
  .filter((name) => /^\.check-.+\.json$/.test(name))
  .sort()) {
  const check = JSON.parse(readFileSync(file, 'utf8'))
  if (check.status !== 0) failedChecks.push(check.name)
  reports.push(`${check.name} (${check.command}): ${check.status === 0 ? 'passed' : 'FAILED'}`)
}
for (const line of reports) console.log(`  ${line}`)
const checks = failedChecks.length > 0 ? `; checks failed: ${failedChecks.join(', ')}` : ''
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${checks}`)
process.exit(failed > 0 || passed === 0 || failedChecks.length > 0 ? 1 : 0)
