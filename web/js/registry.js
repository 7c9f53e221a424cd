// Shared pieces of the people-and-places pages (一标三实): the registry's
// codes and their labels, the scope bar (breadcrumbs of a node and the tabs
// of its lists), tag chips, the reason dialog of unmasking, dates, and the
// loader of ECharts (a classic script under /vendor/).
import { api } from './api.js';
import { h, icon, nextId, badge } from './dom.js';
import { t, tOr } from './i18n.js';
import { can, currentUser } from './session.js';

export const ENUMS = {
  gender: ['male', 'female'],
  relation: ['self', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'child_in_law', 'other'],
  residence: ['registered', 'permanent', 'floating'],
  employment: ['employed', 'self_employed', 'farmer', 'unemployed', 'retired', 'student', 'preschool', 'other'],
  idType: ['citizen', 'passport', 'hk_macao', 'taiwan', 'foreign_permanent', 'other'],
  status: ['active', 'moved_out', 'deceased'],
  occupancy: ['owner_occupied', 'rented', 'vacant'],
  houseUse: ['residential', 'commercial', 'mixed', 'office', 'industrial', 'public', 'other'],
  ownership: ['private', 'public', 'collective', 'public_rental', 'enterprise', 'other'],
  unitType: ['enterprise', 'individual_business', 'public_institution', 'government', 'social_organisation', 'school',
    'medical', 'other'],
};
export const DISABILITY_TYPES = ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'];
export const AGE_BANDS = ['0-17', '18-59', '60-79', '80+'];
export const REASON_MIN = 5;
export const REASON_MAX = 200;

/* The label of one code of a group (reg.<group>.<value>), the code itself when unknown, — when empty. */
export function label(group, value) {
  if (value === null || value === undefined || value === '') return '—';
  return tOr(`reg.${group}.${value}`, String(value));
}

/* [[value, label]] for a select, optionally led by an empty choice. */
export function choices(group, emptyLabel) {
  const list = ENUMS[group].map((v) => [v, label(group, v)]);
  return emptyLabel === undefined ? list : [['', emptyLabel], ...list];
}

export function tagLabel(tag) {
  return tOr(`reg.tags.${tag}`, tag);
}

/* "残疾人（肢体，二级）" */
export function tagText(tg) {
  const a = tg.attrs || {};
  const parts = [];
  if (a.type) parts.push(tOr(`reg.disability.${a.type}`, String(a.type)));
  if (a.grade) parts.push(tOr(`reg.grades.${a.grade}`, String(a.grade)));
  return parts.length ? t('reg.tagWithAttrs', { tag: tagLabel(tg.tag), attrs: parts.join(t('common.listSep')) }) : tagLabel(tg.tag);
}

export function tagChips(tags) {
  if (!tags || !tags.length) return null;
  return h('span', { class: 'badges tag-chips' }, tags.map((tg) => badge(tagText(tg), 'tag')));
}

export function statusBadge(status) {
  if (!status || status === 'active') return null;
  return badge(label('status', status), status === 'deceased' ? 'muted' : 'warn');
}

/* "枫源1组 2号 3幢" */
export function plate(b) {
  return [b.street, b.number, b.name].filter(Boolean).join(' ');
}

/* Unit and room of an address within its building, or a word for a single house. */
export function unitRoom(a) {
  const s = [a.unit, a.room].filter(Boolean).join(' ');
  return s || t('reg.wholeBuilding');
}

/* Door numbers in their natural order: 2号 before 10号 before 100号. */
const collator = new Intl.Collator('zh-CN', { numeric: true });
export function naturalCompare(a, b) {
  return collator.compare(a, b);
}

/* Today as YYYY-MM-DD in the user's time zone. */
export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/* The birth date and gender a citizen number states (GB 11643), or null: used to prefill a form. */
export function citizenFacts(idNumber) {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dXx]$/.exec(idNumber || '');
  if (!m) return null;
  return { birth_date: `${m[1]}-${m[2]}-${m[3]}`, gender: Number(m[4]) % 2 ? 'male' : 'female' };
}

export function num(n) {
  return new Intl.NumberFormat(document.documentElement.lang || 'zh-CN').format(n || 0);
}

/* ---------- scope: the user's starting nodes and a node's breadcrumbs ---------- */

let startCache = null; // {userId, promise}

/*
 * The nodes where the user holds a role that reads the registry (from the
 * role catalogue), once per account; a node inside another one is left out.
 */
export function startNodes() {
  const u = currentUser();
  if (!startCache || startCache.userId !== u.id) {
    const promise = api('GET', '/roles').then((cat) => {
      const readers = new Set(cat.items.filter((r) => r.permissions.includes('registry.read')).map((r) => r.role));
      const nodes = [];
      for (const g of u.roles) {
        if (!readers.has(g.role) || !g.org_id || nodes.some((n) => n.id === g.org_id)) continue;
        nodes.push({ id: g.org_id, name: g.org_name, level: g.org_level, code: g.org_code });
      }
      return nodes.filter((n) => !nodes.some((m) => m !== n && n.code.startsWith(m.code)));
    });
    startCache = { userId: u.id, promise };
    promise.catch(() => { startCache = null; });
  }
  return startCache.promise;
}

