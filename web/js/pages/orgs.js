// The jurisdiction tree: the user's starting nodes, a search within scope,
// and one node with breadcrumbs, children, and for communities and grids
// their maps, grid workers and the forms that change them.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, onSubmit, invalid, pager, dataTable, facts, badge, telLink,
  section, panel, loading, empty, toast, confirmDialog, errorBox, toastError,
} from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { drawMap, parseGeometry } from '../geo.js';
import { can } from '../session.js';
import { tabHref, linkButton } from '../registry.js';

const LEVELS = ['province', 'city', 'county', 'town', 'community', 'grid'];
const PAGE = 50;
const CODE_RE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12}|\d{15})$/;

export async function render(view, ctx) {
  if (ctx.view === 'node') return renderNode(view, ctx, Number(ctx.params[0]));
  return renderIndex(view, ctx);
}

function levelName(level) {
  return t(`levels.${level}`);
}

function offsetOf(ctx) {
  const n = Number(ctx.query.get('offset') || 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/* Search by name or code, optionally one level, within the user's scope. */
function searchForm(ctx) {
  const term = ctx.query.get('code') || ctx.query.get('q') || '';
  const level = ctx.query.get('level') || '';
  const input = field({ label: t('orgs.searchLabel'), name: 'term', type: 'search', value: term,
    attrs: { placeholder: t('orgs.searchPlaceholder'), maxlength: '64', enterkeyhint: 'search' } });
  const levelField = field({ label: t('orgs.level'), name: 'level',
    control: selectEl('level', [['', t('orgs.anyLevel')], ...LEVELS.map((l) => [l, levelName(l)])], level) });
  const form = h('form', { class: 'search-form', role: 'search' }, input, levelField,
    h('div', { class: 'field field-action' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('common.search'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = form.elements.term.value.trim();
    const lv = form.elements.level.value;
    if (!v && !lv) {
      ctx.go('/orgs');
      return;
    }
    ctx.go('/orgs', CODE_RE.test(v) ? { code: v, level: lv } : { q: v, level: lv });
  });
  return form;
}

/*
 * Tree nodes as a list of rows: the name is the link (and its accessible
 * name) while the whole row is clickable; level, code, children and phone
 * follow as details. Compact on phones, aligned on desktops.
 */
function orgList(items, opts = {}) {
  return h('ul', { class: 'org-list', 'aria-label': opts.label || null }, items.map((o) => h('li', { class: 'org-row' },
    h('a', { href: `#/orgs/${o.id}`, class: 'org-name stretched' }, o.name),
    h('span', { class: 'org-meta' },
      opts.sameLevel ? null : badge(levelName(o.level), `level-${o.level}`),
      opts.sameLevel || !o.parent_name ? null : h('span', { class: 'org-parent' }, t('orgs.inParent', { parent: o.parent_name })),
      h('span', { class: 'code' }, o.code),
      o.level === 'grid' ? null : h('span', { class: 'org-count' }, t('orgs.childCount', { count: formatNumber(o.child_count) })),
      o.supervision_phone ? h('span', { class: 'org-phone' }, icon('phone', 'icon icon-sm'), o.supervision_phone) : null),
    icon('chevron', 'icon org-chevron'))));
}

async function renderIndex(view, ctx) {
  ctx.setTitle(t('orgs.title'));
  const q = ctx.query.get('q') || '';
  const code = ctx.query.get('code') || '';
  const level = ctx.query.get('level') || '';
  const searching = !!(q || code || level);
  const results = h('div', null, loading());
  add(view, h('h1', { class: 'page-title' }, t('orgs.title')), searchForm(ctx), results);
  const offset = offsetOf(ctx);
  const page = searching
    ? await api('GET', '/orgs', { query: { q, code, level, limit: PAGE, offset } })
    : await api('GET', '/orgs');
  if (!ctx.isCurrent()) return;
  fill(results,
    h('h2', { class: 'section-title' }, searching ? t('orgs.results', { total: formatNumber(page.total) }) : t('orgs.startNodes')),
    page.items.length ? orgList(page.items, { label: searching ? t('orgs.resultsCaption') : t('orgs.startNodes') })
      : empty(searching ? t('orgs.noResults') : t('orgs.noScope')),
    searching ? pager(page, (o) => ctx.go('/orgs', { q, code, level, offset: o })) : null);
}

function breadcrumbs(node) {
  const items = [h('li', null, h('a', { href: '#/orgs' }, t('orgs.title')))];
  for (const a of node.ancestors || []) items.push(h('li', null, h('a', { href: `#/orgs/${a.id}` }, a.name)));
  items.push(h('li', null, h('span', { 'aria-current': 'page' }, node.name)));
  return h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null, items));
}

async function renderNode(view, ctx, id) {
  add(view, loading());
  const node = await api('GET', `/orgs/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(node.name);
  const mine = node.my_permissions || [];
  const canWrite = mine.includes('org.write');
  const canAssign = mine.includes('grid.assign');
  const isGrid = node.level === 'grid';

  const head = h('div', { class: 'node-head' },
    breadcrumbs(node),
    h('div', { class: 'node-title' },
      h('h1', { class: 'page-title' }, node.name),
      badge(levelName(node.level), `level-${node.level}`)),
    facts([
      [t('orgs.code'), h('span', { class: 'code' }, node.code)],
      [t('orgs.level'), levelName(node.level)],
      isGrid ? null : [t('orgs.children'), formatNumber(node.child_count)],
      [t('orgs.supervisionPhone'), telLink(node.supervision_phone)],
      isGrid ? [t('orgs.boundary'), node.has_boundary ? t('orgs.boundaryYes') : t('orgs.boundaryNo')] : null,
    ]),
    registryLinks(node));
  fill(view, head);

  if (isGrid) {
    await renderGrid(view, ctx, node, canWrite, canAssign);
    return;
  }
  const children = h('div', null, loading());
  const mapSlot = h('div');
  add(view, mapSlot, section(t('orgs.childList', { level: childLevelName(node.level) }), children));
  if (canWrite && node.level === 'community') add(view, newGridPanel(ctx, node));
  if (canWrite) add(view, phonePanel(ctx, node));
  add(view, section(t('orgs.searchWithin'), searchForm({ ...ctx, query: new URLSearchParams() })));

  const offset = offsetOf(ctx);
  const [page, bounds] = await Promise.all([
    node.child_count > 0 ? api('GET', `/orgs/${id}/children`, { query: { limit: PAGE, offset } }) : null,
    node.level === 'community' ? api('GET', `/orgs/${id}/children/boundaries`) : null,
  ]);
  if (!ctx.isCurrent()) return;
  fill(children,
    page && page.items.length ? orgList(page.items, { sameLevel: true, label: node.name })
      : empty(node.level === 'community' ? t('orgs.noGrids') : t('orgs.noChildren')),
    page ? pager(page, (o) => ctx.go(`/orgs/${id}`, { offset: o })) : null);
  if (bounds && bounds.features && bounds.features.length) {
    const map = drawMap(bounds.features.map((f) => ({
      geometry: f.geometry,
      label: shortGridName(f.properties.name, node.name),
      title: `${f.properties.name} ${f.properties.code}`,
      href: `#/orgs/${f.properties.id}`,
    })), { ariaLabel: t('orgs.gridMapOf', { name: node.name }) });
    if (map) {
      fill(mapSlot, section(t('orgs.gridMap'),
        h('div', { class: 'map-box' }, map),
        h('p', { class: 'muted small' }, t('orgs.gridMapHint', { count: bounds.features.length }))));
    }
  }
}

