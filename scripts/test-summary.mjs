// Sums every package's vitest JSON report into the one closing line CI reads ("N passed, N failed"),
// so a run that executed no test is visible as such.
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
    reports.push(`${group}/${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`)
  }
}
for (const line of reports) console.log(`  ${line}`)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
