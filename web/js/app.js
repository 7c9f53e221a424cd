// Start-up, the hash router and the signed-in layout (header, navigation
// that follows the user's permissions, main area). Pages live in pages/*.js
// and render into a fresh container per visit.
import { ApiError, onUnauthenticated } from './api.js';
import { h, icon, clear, fill, errorBox } from './dom.js';
import { t, loadLanguage, initialLanguage, language, LANGUAGES } from './i18n.js';
import * as session from './session.js';
import * as loginPage from './pages/login.js';
import * as homePage from './pages/home.js';
import * as orgsPage from './pages/orgs.js';
import * as usersPage from './pages/users.js';
import * as userPage from './pages/user.js';
import * as auditPage from './pages/audit.js';
import * as mePage from './pages/me.js';
import * as publicPage from './pages/public.js';
import * as peoplePage from './pages/people.js';
import * as residentPage from './pages/resident.js';
import * as listsPage from './pages/lists.js';
import * as statsPage from './pages/stats.js';
import * as importPage from './pages/import.js';
import * as visitsPage from './pages/visits.js';
import * as eventsPage from './pages/events.js';
import * as eventMetricsPage from './pages/event_metrics.js';
import * as eventAdminPage from './pages/event_admin.js';
import * as apiKeysPage from './pages/apikeys.js';
import * as eventPage from './pages/event.js';
import * as reportPage from './pages/report.js';
import * as inboxPage from './pages/inbox.js';
import * as servicesPage from './pages/services.js';
import * as serviceAdminPage from './pages/service_admin.js';
import * as needsPage from './pages/needs.js';
import * as counsellingPage from './pages/counselling.js';
import * as inboxCount from './inbox-count.js';
import * as mediationPage from './pages/mediation.js';
import * as dutiesPage from './pages/duties.js';
import * as accessPage from './pages/access.js';

