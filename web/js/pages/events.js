// The command centre's board (#/events): events in scope with filters kept
// in the address (state, category, source, area, overdue only), a map of
// the page's events over the grid polygons, and the list with deadline
// badges; a point or a row opens the event. Also "my reports"
// (#/events/mine): what the signed-in user reported, with its state.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, pager, dataTable, panel, loading, empty, errorBox,
} from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { can } from '../session.js';
import { loadEcharts, linkButton, keepCharts } from '../registry.js';
import {
  STATES, OPEN_STATES, SOURCES, nodesWith, categories, categoryName, categoryPath, boardNodes, stateLabel, sourceLabel,
  stateBadge, deadlineBadge, eventHref, gridFeatures, drawEventMap, deadlineCounts,
} from '../events.js';

const PAGE = 50;
const FILTERS = ['state', 'category', 'source', 'org', 'overdue', 'escalated'];

export async function render(view, ctx) {
  return ctx.view === 'mine' ? renderMine(view, ctx) : renderBoard(view, ctx);
}

function offsetOf(ctx) {
  const n = Number(ctx.query.get('offset') || 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/* Board and "my reports" as tabs, for those who have both. */
export function eventTabs(active) {
  if (!can('event.read')) return null;
  const tab = (id, href, text) => h('li', null, h('a', { href, class: 'tab', 'aria-current': id === active ? 'page' : null }, text));
  return h('nav', { class: 'tabs', 'aria-label': t('ev.tabs') }, h('ul', null,
    tab('board', '#/events', t('ev.board')),
    can('event.report') ? tab('mine', '#/events/mine', t('ev.mine')) : null,
    tab('metrics', '#/events/metrics', t('ev.m.title'))));
}

function titleRow(text) {
  return h('div', { class: 'node-title' },
    h('h1', { class: 'page-title' }, text),
    can('event.report') ? linkButton('#/events/new', t('ev.new'), 'plus', 'btn btn-primary') : null);
}

/* ---------- the board ---------- */

function currentFilters(ctx) {
  const f = {};
  for (const k of FILTERS) f[k] = ctx.query.get(k) || '';
  return f;
}

/* The areas to filter by: the user's nodes when several, else the one node's children. */
async function areaChoices() {
  const nodes = await boardNodes();
  if (nodes.length > 1) return nodes.map((n) => [n.code, n.name]);
  if (nodes.length === 1 && nodes[0].level !== 'grid') {
    const page = await api('GET', `/orgs/${nodes[0].id}/children`, { query: { limit: 200 } });
    return page.items.map((c) => [c.code, c.name]);
  }
  return [];
}

/* The county code of a command centre the user runs, for "escalated to us". */
async function countyCentre() {
  const nodes = await nodesWith('event.dispatch');
  const county = nodes.find((n) => n.level === 'county');
  return county ? county.code : '';
}

function filterForm(ctx, f, cat, areas, county) {
  const catOptions = [['', t('ev.anyCategory')]];
  for (const p of cat.parents) {
    catOptions.push([p.code, categoryName(p)]);
    for (const c of cat.children.get(p.code) || []) catOptions.push([c.code, `— ${categoryName(c)}`]);
  }
  const overdue = h('input', { type: 'checkbox', id: 'ev-overdue', name: 'overdue', value: '1', checked: f.overdue === '1' });
  const escalated = county ? h('input', { type: 'checkbox', id: 'ev-escalated', name: 'escalated', value: '1',
    checked: f.escalated === '1' }) : null;
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('ev.field.state'), name: 'state',
      control: selectEl('state', [['', t('ev.openStates')], ['all', t('ev.anyState')],
        ...STATES.map((s) => [s, stateLabel(s)])], f.state) }),
    field({ label: t('ev.field.category'), name: 'category', control: selectEl('category', catOptions, f.category) }),
    field({ label: t('ev.field.source'), name: 'source',
      control: selectEl('source', [['', t('ev.anySource')], ...SOURCES.map((s) => [s, sourceLabel(s)])], f.source) }),
    areas.length ? field({ label: t('ev.field.area'), name: 'org',
      control: selectEl('org', [['', t('ev.wholeArea')], ...areas], f.org) }) : null,
    h('div', { class: 'check' }, overdue, h('label', { for: 'ev-overdue' }, t('ev.overdueOnly'))),
    escalated ? h('div', { class: 'check' }, escalated, h('label', { for: 'ev-escalated' }, t('ev.escalatedOnly'))) : null,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('audit.apply')),
      h('button', { type: 'button', class: 'btn', on: { click: () => ctx.go('/events') } }, t('audit.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = {};
    for (const k of FILTERS) {
      const el = form.elements[k];
      if (!el) continue;
      q[k] = el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value;
    }
    ctx.go('/events', q);
  });
  return form;
}

