/**
 * The date form of Flask's `' d'` tag: werkzeug's `http_date`, i.e. Python's
 * `email.utils.format_datetime(dt, usegmt=True)`: `Wed, 21 Oct 2015 07:28:00 GMT` (RFC 9110 §5.6.7
 * IMF-fixdate). Whole seconds only: Python drops microseconds, so milliseconds are dropped here.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/

const pad = (n: number, width: number) => String(n).padStart(width, '0')

/**
 * Formats a `Date` the way Flask writes a `datetime`. Throws `RangeError` for an invalid date or a
 * year outside 1..9999 (Python's `datetime` range).
 */
export function formatHttpDate(date: Date): string {
  const time = date.getTime()
  const year = date.getUTCFullYear()
  if (Number.isNaN(time) || year < 1 || year > 9999) {
    throw new RangeError(
      `Cannot store ${String(date)} in a Flask session: Python datetimes span years 1 to 9999`,
    )
  }
  return (
    `${DAYS[date.getUTCDay()] as string}, ${pad(date.getUTCDate(), 2)} ${MONTHS[date.getUTCMonth()] as string} ` +
    `${pad(year, 4)} ${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)} GMT`
  )
}

/**
 * Parses exactly what `formatHttpDate` writes; anything else (another date syntax, a wrong weekday,
 * 31 February, a 60th second) is `null`, so every accepted string re-encodes to itself.
 */
export function parseHttpDate(text: string): Date | null {
  const match = IMF_FIXDATE.exec(text)
  if (!match) return null
  const [, day, month, year, hours, minutes, seconds] = match as unknown as [string, ...string[]]
  const date = new Date(0)
  date.setUTCFullYear(Number(year), MONTHS.indexOf(month as (typeof MONTHS)[number]), Number(day))
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds), 0)
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) return null
  return formatHttpDate(date) === text ? date : null
}