const ROUTES = [
  { re: /^\/$/, page: homePage, nav: 'home' },
  { re: /^\/orgs$/, page: orgsPage, perm: 'org.read', nav: 'orgs' },
  { re: /^\/orgs\/(\d+)$/, page: orgsPage, perm: 'org.read', nav: 'orgs', view: 'node' },
  { re: /^\/users$/, page: usersPage, perm: 'user.read', nav: 'users' },
  { re: /^\/users\/(\d+)$/, page: userPage, perm: 'user.read', nav: 'users' },
  { re: /^\/audit$/, page: auditPage, perm: 'audit.read', nav: 'audit' },
  { re: /^\/people$/, page: peoplePage, perm: 'registry.read', nav: 'people', view: 'home' },
  { re: /^\/people\/buildings$/, page: peoplePage, perm: 'registry.read', nav: 'people', view: 'buildings' },
  { re: /^\/people\/b\/(\d+)$/, page: peoplePage, perm: 'registry.read', nav: 'people', view: 'building' },
  { re: /^\/people\/a\/(\d+)$/, page: peoplePage, perm: 'registry.read', nav: 'people', view: 'address' },
  { re: /^\/people\/h\/(\d+)$/, page: peoplePage, perm: 'registry.read', nav: 'people', view: 'household' },
  { re: /^\/people\/r\/(\d+)$/, page: residentPage, perm: 'registry.read', nav: 'people' },
  { re: /^\/people\/residents$/, page: listsPage, perm: 'registry.read', nav: 'people', view: 'residents' },
  { re: /^\/people\/households$/, page: listsPage, perm: 'registry.read', nav: 'people', view: 'households' },
  { re: /^\/people\/units$/, page: listsPage, perm: 'registry.read', nav: 'people', view: 'units' },
  { re: /^\/people\/u\/(\d+)$/, page: listsPage, perm: 'registry.read', nav: 'people', view: 'unit' },
  { re: /^\/people\/search$/, page: listsPage, perm: 'registry.read', nav: 'people', view: 'search' },
  { re: /^\/people\/stats$/, page: statsPage, perm: 'registry.read', nav: 'people' },
  { re: /^\/people\/import$/, page: importPage, perm: 'registry.import', nav: 'people' },
  { re: /^\/visits$/, page: visitsPage, perm: ['visit.write', 'registry.read'], nav: 'visits' },
  { re: /^\/events$/, page: eventsPage, perm: 'event.read', nav: 'events', view: 'board' },
  { re: /^\/events\/new$/, page: reportPage, perm: 'event.report', nav: 'report' },
  { re: /^\/events\/metrics$/, page: eventMetricsPage, perm: 'event.read', nav: 'events' },
  { re: /^\/events\/admin$/, page: eventAdminPage, perm: 'event.catalog', nav: 'eventAdmin' },
  { re: /^\/api-keys$/, page: apiKeysPage, perm: 'system', nav: 'apiKeys' },
  { re: /^\/events\/mine$/, page: eventsPage, perm: 'event.report', nav: () => mineNav(), view: 'mine' },
  // The server decides who sees an event: the board's readers, the unit's members, the reporter.
  { re: /^\/events\/(\d+)$/, page: eventPage, nav: () => (session.can('event.read') ? 'events' : mineNav()) },
  { re: /^\/services$/, page: servicesPage, nav: 'services', view: 'catalogue', isPublic: true },
  { re: /^\/services\/admin$/, page: serviceAdminPage, perm: 'service.catalog', nav: 'serviceAdmin', view: 'catalogue' },
  { re: /^\/needs$/, page: needsPage, perm: 'need.read', nav: 'needs', view: 'coverage' },
  { re: /^\/needs\/people$/, page: needsPage, perm: 'need.read', nav: 'needs', view: 'people' },
  { re: /^\/providers$/, page: serviceAdminPage, perm: 'provider.manage', nav: 'providers', view: 'providers' },
  { re: /^\/providers\/(\d+)$/, page: serviceAdminPage, perm: 'provider.manage', nav: 'providers', view: 'provider' },
  { re: /^\/services\/(\d+)$/, page: servicesPage, nav: 'services', view: 'item', isPublic: true },
  { re: /^\/applications$/, page: servicesPage, perm: ['service.apply', 'service.handle'], nav: 'applications', view: 'applications' },
  { re: /^\/applications\/(\d+)$/, page: servicesPage, nav: 'applications', view: 'application' },
  { re: /^\/bookings$/, page: servicesPage, perm: 'service.apply', nav: 'bookings', view: 'bookings' },
  { re: /^\/mediation$/, page: mediationPage, perm: 'mediation.read', nav: 'mediation', view: 'list' },
  { re: /^\/mediation\/new$/, page: mediationPage, perm: 'mediation.handle', nav: 'mediation', view: 'new' },
  { re: /^\/mediation\/committees$/, page: mediationPage, perm: 'mediation.read', nav: 'mediation', view: 'committees' },
  { re: /^\/mediation\/stats$/, page: mediationPage, perm: 'mediation.read', nav: 'mediation', view: 'stats' },
  { re: /^\/mediation\/(\d+)$/, page: mediationPage, perm: 'mediation.read', nav: 'mediation', view: 'case' },
  { re: /^\/mediation\/(\d+)\/print\/(agreement|file|notice)$/, page: mediationPage, perm: 'mediation.read', nav: 'mediation', view: 'print' },
  { re: /^\/access$/, page: accessPage, perm: ['access.request', 'access.review', 'burden.read'], nav: 'access', view: 'list' },
  { re: /^\/access\/new$/, page: accessPage, perm: 'access.request', nav: 'access', view: 'new' },
  // The server decides who sees a request: requesters, reviewers, burden readers, the communities it covers.
  { re: /^\/access\/(\d+)$/, page: accessPage, nav: () => (session.can('task.handle') ? 'tasks' : 'access'), view: 'request' },
  { re: /^\/tasks$/, page: accessPage, perm: ['task.handle', 'burden.read'], nav: 'tasks', view: 'tasks' },
  { re: /^\/burden$/, page: accessPage, perm: 'burden.read', nav: 'burden', view: 'burden' },
  { re: /^\/inbox$/, page: inboxPage, nav: 'inbox' },
  { re: /^\/counselling$/, page: counsellingPage, perm: 'counsel.handle', nav: 'counselling', view: 'cases' },
  { re: /^\/counselling\/ask$/, page: counsellingPage, perm: 'counsel.request', nav: 'counselAsk', view: 'ask' },
  { re: /^\/counselling\/stats$/, page: counsellingPage, perm: 'counsel.stats', nav: 'counselStats', view: 'stats' },
  // The server decides who sees a case: its counsellor and supervisor, and the requester (the status).
  { re: /^\/counselling\/cases\/(\d+)$/, page: counsellingPage, nav: () => (session.can('counsel.handle') ? 'counselling' : 'counselAsk'), view: 'case' },
  { re: /^\/duties$/, page: dutiesPage, nav: 'duties', view: 'browse', isPublic: true },
  { re: /^\/duties\/certificates$/, page: dutiesPage, nav: 'duties', view: 'banned', isPublic: true },
  { re: /^\/duties\/manage$/, page: dutiesPage, perm: 'duty.publish', nav: 'duties', view: 'manage' },
  { re: /^\/duties\/(\d+)$/, page: dutiesPage, nav: 'duties', view: 'list', isPublic: true },
  { re: /^\/certificates$/, page: dutiesPage, perm: 'certificate.issue', nav: 'certificates', view: 'desk' },
  { re: /^\/certificates\/(\d+)$/, page: dutiesPage, perm: 'certificate.issue', nav: 'certificates', view: 'certificate' },
  { re: /^\/me$/, page: mePage, nav: 'me' },
  { re: /^\/public\/(\d{15})$/, page: publicPage, isPublic: true },
];

