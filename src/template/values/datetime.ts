import { TemplateValueError } from "../errors.js";
import { getAttrHook, NO_ATTRIBUTE } from "../runtime/attributes.js";
import { pyCallable } from "../runtime/callable.js";
import { pyFloat } from "./py-float.js";
import { pyReprHook } from "./repr.js";

// Python's naive datetime and timedelta, as far as templates use them: Ansible's to_datetime
// (strptime), subtraction, the fields, str(), and time.strftime for Ansible's strftime filter.

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const two = (n: number): string => String(n).padStart(2, "0");

/** Calendar fields of a moment, as time.gmtime/localtime give them. */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

function epochMs(f: Fields): number {
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) + f.microsecond / 1000;
}

export class PyTimedelta {
  constructor(readonly micros: number) {}
  get days(): number {
    return Math.floor(this.micros / 86_400_000_000);
  }
  get seconds(): number {
    return Math.floor((this.micros - this.days * 86_400_000_000) / 1_000_000);
  }
  get microseconds(): number {
    return this.micros % 1_000_000;
  }
  [pyReprHook](): string {
    const { days, seconds, microseconds } = this;
    const clock = `${Math.floor(seconds / 3600)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}${microseconds ? `.${String(microseconds).padStart(6, "0")}` : ""}`;
    return days === 0 ? clock : `${days} day${Math.abs(days) === 1 ? "" : "s"}, ${clock}`;
  }
  [getAttrHook](name: string): unknown {
    switch (name) {
      case "days":
        return this.days;
      case "seconds":
        return this.seconds;
      case "microseconds":
        return this.microseconds;
      case "total_seconds":
        return pyCallable("total_seconds", () => pyFloat(this.micros / 1_000_000));
      default:
        return NO_ATTRIBUTE;
    }
  }
}

export class PyDateTime {
  constructor(readonly f: Fields) {}
  [pyReprHook](): string {
    const { year, month, day, hour, minute, second, microsecond } = this.f;
    return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${microsecond ? `.${String(microsecond).padStart(6, "0")}` : ""}`;
  }
  [getAttrHook](name: string): unknown {
    if (name in this.f) return this.f[name as keyof Fields];
    if (name === "strftime") return pyCallable("strftime", ([fmt]) => strftime(String(fmt), this.f));
    if (name === "weekday") return pyCallable("weekday", () => (new Date(epochMs(this.f)).getUTCDay() + 6) % 7);
    if (name === "timestamp") return pyCallable("timestamp", () => pyFloat(localEpoch(this.f)));
    return NO_ATTRIBUTE;
  }
  minus(other: PyDateTime): PyTimedelta {
    return new PyTimedelta(Math.round((epochMs(this.f) - epochMs(other.f)) * 1000));
  }
}

function localEpoch(f: Fields): number {
  return new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.microsecond / 1000).getTime() / 1000;
}

/** datetime.strptime for the directives configuration templates use. */
export function strptime(text: string, format: string): PyDateTime {
  const f: Fields = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0 };
  let pm: boolean | undefined;
  let re = "^";
  const setters: ((v: string) => void)[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i] ?? "";
    if (c !== "%") {
      re += /\s/.test(c) ? "\\s+" : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      continue;
    }
    const d = format[++i];
    const num = (digits: string, set: (n: number) => void): void => {
      re += `(\\d{${digits}})`;
      setters.push((v) => set(Number(v)));
    };
    switch (d) {
      case "Y": num("4", (n) => (f.year = n)); break;
      case "y": num("2", (n) => (f.year = n < 69 ? 2000 + n : 1900 + n)); break;
      case "m": num("1,2", (n) => (f.month = n)); break;
      case "d": num("1,2", (n) => (f.day = n)); break;
      case "H": num("1,2", (n) => (f.hour = n)); break;
      case "I": num("1,2", (n) => (f.hour = n % 12)); break;
      case "M": num("1,2", (n) => (f.minute = n)); break;
      case "S": num("1,2", (n) => (f.second = n)); break;
      case "f":
        re += "(\\d{1,6})";
        setters.push((v) => (f.microsecond = Number(v.padEnd(6, "0"))));
        break;
      case "p":
        re += "(AM|PM|am|pm)";
        setters.push((v) => (pm = v.toUpperCase() === "PM"));
        break;
      case "b":
      case "B":
        re += `(${MONTHS.map((m) => (d === "b" ? m.slice(0, 3) : m)).join("|")})`;
        setters.push((v) => (f.month = MONTHS.findIndex((m) => m.toLowerCase().startsWith(v.toLowerCase())) + 1));
        break;
      case "%":
        re += "%";
        break;
      default:
        throw new TemplateValueError(`to_datetime: unsupported directive '%${d ?? ""}'`);
    }
  }
  const m = new RegExp(`${re}$`, "i").exec(text);
  if (m === null) throw new TemplateValueError(`time data '${text}' does not match format '${format}'`);
  setters.forEach((set, i) => set(m[i + 1] ?? ""));
  if (pm !== undefined && pm) f.hour += 12;
  return new PyDateTime(f);
}

function fieldsOf(date: Date, utc: boolean): Fields {
  return utc
    ? { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds(), microsecond: 0 }
    : { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(), hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds(), microsecond: 0 };
}

/** time.strftime / datetime.strftime for the common directives. */
export function strftime(format: string, f: Fields): string {
  const weekday = (new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay() + 6) % 7;
  const yday = Math.round((Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000) + 1;
  return format.replace(/%(.)/g, (whole, d: string) => {
    switch (d) {
      case "Y": return String(f.year);
      case "y": return two(f.year % 100);
      case "m": return two(f.month);
      case "d": return two(f.day);
      case "e": return String(f.day).padStart(2, " ");
      case "H": return two(f.hour);
      case "I": return two(f.hour % 12 === 0 ? 12 : f.hour % 12);
      case "M": return two(f.minute);
      case "S": return two(f.second);
      case "f": return String(f.microsecond).padStart(6, "0");
      case "p": return f.hour < 12 ? "AM" : "PM";
      case "j": return String(yday).padStart(3, "0");
      case "a": return (DAYS[weekday] ?? "").slice(0, 3);
      case "A": return DAYS[weekday] ?? "";
      case "b": return (MONTHS[f.month - 1] ?? "").slice(0, 3);
      case "B": return MONTHS[f.month - 1] ?? "";
      case "w": return String((weekday + 1) % 7);
      case "u": return String(weekday + 1);
      case "F": return `${f.year}-${two(f.month)}-${two(f.day)}`;
      case "T": return `${two(f.hour)}:${two(f.minute)}:${two(f.second)}`;
      case "%": return "%";
      default: return whole;
    }
  });
}

/** Ansible's strftime filter: time.strftime(format, gmtime/localtime(second)); no second means now. */
export function ansibleStrftime(format: string, second: number | undefined, utc: boolean): string {
  const date = second === undefined ? new Date() : new Date(second * 1000);
  return strftime(format, fieldsOf(date, utc));
}
