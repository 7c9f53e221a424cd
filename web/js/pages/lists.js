// The community and town views of the registry: residents with filters
// (kept in the address), paging and exports; households; units and one
// unit; and the search over names and addresses.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, pager, dataTable, facts, badge, panel, loading, empty, errorBox, toast,
} from '../dom.js';
import { t, tOr, formatNumber } from '../i18n.js';
import { can } from '../session.js';
import {
  label, choices, tagLabel, tagChips, statusBadge, scopeId, scopeNode, scopeBar, tabHref, reasonDialog,
} from '../registry.js';
import { searchBox } from './people.js';

const PAGE = 50;
const FILTERS = ['q', 'number', 'tag', 'residence_type', 'age_min', 'age_max', 'status', 'child'];
// The filters the export accepts besides org_id (not the exact number look-ups).
const EXPORT_FILTERS = ['q', 'tag', 'residence_type', 'status', 'age_min', 'age_max'];
const MOBILE_RE = /^1[3-9]\d{9}$/;

export async function render(view, ctx) {
  switch (ctx.view) {
    case 'households': return renderHouseholds(view, ctx);
    case 'units': return renderUnits(view, ctx);
    case 'unit': return renderUnit(view, ctx, Number(ctx.params[0]));
    case 'search': return renderSearch(view, ctx);
    default: return renderResidents(view, ctx);
  }
}

function offsetOf(ctx) {
  const n = Number(ctx.query.get('offset') || 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/* ---------- residents ---------- */

function currentFilters(ctx) {
  const f = {};
  for (const k of FILTERS) f[k] = ctx.query.get(k) || '';
  return f;
}

/* The API query of the filters: the number is an exact phone or identity number. */
function apiQuery(orgId, f) {
  const q = {
    org_id: f.child || orgId, q: f.q, tag: f.tag, residence_type: f.residence_type, status: f.status,
    age_min: f.age_min, age_max: f.age_max,
  };
  if (f.number) {
    if (MOBILE_RE.test(f.number)) q.phone = f.number;
    else q.id_number = f.number.toUpperCase();
  }
  return q;
}

function filterForm(ctx, orgId, f, tags, children) {
  const ages = (name, value) => field({ label: t(`reg.${name === 'age_min' ? 'ageMin' : 'ageMax'}`), name, type: 'number', value,
    attrs: { min: '0', max: '150', inputmode: 'numeric' } });
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('reg.filterName'), name: 'q', type: 'search', value: f.q, attrs: { maxlength: '32' } }),
    field({ label: t('reg.filterNumber'), name: 'number', value: f.number, hint: t('reg.filterNumberHint'),
      attrs: { maxlength: '32', autocomplete: 'off', spellcheck: 'false' } }),
    children.length ? field({ label: t('reg.filterArea'), name: 'child',
      control: selectEl('child', [['', t('reg.wholeArea')], ...children.map((c) => [String(c.id), c.name])], f.child) }) : null,
    field({ label: t('reg.tag'), name: 'tag',
      control: selectEl('tag', [['', t('reg.anyTag')], ...tags.map((tg) => [tg.tag, tagLabel(tg.tag)])], f.tag) }),
    field({ label: t('reg.residenceType'), name: 'residence_type',
      control: selectEl('residence_type', choices('residence', t('reg.anyType')), f.residence_type) }),
    field({ label: t('reg.field.status'), name: 'status',
      control: selectEl('status', [['', label('status', 'active')], ['moved_out', label('status', 'moved_out')],
        ['deceased', label('status', 'deceased')], ['any', t('reg.anyStatus')]], f.status) }),
    h('div', { class: 'age-pair' }, ages('age_min', f.age_min), ages('age_max', f.age_max)),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('audit.apply')),
      h('button', { type: 'button', class: 'btn', on: { click: () => ctx.go('/people/residents', { org: orgId }) } }, t('audit.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = { org: orgId };
    for (const k of FILTERS) q[k] = form.elements[k] ? String(form.elements[k].value || '').trim() : '';
    ctx.go('/people/residents', q);
  });
  return form;
}

