// The event catalogue for county officers (#/events/admin): handling units
// with their members, and the categories (大类/小类) with their stage time
// limits, default unit, whether they take reports and whether Open311
// offers them.
import { api } from '../api.js';
import {
  h, add, fill, field, selectEl, onSubmit, invalid, dataTable, section, panel, loading, toast, badge, icon,
  confirmDialog, toastError,
} from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { categoryName, units as loadUnits, unitName, nodesWith } from '../events.js';

const KINDS = ['department', 'town', 'community', 'property', 'other'];
const CAT_KINDS = ['part', 'event', 'social'];
const STAGES = ['register', 'dispatch', 'handle'];

function limitText(l) {
  return t(`ev.admin.limit.${l.unit}`, { n: l.limit });
}

/* ---------- handling units ---------- */

function memberList(ctx, unit, members) {
  const remove = async (m) => {
    const ok = await confirmDialog({ title: t('ev.admin.removeMember'),
      message: t('ev.admin.removeMemberQ', { name: m.display_name, unit: unitName(unit) }),
      confirmLabel: t('ev.admin.remove') });
    if (!ok) return;
    try {
      await api('DELETE', `/handling-units/${unit.id}/members/${m.user_id}`);
      toast(t('ev.admin.removed'));
      ctx.reload();
    } catch (err) {
      toastError(err);
    }
  };
  return h('ul', { class: 'plain-list' }, members.length ? members.map((m) => h('li', null,
    m.display_name, ' ',
    h('button', { type: 'button', class: 'btn btn-small', on: { click: () => remove(m) } }, t('ev.admin.remove'))))
    : h('li', { class: 'muted' }, t('ev.admin.noMembers')));
}

function memberForm(ctx, unit) {
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('ev.admin.username'), name: 'username', required: true,
      attrs: { maxlength: '64', autocapitalize: 'none', spellcheck: 'false' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('ev.admin.addMember'))));
  onSubmit(form, async (fd) => {
    const username = String(fd.get('username') || '').trim();
    if (!username) throw invalid('username', t('common.required'));
    await api('POST', `/handling-units/${unit.id}/members`, { body: { username } });
    toast(t('ev.admin.memberAdded'));
    ctx.reload();
  });
  return form;
}

function unitForm(ctx, nodes) {
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('ev.admin.unitName'), name: 'name', required: true, attrs: { maxlength: '64' } }),
    field({ label: t('ev.admin.unitNameEn'), name: 'name_en', attrs: { maxlength: '96' } }),
    field({ label: t('ev.admin.kind'), name: 'kind',
      control: selectEl('kind', KINDS.map((k) => [k, t(`ev.unitKind.${k}`)]), 'department') }),
    field({ label: t('ev.admin.node'), name: 'org_code', required: true, hint: t('ev.admin.nodeHint'),
      value: nodes[0] ? nodes[0].code : '', attrs: { maxlength: '15', inputmode: 'numeric' } }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus', 'icon icon-sm'), t('ev.admin.createUnit'))));
  onSubmit(form, async (fd) => {
    const body = {};
    for (const k of ['name', 'name_en', 'kind', 'org_code']) body[k] = String(fd.get(k) || '').trim();
    if (!body.name) throw invalid('name', t('common.required'));
    if (!body.name_en) delete body.name_en;
    await api('POST', '/handling-units', { body });
    toast(t('ev.admin.unitCreated'));
    ctx.reload();
  });
  return form;
}

async function unitsSection(ctx, list, nodes) {
  const members = await Promise.all(list.map((u) => api('GET', `/handling-units/${u.id}/members`)
    .then((p) => p.items || []).catch((err) => {
      if (err.status === 401) throw err;
      return [];
    })));
  return section(t('ev.admin.units'),
    h('p', { class: 'muted' }, t('ev.admin.unitsHint')),
    list.map((u, i) => panel(`${unitName(u)} · ${t(`ev.unitKind.${u.kind}`)} · ${u.org_code}`,
      h('div', null, memberList(ctx, u, members[i]), memberForm(ctx, u)))),
    panel(t('ev.admin.newUnit'), unitForm(ctx, nodes)));
}

/* ---------- categories ---------- */

function limitFields(c) {
  return STAGES.map((s) => h('div', { class: 'limit-pair' },
    field({ label: t(`ev.admin.stage.${s}`), name: `${s}_limit`, type: 'number', value: c ? String(c[s].limit) : '',
      attrs: { min: '1', max: '999', inputmode: 'numeric' } }),
    field({ label: t('ev.admin.unit'), name: `${s}_unit`,
      control: selectEl(`${s}_unit`, [['hours', t('ev.admin.hours')], ['days', t('ev.admin.days')]],
        c ? c[s].unit : (s === 'handle' ? 'days' : 'hours')) })));
}

function readLimits(fd, body) {
  for (const s of STAGES) {
    const v = String(fd.get(`${s}_limit`) || '').trim();
    if (v) {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 999) throw invalid(`${s}_limit`, t('ev.admin.badLimit'));
      body[`${s}_limit`] = n;
    }
    body[`${s}_unit`] = String(fd.get(`${s}_unit`) || 'hours');
  }
}

function unitSelect(unitList, value) {
  return selectEl('unit_id', [['', t('ev.admin.noDefault')], ...unitList.map((u) => [String(u.id), unitName(u)])],
    value == null ? '' : String(value));
}