/* The node id of a page: ?org=…, else the user's one starting node, else null (the whole scope). */
export async function scopeId(ctx) {
  const q = Number(ctx.query.get('org'));
  if (Number.isInteger(q) && q > 0) return q;
  const nodes = await startNodes();
  return nodes.length === 1 ? nodes[0].id : null;
}

export const TABS = ['buildings', 'residents', 'households', 'units', 'stats'];

export function tabHref(tab, orgId, extra = {}) {
  const p = new URLSearchParams();
  if (orgId) p.set('org', orgId);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const qs = p.toString();
  return `#/people/${tab}${qs ? `?${qs}` : ''}`;
}

/*
 * The head of the registry's list pages: breadcrumbs from the top of the
 * user's scope down to the node (each leading to the same list there), and
 * the tabs of the node's lists. node is an OrgDetail or null.
 */
export function scopeBar(node, active) {
  const crumbs = [h('li', null, h('a', { href: '#/people' }, t('reg.title')))];
  if (node) {
    for (const a of node.ancestors || []) crumbs.push(h('li', null, h('a', { href: tabHref(active, a.id) }, a.name)));
    crumbs.push(h('li', null, h('span', { 'aria-current': 'page' }, node.name)));
  }
  const tabs = TABS.filter((tab) => tab !== 'buildings' || !node || node.level !== 'county')
    .map((tab) => h('li', null, h('a', {
      href: tabHref(tab, node && node.id),
      class: 'tab',
      'aria-current': tab === active ? 'page' : null,
    }, t(`reg.tab.${tab}`))));
  if (can('registry.import')) {
    tabs.push(h('li', null, h('a', { href: '#/people/import', class: 'tab', 'aria-current': active === 'import' ? 'page' : null },
      t('reg.tab.import'))));
  }
  return h('div', { class: 'scope-bar' },
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null, crumbs)),
    h('nav', { class: 'tabs', 'aria-label': t('reg.tabsLabel') }, h('ul', null, tabs)));
}

/* The node of a scope id, or null when there is none. */
export async function scopeNode(id) {
  return id ? api('GET', `/orgs/${id}`) : null;
}

/* ---------- the reason dialog (unmasking, exports with clear numbers) ---------- */

/* Resolves the reason typed (5-200 characters), or null when cancelled. */
export function reasonDialog({ title, text, confirmLabel }) {
  return new Promise((resolve) => {
    const titleId = nextId('dlg');
    const fieldId = nextId('f');
    const hintId = `${fieldId}-hint`;
    const errId = `${fieldId}-err`;
    const area = h('textarea', {
      id: fieldId, name: 'reason', rows: '3', maxlength: String(REASON_MAX), required: true,
      'aria-describedby': `${hintId} ${errId}`,
    });
    const err = h('p', { id: errId, class: 'field-error', hidden: true });
    const ok = h('button', { type: 'submit', value: 'ok', class: 'btn btn-primary' }, confirmLabel);
    const cancel = h('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true }, t('common.cancel'));
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      text ? h('p', { class: 'dialog-text' }, text) : null,
      h('div', { class: 'field' },
        h('label', { for: fieldId, class: 'field-label' }, t('reg.reason'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
        area,
        h('p', { id: hintId, class: 'field-hint' }, t('reg.reasonHint')),
        err),
      h('div', { class: 'dialog-actions' }, cancel, ok));
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
    let reason = null;
    form.addEventListener('submit', (ev) => {
      if (ev.submitter !== ok) return;
      const v = area.value.trim();
      const n = [...v].length;
      if (n < REASON_MIN || n > REASON_MAX) {
        ev.preventDefault();
        area.setAttribute('aria-invalid', 'true');
        err.textContent = t('reg.reasonHint');
        err.hidden = false;
        area.focus();
        return;
      }
      reason = v;
    });
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok' ? reason : null);
      dlg.remove();
    });
    document.body.append(dlg);
    dlg.showModal();
    area.focus();
  });
}

/* ---------- ECharts ---------- */

let echartsLoading = null;

/* Loads /vendor/echarts.min.js once; resolves the global echarts, rejects when it cannot load. */
export function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const script = h('script', { src: '/vendor/echarts.min.js', async: true });
      script.addEventListener('load', () => (window.echarts ? resolve(window.echarts) : reject(new Error('echarts missing'))));
      script.addEventListener('error', () => reject(new Error('echarts did not load')));
      document.head.append(script);
    });
    echartsLoading.catch(() => { echartsLoading = null; });
  }
  return echartsLoading;
}

/* A link styled as a button with an icon. */
export function linkButton(href, text, ic, cls = 'btn') {
  return h('a', { href, class: cls }, ic ? icon(ic, 'icon icon-sm') : null, text);
}

/* Resizes charts with the window while the page is shown; disposes of them when it is left. */
export function keepCharts(ctx, charts) {
  const onResize = () => {
    if (!ctx.isCurrent()) {
      window.removeEventListener('resize', onResize);
      window.removeEventListener('hashchange', onLeave);
      for (const c of charts) c.dispose();
      return;
    }
    for (const c of charts) c.resize();
  };
  const onLeave = () => setTimeout(onResize, 0);
  window.addEventListener('resize', onResize);
  window.addEventListener('hashchange', onLeave);
}