const NAV = [
  { id: 'home', href: '#/', icon: 'home', label: () => t('nav.home') },
  { id: 'orgs', href: '#/orgs', icon: 'tree', perm: 'org.read', label: () => t('nav.orgs') },
  { id: 'people', href: '#/people', icon: 'building', perm: 'registry.read', label: () => t('nav.people') },
  { id: 'visits', href: '#/visits', icon: 'visit', perm: ['visit.write', 'registry.read'], label: () => t('nav.visits') },
  { id: 'events', href: '#/events', icon: 'flag', perm: 'event.read', label: () => t('nav.events') },
  { id: 'report', href: '#/events/new', icon: 'pin', perm: 'event.report', label: () => t('nav.report') },
  // Staff reach their own reports from the board's tabs; residents have no board.
  { id: 'mine', href: '#/events/mine', icon: 'list', perm: 'event.report', unless: 'event.read', label: () => t('nav.mine') },
  { id: 'services', href: '#/services', icon: 'list', label: () => t('nav.services') },
  { id: 'applications', href: '#/applications', icon: 'list', perm: ['service.apply', 'service.handle'], label: () => t('nav.applications') },
  { id: 'bookings', href: '#/bookings', icon: 'list', perm: 'service.apply', unless: 'registry.read', label: () => t('nav.bookings') },
  { id: 'needs', href: '#/needs', icon: 'list', perm: 'need.read', label: () => t('nav.needs') },
  { id: 'providers', href: '#/providers', icon: 'list', perm: 'provider.manage', label: () => t('nav.providers') },
  { id: 'mediation', href: '#/mediation', icon: 'users', perm: 'mediation.read', label: () => t('med.nav') },
  { id: 'duties', href: '#/duties', icon: 'list', label: () => t('duty.nav') },
  { id: 'certificates', href: '#/certificates', icon: 'list', perm: 'certificate.issue', label: () => t('duty.navDesk') },
  { id: 'access', href: '#/access', icon: 'list', perm: ['access.request', 'access.review'], label: () => t('acc.nav') },
  { id: 'tasks', href: '#/tasks', icon: 'list', perm: ['task.handle', 'burden.read'], label: () => t('acc.navTasks') },
  { id: 'burden', href: '#/burden', icon: 'chart', perm: 'burden.read', label: () => t('acc.navBurden') },
  { id: 'inbox', href: '#/inbox', icon: 'bell', count: true, label: () => t('nav.inbox') },
  { id: 'counselling', href: '#/counselling', icon: 'user', perm: 'counsel.handle', label: () => t('cou.navCases') },
  { id: 'counselAsk', href: '#/counselling/ask', icon: 'phone', perm: 'counsel.request', label: () => t('cou.navAsk') },
  { id: 'counselStats', href: '#/counselling/stats', icon: 'chart', perm: 'counsel.stats', label: () => t('cou.navStats') },
  { id: 'users', href: '#/users', icon: 'users', perm: 'user.read', label: () => t('nav.users') },
  { id: 'eventAdmin', href: '#/events/admin', icon: 'list', perm: 'event.catalog', label: () => t('nav.eventAdmin') },
  { id: 'serviceAdmin', href: '#/services/admin', icon: 'list', perm: 'service.catalog', label: () => t('nav.serviceAdmin') },
  { id: 'apiKeys', href: '#/api-keys', icon: 'key', perm: 'system', label: () => t('nav.apiKeys') },
  { id: 'audit', href: '#/audit', icon: 'audit', perm: 'audit.read', label: () => t('nav.audit') },
  { id: 'me', href: '#/me', icon: 'user', label: () => t('nav.me') },
];

const root = () => document.getElementById('app');

