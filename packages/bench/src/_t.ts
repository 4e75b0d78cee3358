import { runLoad } from './load/run.ts'
const t = performance.now()
const r = await runLoad({ rounds: 1, warmupSeconds: 0.5, durationSeconds: 1.5, connections: 10 }, console.log)
for (const c of r.configs) console.log(c.id.padEnd(28), c.verified, c.cookieNames.join(','), c.addedCpuUs?.median.toFixed(1))
console.log('total', performance.now() - t)