/* The export bar of a list: CSV and XLSX links carrying the list's filters
 * (empty ones left out); onClick may take over a download. */
function exportLinks(list, params, onClick = null, ...extra) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) p.set(k, v);
  const link = (format, text) => {
    const q = new URLSearchParams(p);
    q.set('format', format);
    return h('a', { href: `/api/v1/${list}/export?${q}`, class: 'btn btn-small', download: '',
      on: onClick ? { click: (ev) => onClick(ev, format) } : {} }, text);
  };
  return h('div', { class: 'export-bar' },
    h('span', { class: 'export-label' }, icon('download', 'icon icon-sm'), t('reg.export')),
    link('csv', 'CSV'), link('xlsx', 'Excel (XLSX)'), ...extra);
}

/* The residents' export: full numbers after a reason for those who may unmask. */
function exportBar(orgId, f) {
  const params = { org_id: f.child || orgId };
  for (const k of EXPORT_FILTERS) params[k] = f[k];
  const unmasked = h('input', { type: 'checkbox', id: 'export-unmask', name: 'export_unmask' });
  const download = async (ev, format) => {
    if (!unmasked.checked) return; // the plain link downloads by itself
    ev.preventDefault();
    const reason = await reasonDialog({
      title: t('reg.exportUnmaskTitle'), text: t('reg.exportUnmaskText'), confirmLabel: t('reg.exportUnmaskConfirm'),
    });
    if (!reason) return;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    q.set('format', format);
    q.set('unmask', 'true');
    q.set('reason', reason);
    const a = h('a', { href: `/api/v1/residents/export?${q}`, download: '', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    toast(t('reg.exportStarted'));
  };
  return exportLinks('residents', params, download,
    can('registry.unmask') ? h('span', { class: 'check' }, unmasked, h('label', { for: 'export-unmask' }, t('reg.exportUnmask'))) : null,
    f.number ? h('p', { class: 'muted small export-note' }, t('reg.exportNoNumber')) : null);
}

async function renderResidents(view, ctx) {
  add(view, loading());
  const orgId = await scopeId(ctx);
  const f = currentFilters(ctx);
  const offset = offsetOf(ctx);
  const [node, tags] = await Promise.all([scopeNode(orgId), api('GET', '/registry/tags')]);
  if (!ctx.isCurrent()) return;
  let children = [];
  if (node && node.child_count > 0) {
    const page = await api('GET', `/orgs/${node.id}/children`, { query: { limit: 200 } });
    if (!ctx.isCurrent()) return;
    children = page.items;
  }
  ctx.setTitle(`${t('reg.tab.residents')} · ${node ? node.name : t('reg.title')}`);
  const filtered = FILTERS.some((k) => f[k]);
  const list = h('div', { 'aria-live': 'polite' }, loading());
  fill(view,
    scopeBar(node, 'residents'),
    h('h1', { class: 'page-title' }, node ? t('reg.residentsOf', { name: node.name }) : t('reg.tab.residents')),
    panel(filtered ? t('audit.filtersActive') : t('audit.filters'), filterForm(ctx, orgId, f, tags.items, children),
      filtered || window.matchMedia('(min-width: 720px)').matches),
    can('registry.export') ? exportBar(orgId, f) : null,
    list);
  let page;
  try {
    page = await api('GET', '/residents', { query: { ...apiQuery(orgId, f), limit: PAGE, offset } });
  } catch (err) {
    if (err.status === 401) throw err;
    fill(list, errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  const cols = [
    { label: t('reg.name'), class: 'nowrap', cell: (r) => [h('a', { href: `#/people/r/${r.id}`, class: 'strong-link' }, r.name), ' ', statusBadge(r.status)] },
    { label: t('reg.genderAge'), class: 'nowrap', cell: (r) => `${label('gender', r.gender)} · ${t('reg.ageYears', { age: r.age })}` },
    { label: t('reg.idNumber'), class: 'nowrap', cell: (r) => h('span', { class: 'masked' }, r.id_number) },
    { label: t('reg.phone'), class: 'nowrap', cell: (r) => (r.phone ? h('span', { class: 'masked' }, r.phone) : '—') },
    { label: t('reg.residenceType'), class: 'nowrap', cell: (r) => label('residence', r.residence_type) },
    { label: t('reg.address'), cell: (r) => (r.household_id
      ? h('a', { href: `#/people/h/${r.household_id}` }, r.address || t('reg.openHousehold')) : r.address || '—') },
    { label: t('levels.grid'), class: 'nowrap', cell: (r) => r.grid_name || r.code },
    { label: t('reg.field.tags'), cell: (r) => tagChips(r.tags) || '—' },
  ];
  const query = { org: orgId, ...f };
  fill(list,
    h('p', { class: 'muted' }, t('reg.residentCount', { total: formatNumber(page.total) })),
    page.items.length ? dataTable(cols, page.items, { caption: t('reg.tab.residents') }) : empty(t('reg.noResidents')),
    pager(page, (o) => ctx.go('/people/residents', { ...query, offset: o })));
}

/* ---------- households ---------- */

async function renderHouseholds(view, ctx) {
  add(view, loading());
  const orgId = await scopeId(ctx);
  const offset = offsetOf(ctx);
  const [node, page] = await Promise.all([
    scopeNode(orgId),
    api('GET', '/households', { query: { org_id: orgId, limit: PAGE, offset } }),
  ]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('reg.tab.households')} · ${node ? node.name : t('reg.title')}`);
  const cols = [
    { label: t('reg.address'), cell: (x) => h('a', { href: `#/people/h/${x.id}`, class: 'strong-link' }, x.address) },
    { label: t('reg.householdNumber'), cell: (x) => x.number || '—' },
    { label: t('reg.head'), cell: (x) => x.head_name || '—' },
    { label: t('reg.members'), class: 'num', cell: (x) => formatNumber(x.members || 0) },
    { label: t('orgs.code'), cell: (x) => h('span', { class: 'code' }, x.code) },
  ];
  fill(view,
    scopeBar(node, 'households'),
    h('h1', { class: 'page-title' }, node ? t('reg.householdsOf', { name: node.name }) : t('reg.tab.households')),
    searchBox(ctx, orgId),
    can('registry.export') ? exportLinks('households', { org_id: orgId }) : null,
    h('p', { class: 'muted' }, t('reg.householdCount', { total: formatNumber(page.total) })),
    page.items.length ? dataTable(cols, page.items, { caption: t('reg.tab.households') }) : empty(t('reg.noHouseholdsHere')),
    pager(page, (o) => ctx.go('/people/households', { org: orgId, offset: o })));
}

/* ---------- units ---------- */

async function renderUnits(view, ctx) {
  add(view, loading());
  const orgId = await scopeId(ctx);
  const offset = offsetOf(ctx);
  const type = ctx.query.get('type') || '';
  const [node, page] = await Promise.all([
    scopeNode(orgId),
    api('GET', '/units', { query: { org_id: orgId, type, limit: PAGE, offset } }),
  ]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('reg.tab.units')} · ${node ? node.name : t('reg.title')}`);
  const typeSelect = selectEl('type', choices('unitType', t('reg.anyType')), type);
  typeSelect.addEventListener('change', () => ctx.go('/people/units', { org: orgId, type: typeSelect.value }));
  const cols = [
    { label: t('reg.unitName'), cell: (u) => h('a', { href: `#/people/u/${u.id}`, class: 'strong-link' }, u.name) },
    { label: t('reg.field.unit_type'), cell: (u) => label('unitType', u.type) },
    { label: t('reg.creditCode'), cell: (u) => (u.credit_code ? h('span', { class: 'code-plain' }, u.credit_code) : '—') },
    { label: t('reg.address'), cell: (u) => h('a', { href: `#/people/a/${u.address_id}` }, u.address) },
    { label: t('reg.contact'), cell: (u) => [u.contact_name || '', u.phone ? h('span', { class: 'masked block' }, u.phone) : null] },
  ];
  fill(view,
    scopeBar(node, 'units'),
    h('h1', { class: 'page-title' }, node ? t('reg.unitsOf', { name: node.name }) : t('reg.tab.units')),
    h('div', { class: 'search-form' }, field({ label: t('reg.field.unit_type'), name: 'type', control: typeSelect, class: 'field-narrow' })),
    can('registry.export') ? exportLinks('units', { org_id: orgId, type }) : null,
    h('p', { class: 'muted' }, t('reg.unitCount', { total: formatNumber(page.total) })),
    page.items.length ? dataTable(cols, page.items, { caption: t('reg.tab.units') }) : empty(t('reg.noUnits')),
    pager(page, (o) => ctx.go('/people/units', { org: orgId, type, offset: o })));
}

async function renderUnit(view, ctx, id) {
  add(view, loading());
  const u = await api('GET', `/units/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(u.name);
  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      h('li', null, h('a', { href: '#/people' }, t('reg.title'))),
      h('li', null, h('a', { href: tabHref('units') }, t('reg.tab.units'))),
      h('li', null, h('span', { 'aria-current': 'page' }, u.name)))),
    h('div', { class: 'node-title' }, h('h1', { class: 'page-title' }, u.name), badge(label('unitType', u.type), 'role')),
    facts([
      [t('reg.field.unit_type'), label('unitType', u.type)],
      [t('reg.creditCode'), u.credit_code ? h('span', { class: 'code' }, u.credit_code) : '—'],
      [t('reg.address'), h('a', { href: `#/people/a/${u.address_id}` }, u.address)],
      [t('reg.contactName'), u.contact_name || '—'],
      [t('reg.contactPhone'), u.phone ? h('span', { class: 'masked' }, u.phone) : '—'],
      [t('orgs.code'), h('span', { class: 'code' }, u.code)],
    ]));
}

