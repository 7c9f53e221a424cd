// Translations. Strings live in /i18n/<lang>.json as nested objects; t()
// looks a dotted key up and fills {placeholders}. The language is zh-CN
// unless the user chose English (kept in localStorage).

export const LANGUAGES = ['zh-CN', 'en'];
const STORAGE_KEY = 'grassroots.lang';

let lang = 'zh-CN';
let dict = {};

export function initialLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch {
    // storage blocked: use the default
  }
  return 'zh-CN';
}

export async function loadLanguage(next, persist = false) {
  const res = await fetch(`/i18n/${next}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`cannot load /i18n/${next}.json`);
  dict = await res.json();
  lang = next;
  document.documentElement.lang = next;
  document.title = t('app.title');
  if (!persist) return;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted; still works for this page
  }
}

export function language() {
  return lang;
}

function lookup(key) {
  let v = dict;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  return typeof v === 'string' ? v : undefined;
}

export function has(key) {
  return lookup(key) !== undefined;
}

/* A count of one takes the key's "_one" form where there is one (English
 * "1 notice"; Chinese has none to choose, so its "_one" is the same text). */
function isOne(params) {
  const n = params.count ?? params.total ?? params.n;
  return n !== undefined && String(n) === '1';
}

export function t(key, params) {
  const v = params && isOne(params) && lookup(`${key}_one`) !== undefined ? lookup(`${key}_one`) : lookup(key);
  if (v === undefined) return key;
  if (!params) return v;
  return v.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/* The translation of key, or fallback when there is none (e.g. new audit actions). */
export function tOr(key, fallback) {
  return has(key) ? t(key) : fallback;
}

/* Times are shown in China Standard Time whatever the device's zone: the
 * platform's days, deadlines and time slots are those of China (UTC+8). */
export const TIME_ZONE = 'Asia/Shanghai';

export function formatDateTime(iso, withSeconds = false) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, {
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: withSeconds ? '2-digit' : undefined,
    hour12: false, timeZone: TIME_ZONE,
  }).format(d);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(lang).format(n);
}