/* The node's people and places: buildings (grids and up to towns), residents and statistics. */
function registryLinks(node) {
  if (!can('registry.read')) return null;
  return h('div', { class: 'button-row' },
    node.level !== 'county' ? linkButton(tabHref('buildings', node.id), t('reg.tab.buildings'), 'building', node.level === 'grid' ? 'btn btn-primary' : 'btn') : null,
    linkButton(tabHref('residents', node.id), t('reg.tab.residents'), 'users'),
    linkButton(tabHref('stats', node.id), t('reg.tab.stats'), 'chart'));
}

function childLevelName(level) {
  const i = LEVELS.indexOf(level);
  return i >= 0 && i < LEVELS.length - 1 ? levelName(LEVELS[i + 1]) : t('orgs.childrenWord');
}

/* "枫源村第1网格" on the map of 枫源村委会 → "第1网格": the shared prefix adds nothing. */
function shortGridName(name, parentName) {
  let i = 0;
  while (i < name.length && i < parentName.length && name[i] === parentName[i]) i++;
  const rest = name.slice(i);
  return i >= 2 && rest.length >= 2 ? rest : name;
}

/* ---------- community: new grid ---------- */

function boundaryField(name, value, previewSlot) {
  const area = field({ label: t('orgs.boundaryGeojson'), name, type: 'textarea', value,
    hint: t('orgs.boundaryHint'), attrs: { rows: '6', spellcheck: 'false', class: 'mono' } });
  const ta = area.querySelector('textarea');
  let timer = null;
  const preview = () => {
    const text = ta.value.trim();
    if (!text) {
      fill(previewSlot);
      return;
    }
    const g = parseGeometry(text);
    const map = g ? drawMap([{ geometry: g }], { ariaLabel: t('orgs.boundaryPreview') }) : null;
    fill(previewSlot, map ? h('div', { class: 'map-box map-box-sm' }, map)
      : h('p', { class: 'field-error' }, t('orgs.boundaryInvalid')));
  };
  ta.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(preview, 250);
  });
  if (value) preview();
  return area;
}