function categoryForm(ctx, c, unitList) {
  const check = (name, label, on) => h('div', { class: 'check' },
    h('input', { type: 'checkbox', id: `cat-${c.code}-${name}`, name, value: '1', checked: on }),
    h('label', { for: `cat-${c.code}-${name}` }, label));
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('ev.admin.name'), name: 'name', value: c.name, attrs: { maxlength: '64' } }),
    field({ label: t('ev.admin.nameEn'), name: 'name_en', value: c.name_en, attrs: { maxlength: '96' } }),
    ...limitFields(c),
    field({ label: t('ev.admin.defaultUnit'), name: 'unit_id', control: unitSelect(unitList, c.unit_id) }),
    check('active', t('ev.admin.active'), c.active),
    check('open311', t('ev.admin.open311'), c.open311),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('ev.admin.save'))));
  onSubmit(form, async (fd) => {
    const body = { name: String(fd.get('name') || '').trim(), name_en: String(fd.get('name_en') || '').trim() };
    if (!body.name) throw invalid('name', t('common.required'));
    if (!body.name_en) throw invalid('name_en', t('common.required'));
    readLimits(fd, body);
    const unit = String(fd.get('unit_id') || '');
    body.unit_id = unit ? Number(unit) : null;
    body.active = fd.get('active') === '1';
    body.open311 = fd.get('open311') === '1';
    await api('PATCH', `/event-categories/${c.code}`, { body });
    toast(t('ev.admin.saved'));
    ctx.reload();
  });
  return form;
}

function newCategoryForm(ctx, cats, unitList) {
  const parents = cats.filter((c) => !c.parent_code);
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('ev.admin.code'), name: 'code', required: true, hint: t('ev.admin.codeHint'),
      attrs: { maxlength: '4', inputmode: 'numeric' } }),
    field({ label: t('ev.admin.parent'), name: 'parent_code',
      control: selectEl('parent_code', [['', t('ev.admin.topLevel')], ...parents.map((p) => [p.code, `${p.code} ${categoryName(p)}`])], '') }),
    field({ label: t('ev.admin.name'), name: 'name', required: true, attrs: { maxlength: '64' } }),
    field({ label: t('ev.admin.nameEn'), name: 'name_en', required: true, attrs: { maxlength: '96' } }),
    field({ label: t('ev.admin.catKind'), name: 'kind',
      control: selectEl('kind', CAT_KINDS.map((k) => [k, t(`ev.admin.catKinds.${k}`)]), 'event') }),
    ...limitFields(null),
    field({ label: t('ev.admin.defaultUnit'), name: 'unit_id', control: unitSelect(unitList, null) }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus', 'icon icon-sm'), t('ev.admin.createCategory'))));
  onSubmit(form, async (fd) => {
    const body = {};
    for (const k of ['code', 'parent_code', 'name', 'name_en', 'kind']) body[k] = String(fd.get(k) || '').trim();
    if (!/^\d{2}(\d{2})?$/.test(body.code)) throw invalid('code', t('ev.admin.codeHint'));
    if (!body.parent_code) delete body.parent_code;
    if (!body.name) throw invalid('name', t('common.required'));
    if (!body.name_en) throw invalid('name_en', t('common.required'));
    readLimits(fd, body);
    const unit = String(fd.get('unit_id') || '');
    if (unit) body.unit_id = Number(unit);
    await api('POST', '/event-categories', { body });
    toast(t('ev.admin.categoryCreated'));
    ctx.reload();
  });
  return form;
}

function categoriesSection(ctx, cats, unitList) {
  const cols = [
    { label: t('ev.admin.code'), class: 'nowrap mono', cell: (c) => c.code },
    { label: t('ev.admin.name'), cell: (c) => h('span', null, c.parent_code ? '— ' : '', categoryName(c),
      c.active ? null : [' ', badge(t('ev.admin.retired'), 'badge-muted')]) },
    ...STAGES.map((s) => ({ label: t(`ev.admin.stage.${s}`), class: 'nowrap', cell: (c) => limitText(c[s]) })),
    { label: t('ev.admin.defaultUnit'), cell: (c) => {
      const u = unitList.find((x) => x.id === c.unit_id);
      return u ? unitName(u) : '—';
    } },
    { label: 'Open311', class: 'nowrap', cell: (c) => (c.open311 ? t('ev.admin.yes') : t('ev.admin.no')) },
  ];
  return section(t('ev.admin.categories'),
    h('p', { class: 'muted' }, t('ev.admin.categoriesHint')),
    dataTable(cols, cats, { caption: t('ev.admin.categories') }),
    panel(t('ev.admin.editCategory'), h('div', { class: 'panel-list' },
      cats.map((c) => panel(`${c.code} ${categoryName(c)}`, categoryForm(ctx, c, unitList))))),
    panel(t('ev.admin.newCategory'), newCategoryForm(ctx, cats, unitList)));
}

export async function render(view, ctx) {
  ctx.setTitle(t('ev.admin.title'));
  add(view, loading());
  const [cats, unitList, nodes] = await Promise.all([
    api('GET', '/event-categories').then((r) => r.items), loadUnits(true), nodesWith('event.catalog')]);
  if (!ctx.isCurrent()) return;
  const unitsEl = h('div', null, loading());
  fill(view,
    h('h1', { class: 'page-title' }, t('ev.admin.title')),
    h('p', { class: 'muted' }, t('ev.admin.hint', { units: formatNumber(unitList.length), categories: formatNumber(cats.length) })),
    unitsEl,
    categoriesSection(ctx, cats, unitList));
  fill(unitsEl, await unitsSection(ctx, unitList, nodes));
}
