export { runCli, relativeTime, EXIT, type CliIo } from './cli.ts'