function readBoundary(fd, name) {
  const text = String(fd.get(name) || '').trim();
  if (!text) return null;
  const g = parseGeometry(text);
  if (!g) throw invalid(name, t('orgs.boundaryInvalid'));
  return g;
}

function newGridPanel(ctx, node) {
  const previewSlot = h('div', { class: 'preview' });
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('orgs.gridName'), name: 'name', required: true, attrs: { maxlength: '64' },
      hint: t('orgs.gridNameHint') }),
    field({ label: t('orgs.supervisionPhone'), name: 'supervision_phone', type: 'tel',
      hint: t('orgs.phoneHint'), attrs: { maxlength: '20', inputmode: 'tel' } }),
    boundaryField('boundary', '', previewSlot),
    previewSlot,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('orgs.createGrid'))));
  onSubmit(form, async (fd) => {
    const name = String(fd.get('name')).trim();
    if (!name) throw invalid('name', t('common.required'));
    const body = { parent_id: node.id, name, level: 'grid' };
    const phone = String(fd.get('supervision_phone')).trim();
    if (phone) body.supervision_phone = phone;
    const boundary = readBoundary(fd, 'boundary');
    if (boundary) body.boundary = boundary;
    const created = await api('POST', '/orgs', { body });
    toast(t('orgs.gridCreated', { name: created.name, code: created.code }));
    ctx.go(`/orgs/${created.id}`);
  }, { parent_id: 'name', coordinates: 'boundary', type: 'boundary' });
  return panel(t('orgs.newGrid'), form);
}

/* ---------- supervision phone of any node (and a grid's name) ---------- */

