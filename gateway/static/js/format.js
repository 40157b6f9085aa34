// Numbers, money, dates and durations as the traveller's browser writes them.

/** A google.type.Money as a number ("units" is a string in proto JSON). */
export function amount(money) {
  if (!money) return 0;
  return Number(money.units || 0) + (money.nanos || 0) / 1e9;
}

export function money(value, currency) {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 0 }).format(value);
  } catch {
    return `${Math.round(value)} ${currency}`;
  }
}

/** A google.type.Money, formatted. */
export function moneyOf(m) {
  return m ? money(amount(m), m.currencyCode) : "";
}

export function usd(value) {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", maximumFractionDigits: 4 }).format(value || 0);
}

export function count(value) {
  return new Intl.NumberFormat().format(Number(value || 0));
}

/** "Sat 1 May" for "2027-05-01" (read as a calendar day, not a UTC instant). */
export function day(isoDate, options = { weekday: "short", day: "numeric", month: "short" }) {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, options);
}

/** Minutes of a proto Duration ("5400s"). */
export function minutes(duration) {
  return Math.round(parseFloat(duration || "0") / 60);
}

export function hours(mins) {
  const h = Math.floor(mins / 60), m = mins % 60;
  return h && m ? `${h} h ${m} min` : h ? `${h} h` : `${m} min`;
}

/** "11:00" for "09:30" plus 90 minutes. */
export function endTime(start, mins) {
  const [h, m] = start.split(":").map(Number);
  const total = h * 60 + m + mins;
  return `${String(Math.floor(total / 60) % 24).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

/** "PACE_BALANCED" -> "balanced". */
export function enumName(value, prefix) {
  return String(value || "").replace(prefix, "").toLowerCase().replaceAll("_", " ");
}
