// Static checks of the web interface, TAP on stdout:
//  - web/i18n/zh-CN.json and en.json have the same keys, no empty values and
//    the same {placeholders};
//  - every key web/js passes to t()/tOr() exists in both, and every
//    dynamic prefix (t(`errors.${code}`)) covers the codes the server uses
//    (read from src/, so a new role, error code, event state, action,
//    source or notice without a translation fails);
//  - no forbidden constructs in web/ (innerHTML, outerHTML,
//    insertAdjacentHTML, document.write, eval, inline scripts, on*= and
//    style= attributes in HTML, <style> blocks);
//  - every relative import in web/js resolves to a file.
// Run from the repository root: node tests/e2e/i18n.mjs
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const ROOT = process.cwd();
const WEB = join(ROOT, 'web');
let n = 0;
let failed = 0;

function check(ok, name, diag) {
  n += 1;
  if (ok) {
    console.log(`ok ${n} - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    if (diag) for (const line of String(diag).split('\n')) console.log(`#   ${line}`);
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

function flatten(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

function readSource(rel) {
  try {
    return readFileSync(join(ROOT, rel), 'utf8');
  } catch {
    return '';
  }
}

/* The string literals of a NULL-terminated C array: static const char *const NAME[] = {...}. */
function cArray(src, name) {
  const m = src.match(new RegExp(`${name}\\s*\\[\\]\\s*=\\s*\\{([\\s\\S]*?)\\}`));
  return m ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]) : [];
}

function union(...lists) {
  return [...new Set(lists.flat())];
}

// ---------- the two dictionaries ----------

const dicts = {};
for (const lang of ['zh-CN', 'en']) {
  const file = join(WEB, 'i18n', `${lang}.json`);
  let parsed = null;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    check(false, `web/i18n/${lang}.json is valid JSON`, e.message);
    continue;
  }
  check(true, `web/i18n/${lang}.json is valid JSON`);
  dicts[lang] = flatten(parsed);
}
const zh = dicts['zh-CN'] || new Map();
const en = dicts.en || new Map();

const onlyZh = [...zh.keys()].filter((k) => !en.has(k));
const onlyEn = [...en.keys()].filter((k) => !zh.has(k));
check(onlyZh.length === 0 && onlyEn.length === 0, `zh-CN.json and en.json have the same ${zh.size} keys`,
  [...onlyZh.map((k) => `only in zh-CN: ${k}`), ...onlyEn.map((k) => `only in en: ${k}`)].join('\n'));

for (const [lang, d] of Object.entries(dicts)) {
  const bad = [...d.entries()].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
  check(bad.length === 0, `${lang}.json: every value is a non-empty string`, bad.join('\n'));
}

const placeholders = (v) => [...String(v).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
const mismatched = [...zh.keys()].filter((k) => en.has(k) && placeholders(zh.get(k)) !== placeholders(en.get(k)));
check(mismatched.length === 0, 'zh-CN and en use the same {placeholders} in every string', mismatched.join('\n'));

// ---------- keys used by the code ----------

const jsFiles = walk(join(WEB, 'js')).filter((f) => f.endsWith('.js'));
const prefixes = new Map(); // prefix → files
for (const file of jsFiles) {
  const src = readFileSync(file, 'utf8');
  const rel = relative(ROOT, file);
  const keys = new Set();
  for (const m of src.matchAll(/\bt(?:Or)?\(\s*(['"])([^'"\n]+)\1/g)) keys.add(m[2]);
  for (const m of src.matchAll(/\bt(?:Or)?\(\s*`([^`$]*)\$\{/g)) {
    if (!prefixes.has(m[1])) prefixes.set(m[1], new Set());
    prefixes.get(m[1]).add(rel);
  }
  for (const m of src.matchAll(/\bt(?:Or)?\(\s*`([^`$]*)`/g)) keys.add(m[1]);
  const missing = [...keys].filter((k) => !zh.has(k) || !en.has(k));
  check(missing.length === 0, `${rel}: its ${keys.size} translation keys exist in both languages`,
    missing.map((k) => `missing: ${k}`).join('\n'));
}

// Dynamic keys: each prefix must name a group, and the groups must cover
// every value the server can produce.
for (const [prefix, files] of prefixes) {
  const group = prefix.replace(/\.$/, '');
  const hasGroup = [...zh.keys()].some((k) => k.startsWith(`${group}.`)) && [...en.keys()].some((k) => k.startsWith(`${group}.`));
  check(prefix.endsWith('.') && hasGroup, `dynamic keys ${prefix}… (${[...files].join(', ')}) name a translated group`);
}

const routesC = readSource('src/routes.c');
const errorC = readSource('src/core/error.c');
const rolesC = readSource('src/auth/roles.c');
const eventsC = readSource('src/events/events.c');
const sets = {
  errors: union(['invalid_json', 'unauthenticated', 'invalid_credentials', 'forbidden', 'csrf_failed', 'not_found',
    'method_not_allowed', 'conflict', 'body_too_large', 'unsupported_media_type', 'validation_failed',
    'account_locked', 'rate_limited', 'internal_error', 'unavailable', 'network'],
  [...errorC.matchAll(/\]\s*=\s*\{\s*"([a-z_]+)"\s*,\s*\d{3}/g)].map((m) => m[1]).filter((c) => c !== 'ok')),
  roles: union(['sysadmin', 'secadmin', 'auditor', 'county_officer', 'department_officer', 'town_officer',
    'community_worker', 'grid_worker', 'property_staff', 'org_staff', 'volunteer', 'resident'], cArray(routesC, 'role_names')),
  levels: union(['province', 'city', 'county', 'town', 'community', 'grid'], cArray(routesC, 'level_choices')),
  perms: union(['org.read', 'org.write', 'grid.assign', 'user.read', 'user.manage', 'role.grant', 'audit.read', 'system'],
    [...rolesC.matchAll(/\[PERM_[A-Z_]+\]\s*=\s*"([a-z_.]+)"/g)].map((m) => m[1]).filter((p) => p !== 'signed_in'))
    .map((p) => p.replace(/\./g, '_')),
  'audit.results': union(['ok', 'invalid_credentials', 'account_locked', 'account_disabled', 'rate_limited'],
    cArray(routesC, 'audit_results')),
  // Grid events: states, sources and handling-unit kinds from the route table, the actions
  // (transitions) and stages from src/events/events.c, the notices the engine sends.
  'ev.state': union(['reported', 'registered', 'dispatched', 'accepted', 'handled', 'closed', 'cancelled', 'parked', 'merged'],
    cArray(routesC, 'event_states')),
  'ev.source': union(['patrol', 'resident', 'hotline', 'instruction', 'self'], cArray(routesC, 'event_sources')),
  'ev.unitKind': union(['department', 'community'], cArray(routesC, 'unit_kinds')),
  'ev.action': union(['report', 'register', 'dispatch', 'accept', 'handle', 'verify', 'evaluate'],
    [...eventsC.matchAll(/\{"([a-z_]+)",\s*S\(/g)].map((m) => m[1])),
  'ev.stage': union(['register', 'dispatch', 'handle'], [...eventsC.matchAll(/case_set_stage\([^;]*?"([a-z_]+)"/g)].map((m) => m[1])),
  'inbox.kind': union(['warning', 'overdue', 'assigned', 'status'],
    [...eventsC.matchAll(/case_notify(?:_handlers)?\([^;()]*"([a-z_]+)"\)/g)].map((m) => m[1])),
};
for (const [group, values] of Object.entries(sets)) {
  const missing = values.filter((v) => !zh.has(`${group}.${v}`) || !en.has(`${group}.${v}`));
  check(missing.length === 0, `every one of the ${values.length} ${group} is translated`,
    missing.map((v) => `missing: ${group}.${v}`).join('\n'));
}
const zhLevels = ['province', 'city', 'county', 'town', 'community', 'grid'].map((l) => zh.get(`levels.${l}`)).join('/');
check(zhLevels === '省/市/县区/乡镇街道/社区村/网格', 'tree levels read 省/市/县区/乡镇街道/社区村/网格 in Chinese', zhLevels);

// ---------- forbidden constructs ----------

const webFiles = walk(WEB);
const jsRules = [
  [/\binnerHTML\b/, 'innerHTML'],
  [/\bouterHTML\b/, 'outerHTML'],
  [/\binsertAdjacentHTML\b/, 'insertAdjacentHTML'],
  [/\bdocument\s*\.\s*write(ln)?\b/, 'document.write'],
  [/(^|[^.\w])eval\s*\(/, 'eval('],
  [/\bnew\s+Function\s*\(/, 'new Function('],
  [/\bsetAttribute\(\s*['"](style|on\w+)['"]/i, 'setAttribute of style or an event handler'],
  [/\bcreateContextualFragment\b|\bDOMParser\b|\bsrcdoc\b/, 'HTML parsing'],
  [/javascript:/i, 'javascript: URL'],
  [/\bsetTimeout\(\s*['"`]|\bsetInterval\(\s*['"`]/, 'string timer'],
];
const htmlRules = [
  [/<script\b(?![^>]*\bsrc=)[^>]*>/i, 'inline <script>'],
  [/<script\b[^>]*>\s*[^<\s]/i, 'script with content'],
  [/<script\b(?![^>]*type=["']module["'])[^>]*>/i, 'script that is not type="module"'],
  [/<[^>]+\son\w+\s*=/i, 'on*= attribute'],
  [/<[^>]+\sstyle\s*=/i, 'style= attribute'],
  [/<style\b/i, '<style> block'],
  [/javascript:/i, 'javascript: URL'],
  [/<(iframe|object|embed)\b/i, 'embedded content'],
];
const cssRules = [[/expression\s*\(|javascript:|@import\s+url\(\s*['"]?https?:/i, 'script or remote import in CSS']];
for (const file of webFiles) {
  const rel = relative(ROOT, file);
  const src = readFileSync(file, 'utf8');
  const rules = file.endsWith('.js') ? jsRules : file.endsWith('.html') ? htmlRules
    : file.endsWith('.css') ? cssRules : file.endsWith('.svg') ? [[/<script\b|\son\w+\s*=/i, 'script in SVG']] : [];
  if (!rules.length) continue;
  const hits = [];
  src.split('\n').forEach((line, i) => {
    for (const [re, what] of rules) if (re.test(line)) hits.push(`${rel}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
  });
  check(hits.length === 0, `${rel}: no forbidden constructs`, hits.join('\n'));
}

// ---------- module graph ----------

const broken = [];
for (const file of jsFiles) {
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/\b(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), m[1]);
    if (!existsSync(target)) broken.push(`${relative(ROOT, file)} imports ${m[1]}`);
  }
}
check(broken.length === 0, `every relative import of the ${jsFiles.length} modules resolves`, broken.join('\n'));

const html = readSource('web/index.html');
const entries = [...html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["']/g)].map((m) => m[1]);
check(entries.length > 0 && entries.every((s) => existsSync(join(WEB, s))), 'index.html loads existing module scripts', entries.join(' '));

console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