function phonePanel(ctx, node) {
  const isGrid = node.level === 'grid';
  const form = h('form', { class: 'form', novalidate: true },
    isGrid ? field({ label: t('orgs.gridName'), name: 'name', required: true, value: node.name, attrs: { maxlength: '64' } }) : null,
    field({ label: t('orgs.supervisionPhone'), name: 'supervision_phone', type: 'tel', value: node.supervision_phone || '',
      hint: t('orgs.phoneClearHint'), attrs: { maxlength: '20', inputmode: 'tel' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
  onSubmit(form, async (fd) => {
    const body = {};
    if (isGrid) {
      const name = String(fd.get('name')).trim();
      if (!name) throw invalid('name', t('common.required'));
      if (name !== node.name) body.name = name;
    }
    const phone = String(fd.get('supervision_phone')).trim();
    if (phone !== (node.supervision_phone || '')) body.supervision_phone = phone;
    if (!Object.keys(body).length) {
      toast(t('common.noChanges'), 'info');
      return;
    }
    await api('PATCH', `/orgs/${node.id}`, { body });
    toast(t('common.saved'));
    ctx.reload();
  });
  return panel(isGrid ? t('orgs.editGrid') : t('orgs.editPhone'), form);
}

/* ---------- grid ---------- */

async function renderGrid(view, ctx, node, canWrite, canAssign) {
  const mapSlot = h('div');
  add(view, workersSection(ctx, node, canAssign));
  add(view, mapSlot);
  if (canWrite) add(view, phonePanel(ctx, node));
  let boundary = null;
  if (node.has_boundary) {
    try {
      boundary = await api('GET', `/orgs/${node.id}/boundary`);
    } catch (err) {
      if (err.status !== 404) throw err;
    }
    if (!ctx.isCurrent()) return;
  }
  if (canWrite) add(view, boundaryPanel(ctx, node, boundary));
  add(view, section(t('orgs.publicCard'),
    h('p', { class: 'muted' }, t('orgs.publicCardHint')),
    h('p', null, h('a', { href: `#/public/${node.code}`, class: 'btn' }, t('orgs.publicCardOpen')))));
  const map = boundary ? drawMap([{ geometry: boundary, title: node.name }], { ariaLabel: t('orgs.boundaryOf', { name: node.name }) }) : null;
  add(mapSlot, section(t('orgs.boundary'), map ? h('div', { class: 'map-box' }, map) : empty(t('orgs.noBoundary'))));
}

function workersSection(ctx, node, canAssign) {
  const workers = node.grid_workers || [];
  const cols = [
    { label: t('orgs.workerName'), cell: (w) => h('strong', null, w.display_name) },
    { label: t('orgs.workerPhone'), cell: (w) => telLink(w.phone) },
    { label: t('orgs.postedAt'), cell: (w) => formatDateTime(w.assigned_at) },
  ];
  if (canAssign) {
    cols.push({ label: t('common.actions'), cell: (w) => h('button', {
      type: 'button', class: 'btn btn-danger-quiet',
      on: { click: () => withdraw(ctx, node, w) },
    }, t('orgs.withdraw')) });
  }
  const body = [workers.length ? dataTable(cols, workers, { caption: t('orgs.gridWorkers') }) : empty(t('orgs.noWorkers'))];
  if (canAssign) body.push(postWorkerPanel(ctx, node));
  return section(t('orgs.gridWorkers'), ...body);
}

async function withdraw(ctx, node, w) {
  const ok = await confirmDialog({
    title: t('orgs.withdrawTitle'),
    message: t('orgs.withdrawConfirm', { name: w.display_name, grid: node.name }),
    confirmLabel: t('orgs.withdraw'),
  });
  if (!ok) return;
  try {
    await api('DELETE', `/orgs/${node.id}/grid-workers/${w.user_id}`);
    toast(t('orgs.withdrawn', { name: w.display_name }));
    ctx.reload();
  } catch (err) {
    toastError(err);
  }
}

function postWorkerPanel(ctx, node) {
  const body = h('div', null, loading());
  const details = panel(t('orgs.postWorker'), body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const res = await api('GET', `/orgs/${node.id}/grid-worker-candidates`);
      fill(body, postWorkerForm(ctx, node, res.items));
    } catch (err) {
      loaded = false;
      fill(body, errorBox(err));
    }
  });
  return details;
}

function postWorkerForm(ctx, node, candidates) {
  if (!candidates.length) return h('p', { class: 'muted' }, t('orgs.noCandidates'));
  const posted = new Map((node.grid_workers || []).map((w) => [w.user_id, w]));
  const select = selectEl('user_id', candidates.map((c) => [String(c.user_id),
    `${c.display_name} (${c.username})${posted.has(c.user_id) ? ` — ${t('orgs.alreadyPosted')}` : ''}`]), '');
  const phone = field({ label: t('orgs.workerPhone'), name: 'phone', type: 'tel', required: true,
    hint: t('orgs.workerPhoneHint'), attrs: { maxlength: '20', inputmode: 'tel' } });
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('orgs.candidate'), name: 'user_id', control: select, hint: t('orgs.candidateHint') }),
    phone,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('orgs.post'))));
  const syncPhone = () => {
    const w = posted.get(Number(select.value));
    form.elements.phone.value = w ? w.phone : '';
  };
  select.addEventListener('change', syncPhone);
  syncPhone();
  onSubmit(form, async (fd) => {
    const p = String(fd.get('phone')).trim();
    if (!p) throw invalid('phone', t('common.required'));
    await api('POST', `/orgs/${node.id}/grid-workers`, { body: { user_id: Number(fd.get('user_id')), phone: p } });
    toast(t('orgs.posted'));
    ctx.reload();
  });
  return form;
}

function boundaryPanel(ctx, node, current) {
  const previewSlot = h('div', { class: 'preview' });
  const form = h('form', { class: 'form', novalidate: true },
    boundaryField('geojson', current ? JSON.stringify(current) : '', previewSlot),
    previewSlot,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('orgs.saveBoundary'))));
  onSubmit(form, async (fd) => {
    const g = readBoundary(fd, 'geojson');
    if (!g) throw invalid('geojson', t('common.required'));
    await api('PUT', `/orgs/${node.id}/boundary`, { body: g });
    toast(t('orgs.boundarySaved'));
    ctx.reload();
  }, { coordinates: 'geojson', type: 'geojson' });
  return panel(t('orgs.replaceBoundary'), form);
}