/* A route or link needs one permission, or any one of a list. */
function allowed(perm) {
  if (!perm) return true;
  return Array.isArray(perm) ? perm.some((p) => session.can(p)) : session.can(perm);
}

/* "My reports" is a navigation entry of its own only for those without the board. */
function mineNav() {
  return session.can('event.read') ? 'events' : 'mine';
}
let layout = null; // {main, nav, menuButton, links}
let loginNotice = null;

/* '#/orgs/12?offset=50' → {path: '/orgs/12', query: URLSearchParams} */
function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  const path = i < 0 ? raw : raw.slice(0, i);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed address is simply not found
  }
  return { path: decoded || '/', query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

/* Navigates to path with a query object (empty values left out). */
export function go(path, query = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== 0) p.set(k, v);
  const qs = p.toString();
  const target = `#${path}${qs ? `?${qs}` : ''}`;
  if (location.hash === target) route();
  else location.hash = target;
}

function languageSwitch(idSuffix) {
  const id = `lang-${idSuffix}`;
  const names = { 'zh-CN': t('lang.zh-CN'), en: t('lang.en') };
  const select = h('select', { id, class: 'lang-select', on: { change: (e) => switchLanguage(e.target.value) } },
    LANGUAGES.map((l) => h('option', { value: l, selected: l === language(), lang: l }, names[l])));
  return h('div', { class: 'lang' }, h('label', { for: id, class: 'sr-only' }, t('lang.label')), select);
}

async function switchLanguage(l) {
  await loadLanguage(l, true);
  layout = null;
  route();
}

function roleSummary(user) {
  return user.roles.map((r) => t(`roles.${r.role}`)).join(t('common.listSep'));
}

async function doSignOut() {
  try {
    await session.signOut();
  } catch {
    // the session is gone locally either way
  }
  layout = null;
  history.replaceState(null, '', '#/');
  showLogin();
}

function setMenu(open) {
  if (!layout) return;
  layout.shell.classList.toggle('nav-open', open);
  layout.menuButton.setAttribute('aria-expanded', String(open));
  fill(layout.menuButton, icon(open ? 'close' : 'menu'),
    h('span', { class: 'menu-label' }, open ? t('nav.close') : t('nav.menu')), layout.menuCount);
}