/* ---------- search ---------- */

const KIND_HREF = {
  resident: (x) => `#/people/r/${x.id}`,
  address: (x) => `#/people/a/${x.id}`,
  unit: (x) => `#/people/u/${x.id}`,
  household: (x) => `#/people/h/${x.id}`,
  building: (x) => `#/people/b/${x.id}`,
};

async function renderSearch(view, ctx) {
  const q = ctx.query.get('q') || '';
  const orgRaw = Number(ctx.query.get('org'));
  const orgId = Number.isInteger(orgRaw) && orgRaw > 0 ? orgRaw : null;
  const offset = offsetOf(ctx);
  ctx.setTitle(t('reg.searchTitle'));
  const results = h('div', { 'aria-live': 'polite' }, q ? loading() : null);
  add(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      h('li', null, h('a', { href: '#/people' }, t('reg.title'))),
      h('li', null, h('span', { 'aria-current': 'page' }, t('reg.searchTitle'))))),
    h('h1', { class: 'page-title' }, t('reg.searchTitle')),
    searchBox(ctx, orgId, q),
    results);
  if (!q) return;
  let page;
  try {
    page = await api('GET', '/search', { query: { q, org_id: orgId, limit: PAGE, offset } });
  } catch (err) {
    if (err.status === 401) throw err;
    fill(results, errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  fill(results,
    h('p', { class: 'muted' }, t('reg.searchCount', { total: formatNumber(page.total), q })),
    page.items.length ? h('ul', { class: 'org-list' }, page.items.map((x) => {
      const href = KIND_HREF[x.kind] ? KIND_HREF[x.kind](x) : null;
      return h('li', { class: 'org-row' },
        href ? h('a', { href, class: 'org-name stretched' }, x.label) : h('span', { class: 'org-name' }, x.label),
        h('span', { class: 'org-meta' },
          badge(tOr(`reg.kind.${x.kind}`, x.kind), `kind-${x.kind}`),
          x.grid_name ? h('span', null, x.grid_name) : null,
          h('span', { class: 'code' }, x.code)),
        href ? icon('chevron', 'icon org-chevron') : null);
    })) : empty(t('reg.noSearchResults')),
    pager(page, (o) => ctx.go('/people/search', { q, org: orgId, offset: o })));
}