async function renderBoard(view, ctx) {
  ctx.setTitle(t('ev.board'));
  add(view, loading());
  const f = currentFilters(ctx);
  const offset = offsetOf(ctx);
  const [cat, areas, county] = await Promise.all([categories(), areaChoices(), countyCentre()]);
  if (!ctx.isCurrent()) return;
  const filtered = FILTERS.some((k) => f[k]);
  const list = h('div', { 'aria-live': 'polite' }, loading());
  const mapSlot = h('div');
  fill(view,
    eventTabs('board'),
    titleRow(t('ev.board')),
    panel(filtered ? t('audit.filtersActive') : t('audit.filters'), filterForm(ctx, f, cat, areas, county),
      filtered || window.matchMedia('(min-width: 720px)').matches),
    mapSlot,
    list);
  let page;
  try {
    page = await api('GET', '/events', {
      query: {
        state: f.state, category: f.category, source: f.source, org: f.org,
        overdue: f.overdue === '1' ? 'true' : '', level: f.escalated === '1' && county ? county : '',
        limit: PAGE, offset,
      },
    });
  } catch (err) {
    if (err.status === 401) throw err;
    fill(list, errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  fill(list,
    h('p', { class: 'muted' }, page.total_capped ? t('ev.countMore', { total: formatNumber(page.total) })
      : t('ev.count', { total: formatNumber(page.total) })),
    page.items.length ? eventTable(page.items, cat) : empty(filtered ? t('ev.noneFiltered') : t('ev.none')),
    pager(page, (o) => ctx.go('/events', { ...f, offset: o })));
  if (page.items.length) await showMap(ctx, mapSlot, page.items);
}

function eventTable(items, cat) {
  const cols = [
    { label: t('ev.field.id'), class: 'nowrap', cell: (e) => h('a', { href: eventHref(e.id), class: 'mono strong-link' }, `#${e.id}`) },
    {
      label: t('ev.field.title'),
      cell: (e) => h('div', { class: 'ev-cell' },
        h('a', { href: eventHref(e.id), class: 'strong-link' }, e.title),
        h('span', { class: 'muted small' }, categoryPath(cat, e.category, e.category_name))),
    },
    { label: t('ev.field.state'), class: 'nowrap', cell: (e) => stateBadge(e.state) },
    {
      label: t('ev.field.deadline'),
      class: 'nowrap',
      // An open event without a clock (parked) says so; a finished one needs no word.
      cell: (e) => deadlineBadge(e) || (OPEN_STATES.includes(e.state) || e.state === 'parked'
        ? h('span', { class: 'muted' }, t('ev.deadline.none')) : '—'),
    },
    { label: t('ev.field.grid'), cell: (e) => e.grid_name || e.code },
    { label: t('ev.field.unit'), cell: (e) => e.unit_name || '—' },
    {
      label: t('ev.field.reported'),
      class: 'nowrap',
      cell: (e) => h('span', null, formatDateTime(e.reported_at), h('span', { class: 'muted small block' }, sourceLabel(e.source))),
    },
  ];
  const table = dataTable(cols, items, { caption: t('ev.board') });
  // A row opens its event, as its links do (the links stay for the keyboard).
  table.querySelector('table').classList.add('table-rows-link');
  table.querySelectorAll('tbody tr').forEach((tr, i) => {
    tr.addEventListener('click', (ev) => {
      if (ev.target.closest('a, button')) return;
      location.hash = eventHref(items[i].id);
    });
  });
  return table;
}

/* The map of the listed events over their grids; the list stays the page when ECharts cannot load. */
async function showMap(ctx, slot, items) {
  const counts = deadlineCounts(items);
  const chartEl = h('div', {
    class: 'chart ev-map', role: 'img',
    'aria-label': t('ev.mapLabel', { total: items.length, red: counts.red, yellow: counts.yellow, green: counts.green }),
  });
  fill(slot, h('figure', { class: 'chart-box ev-map-box' },
    h('figcaption', null, t('ev.map')),
    chartEl,
    h('p', { class: 'muted small' }, t('ev.mapHint'))));
  try {
    const [echarts, features] = await Promise.all([loadEcharts(), gridFeatures(items)]);
    if (!ctx.isCurrent()) return;
    if (!features.length) {
      fill(slot, h('div', { class: 'alert alert-info', role: 'status' }, t('ev.mapNoGrids')));
      return;
    }
    const chart = drawEventMap(echarts, chartEl, features, items, { name: 'board' });
    keepCharts(ctx, [chart]);
  } catch (err) {
    if (err && err.status === 401) throw err;
    if (!ctx.isCurrent()) return;
    fill(slot, h('div', { class: 'alert alert-info', role: 'status' }, t('ev.mapUnavailable')));
  }
}

/* ---------- my reports ---------- */

async function renderMine(view, ctx) {
  ctx.setTitle(t('ev.mine'));
  add(view, loading());
  const offset = offsetOf(ctx);
  const [cat, page] = await Promise.all([
    categories(),
    api('GET', '/events/mine', { query: { limit: PAGE, offset } }),
  ]);
  if (!ctx.isCurrent()) return;
  fill(view,
    eventTabs('mine'),
    titleRow(t('ev.mine')),
    h('p', { class: 'muted' }, t('ev.mineHint')),
    h('p', null, t('ev.count', { total: formatNumber(page.total) })),
    page.items.length ? h('ul', { class: 'org-list ev-list', 'aria-label': t('ev.mine') }, page.items.map((e) => h('li', { class: 'org-row' },
      h('a', { href: eventHref(e.id), class: 'org-name stretched' }, e.title),
      h('span', { class: 'org-meta' },
        stateBadge(e.state),
        e.state === 'closed' && e.score == null ? h('span', { class: 'badge badge-warn' }, t('ev.toEvaluate')) : null,
        h('span', null, categoryPath(cat, e.category, e.category_name)),
        h('span', null, formatDateTime(e.reported_at)),
        h('span', { class: 'code' }, `#${e.id}`)),
      icon('chevron', 'icon org-chevron'))))
      : empty(t('ev.noneMine')),
    pager(page, (o) => ctx.go('/events/mine', { offset: o })));
}