function buildLayout(user) {
  const menuButton = h('button', {
    type: 'button', class: 'menu-btn', 'aria-controls': 'nav', 'aria-expanded': 'false',
    on: { click: () => setMenu(menuButton.getAttribute('aria-expanded') !== 'true') },
  }, icon('menu'), h('span', { class: 'menu-label' }, t('nav.menu')));
  const signOutBtn = (cls) => h('button', { type: 'button', class: ['btn', 'btn-quiet', cls], on: { click: doSignOut } },
    icon('out', 'icon icon-sm'), t('nav.signOut'));
  const links = {};
  let navCount = null;
  const items = NAV.filter((n) => allowed(n.perm) && !(n.unless && session.can(n.unless))).map((n) => {
    const count = n.count ? h('span', { class: 'nav-count', hidden: true }) : null;
    if (count) navCount = count;
    const a = h('a', { href: n.href, class: 'nav-link' }, icon(n.icon, 'icon'), h('span', null, n.label()), count);
    links[n.id] = a;
    return h('li', null, a);
  });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const nav = h('nav', { id: 'nav', class: 'sidenav', 'aria-label': t('nav.label') },
    h('div', { class: 'nav-user' },
      h('strong', null, user.display_name), h('span', { class: 'muted' }, roleSummary(user))),
    h('ul', { class: 'nav-list' }, items),
    h('div', { class: 'nav-foot' }, signOutBtn('nav-signout'), h('div', { class: 'nav-lang' }, languageSwitch('nav'))));
  const shell = h('div', { class: 'shell' }, nav, main);
  const header = h('header', { class: 'topbar' },
    menuButton,
    h('a', { href: '#/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), t('app.name')),
    h('div', { class: 'topbar-user' },
      h('span', { class: 'user-name' }, user.display_name),
      h('span', { class: 'user-roles' }, roleSummary(user))),
    languageSwitch('top'),
    signOutBtn('topbar-signout'));
  const skip = h('button', { type: 'button', class: 'skip-link', on: { click: () => main.focus() } }, t('nav.skip'));
  clear(root()).append(skip, header, shell);
  layout = { main, nav, shell, menuButton, links, user, menuCount: h('span', { class: 'nav-count', hidden: true }), navCount };
}

export function showLogin(notice) {
  layout = null;
  if (notice !== undefined) loginNotice = notice;
  document.title = t('app.title');
  const view = h('div', { class: 'login-screen' });
  clear(root()).append(view);
  loginPage.render(view, {
    notice: loginNotice,
    languageSwitch: () => languageSwitch('login'),
    onSignedIn: () => {
      loginNotice = null;
      const { path } = parseHash();
      if (path === '/login') history.replaceState(null, '', '#/');
      route();
    },
  });
}

function publicShell() {
  const main = h('main', { id: 'main', class: 'main main-public', tabindex: '-1' });
  clear(root()).append(
    h('header', { class: 'topbar' },
      h('a', { href: '#/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), t('app.name')),
      h('div', { class: 'topbar-spacer' }),
      h('div', { class: 'public-lang' }, languageSwitch('pub')),
      session.currentUser() ? null : h('a', { href: '#/', class: 'btn btn-quiet' }, t('login.submit'))),
    main);
  return main;
}

function notFound(view) {
  view.append(h('h1', { class: 'page-title', tabindex: '-1' }, t('common.notFound')),
    h('p', null, h('a', { href: '#/' }, t('nav.home'))));
}

function forbidden(view) {
  view.append(h('h1', { class: 'page-title', tabindex: '-1' }, t('errors.forbidden')),
    h('p', null, h('a', { href: '#/' }, t('nav.home'))));
}

let renderSeq = 0;
let lastPath = null;

export async function route() {
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => [r, path.match(r.re)]).find(([, m]) => m);
  const user = session.currentUser();
  let container;
  if (match && match[0].isPublic && (!user || !layout)) {
    layout = null;
    container = publicShell();
  } else if (!user) {
    showLogin();
    return;
  } else {
    if (!layout || layout.user !== user) {
      buildLayout(user);
      inboxCount.attach(layout.navCount, layout.menuCount);
    }
    setMenu(false);
    const navId = match && (typeof match[0].nav === 'function' ? match[0].nav() : match[0].nav);
    for (const [id, a] of Object.entries(layout.links)) {
      if (navId === id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    inboxCount.refresh();
    container = layout.main;
  }
  // A new address (page, search or page of a list) starts at the top; a reload after a save stays put.
  const moved = location.hash !== lastPath;
  if (moved) window.scrollTo(0, 0);
  lastPath = location.hash;
  const seq = ++renderSeq;
  const view = h('div', { class: 'view' });
  clear(container).append(view);
  const ctx = {
    params: match ? match[1].slice(1) : [],
    query,
    view: match ? match[0].view : null,
    go,
    reload: route,
    signOut: doSignOut,
    isCurrent: () => seq === renderSeq,
    setTitle: (title) => { document.title = `${title} · ${t('app.title')}`; },
  };
  document.title = t('app.title');
  try {
    if (!match) notFound(view);
    else if (!allowed(match[0].perm)) forbidden(view);
    else await match[0].page.render(view, ctx);
  } catch (err) {
    if (err && err.status === 401) return;
    if (!(err instanceof ApiError)) console.error(err); // a bug, not an answer: keep it visible
    if (seq === renderSeq) {
      fill(view, h('h1', { class: 'page-title' }, err && err.status === 404 ? t('common.notFound') : t('common.failed')),
        errorBox(err), h('p', null, h('a', { href: '#/' }, t('nav.home'))));
    }
  }
  // Move focus to the new page's heading so keyboard and screen-reader users land on it.
  if (seq === renderSeq && (moved || document.activeElement === document.body)) {
    const heading = view.querySelector('h1');
    if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    if (heading) heading.focus({ preventScroll: true });
  }
}

async function boot() {
  try {
    await loadLanguage(initialLanguage());
  } catch {
    // Without a dictionary nothing can be translated: say so in both languages.
    clear(root()).append(h('main', { class: 'main' },
      h('div', { class: 'alert alert-error', role: 'alert' }, '无法加载界面，请检查网络后刷新。 The interface could not load; check the network and reload.')));
    return;
  }
  onUnauthenticated(() => {
    if (!session.currentUser()) return;
    session.drop();
    showLogin(t('login.expired'));
  });
  try {
    await session.restore();
  } catch (err) {
    clear(root()).append(h('main', { class: 'main' }, errorBox(err)));
    return;
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && layout && layout.shell.classList.contains('nav-open')) {
      setMenu(false);
      layout.menuButton.focus();
    }
  });
  window.addEventListener('hashchange', () => route());
  route();
}

boot();
