// Running services: providers with the items they deliver and the areas they
// serve (#/providers), one provider's time slots with who booked them
// (#/providers/ID), and the catalogue editor (#/services/admin) for holders
// of service.catalog.
import { api } from '../api.js';
import {
  h, add, fill, loading, empty, toast, toastError, badge, section, facts, field, selectEl,
  onSubmit, dataTable, pager, panel, invalid, confirmDialog,
} from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import * as session from '../session.js';
import { SCENARIOS, itemName } from './services.js';

const KINDS = ['social_org', 'company', 'clinic', 'volunteer_team'];
const LEVELS = ['community', 'town', 'county'];
const TAGS = ['living_alone', 'left_behind_child', 'left_behind_elder', 'veteran', 'disabled', 'subsistence', 'extreme_hardship', 'minor_in_difficulty'];

export async function render(view, ctx) {
  if (ctx.view === 'providers') return providers(view, ctx);
  if (ctx.view === 'provider') return provider(view, ctx, Number(ctx.params[0]));
  if (ctx.view === 'catalogue') return catalogueEditor(view, ctx);
  return null;
}

/* The nodes of the user's grants, for the "registered at" choice (the
 * server refuses one where the grant's role may not manage providers). */
function grantNodes() {
  const user = session.currentUser();
  return (user.roles || []).filter((g) => g.org_id)
    .map((g) => [String(g.org_id), `${g.org_name} (${g.org_code})`, g.org_code]);
}

/* ---------- providers ---------- */

async function providers(view, ctx) {
  ctx.setTitle(t('sva.providers'));
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  add(view, loading());
  const [page, items] = await Promise.all([
    api('GET', '/providers', { query: { limit: 50, offset } }),
    api('GET', '/service-items'),
  ]);
  if (!ctx.isCurrent()) return;
  const bookable = items.items.filter((i) => i.bookable);
  const nodes = grantNodes();
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('sva.name'), name: 'name', required: true }),
    field({ label: t('sva.kind'), control: selectEl('kind', KINDS.map((k) => [k, t(`sva.kinds.${k}`)]), 'social_org') }),
    field({ label: t('sva.registeredAt'), control: selectEl('org_id', nodes.map(([id, label]) => [id, label]), nodes[0] && nodes[0][0]) }),
    field({ label: t('sva.contact'), name: 'contact' }),
    field({ label: t('sva.phone'), name: 'phone', type: 'tel' }),
    h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, t('sva.items')),
      h('div', { class: 'check-list' }, bookable.map((i) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'items', value: String(i.id) }), ' ', itemName(i))))),
    field({ label: t('sva.areas'), name: 'areas', required: true, value: nodes[0] ? nodes[0][2] : '', hint: t('sva.areasHint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('sva.create'))));
  onSubmit(form, async (data) => {
    const chosen = data.getAll('items').map(Number);
    if (!chosen.length) throw invalid('items', t('sva.pickItems'));
    const p = await api('POST', '/providers', {
      body: {
        name: data.get('name'), kind: data.get('kind'), org_id: Number(data.get('org_id')),
        contact: data.get('contact') || undefined, phone: data.get('phone') || undefined,
        items: chosen, areas: String(data.get('areas')).split(/[\s,，]+/).filter(Boolean),
      },
    });
    toast(t('sva.created'));
    ctx.go(`/providers/${p.id}`);
  });
  fill(view,
    h('h1', { class: 'page-title' }, t('sva.providers')),
    panel(t('sva.newProvider'), form),
    page.items.length ? dataTable([
      { label: t('sva.name'), cell: (p) => h('a', { href: `#/providers/${p.id}` }, p.name) },
      { label: t('sva.kind'), cell: (p) => t(`sva.kinds.${p.kind}`) },
      { label: t('sva.items'), cell: (p) => p.items.map(itemName).join('、') },
      { label: t('sva.areas'), cell: (p) => p.areas.map((a) => a.name || a.code).join('、') },
      { label: t('sva.state'), cell: (p) => (p.active ? badge(t('sva.active'), 'ok') : badge(t('sva.inactive'))) },
    ], page.items) : empty(t('sva.noProviders')),
    pager(page, (o) => ctx.go('/providers', { offset: o })));
}

async function provider(view, ctx, id) {
  add(view, loading());
  const [p, slots] = await Promise.all([api('GET', `/providers/${id}`), api('GET', `/providers/${id}/slots`)]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(p.name);
  const slotForm = h('form', { class: 'form', novalidate: true },
    field({ label: t('sva.item'), control: selectEl('item_id', p.items.map((i) => [String(i.id), itemName(i)]), p.items[0] && String(p.items[0].id)) }),
    field({ label: t('sva.startsAt'), name: 'starts', type: 'datetime-local', required: true }),
    field({ label: t('sva.minutes'), name: 'minutes', type: 'number', value: '60', attrs: { min: 15, max: 600, step: 15 } }),
    field({ label: t('sva.capacity'), name: 'capacity', type: 'number', value: '10', required: true, attrs: { min: 1, max: 1000 } }),
    field({ label: t('sva.place'), name: 'place' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('sva.openSlot'))));
  onSubmit(slotForm, async (data) => {
    const local = data.get('starts');
    if (!local) throw invalid('starts', t('sva.pickTime'));
    // The time typed is China's (UTC+8), as every time the platform shows.
    const start = new Date(`${local}:00+08:00`);
    const end = new Date(start.getTime() + Number(data.get('minutes') || 60) * 60000);
    const iso = (d) => `${d.toISOString().slice(0, 19)}Z`;
    await api('POST', `/providers/${id}/slots`, {
      body: { item_id: Number(data.get('item_id')), starts_at: iso(start), ends_at: iso(end), capacity: Number(data.get('capacity')), place: data.get('place') || undefined },
    });
    toast(t('sva.slotOpened'));
    ctx.reload();
  }, { starts_at: 'starts', ends_at: 'minutes' });
  const toggle = h('button', {
    type: 'button', class: 'btn',
    on: { click: async () => { try { await api('PATCH', `/providers/${id}`, { body: { active: !p.active } }); ctx.reload(); } catch (err) { toastError(err); } } },
  }, p.active ? t('sva.deactivate') : t('sva.activate'));
  fill(view,
    h('p', null, h('a', { href: '#/providers' }, '← ', t('sva.providers'))),
    h('h1', { class: 'page-title' }, p.name),
    facts([
      [t('sva.kind'), t(`sva.kinds.${p.kind}`)],
      [t('sva.contact'), p.contact || '—'],
      [t('sva.phone'), p.phone || '—'],
      [t('sva.items'), p.items.map(itemName).join('、')],
      [t('sva.areas'), p.areas.map((a) => a.name || a.code).join('、')],
      [t('sva.state'), p.active ? t('sva.active') : t('sva.inactive')],
    ]),
    h('div', { class: 'form-actions' }, toggle),
    p.active && p.items.length ? panel(t('sva.newSlot'), slotForm) : null,
    section(t('sva.slots'), slots.items.length ? h('div', null, slots.items.map((s) => slotCard(s, ctx))) : empty(t('sva.noSlots'))));
}

function slotCard(s, ctx) {
  const list = h('div');
  const show = h('button', {
    type: 'button', class: 'btn btn-small',
    on: {
      click: async () => {
        const res = await api('GET', `/slots/${s.id}/bookings`);
        fill(list, res.items.length ? dataTable([
          { label: t('sva.resident'), cell: (b) => b.resident.name },
          { label: t('sva.bookedAt'), cell: (b) => formatDateTime(b.booked_at) },
          { label: t('sva.state'), cell: (b) => t(`sv.booking.${b.status}`) },
          {
            label: '', cell: (b) => (b.status === 'booked' ? h('button', {
              type: 'button', class: 'btn btn-small',
              on: { click: async () => { try { await api('POST', `/bookings/${b.id}/attend`); toast(t('sva.attended')); show.click(); } catch (err) { toastError(err); } } },
            }, t('sva.markAttended')) : ''),
          },
        ], res.items) : empty(t('sva.noBookings')));
      },
    },
  }, t('sva.whoBooked'));
  const cancel = s.cancelled ? null : h('button', {
    type: 'button', class: 'btn btn-small btn-danger',
    on: {
      click: async () => {
        const ok = await confirmDialog({ title: t('sva.cancelSlot'), message: t('sva.cancelSlotConfirm', { count: formatNumber(s.booked) }), confirmLabel: t('sva.cancelSlot') });
        if (!ok) return;
        try { await api('POST', `/slots/${s.id}/cancel`); toast(t('sva.slotCancelled')); ctx.reload(); } catch (err) { toastError(err); }
      },
    },
  }, t('sva.cancelSlot'));
  return h('div', { class: 'card sv-slot' },
    h('p', null, h('strong', null, `${formatDateTime(s.starts_at)} – ${formatDateTime(s.ends_at).slice(-5)}`), ' · ', itemName(s.item),
      s.place ? ` · ${s.place}` : '', ' ', s.cancelled ? badge(t('sva.cancelled')) : badge(t('sva.freeOf', { free: formatNumber(s.free), capacity: formatNumber(s.capacity) }), s.free ? 'ok' : 'warn')),
    h('div', { class: 'form-actions' }, show, cancel), list);
}

/* ---------- catalogue editor ---------- */

async function catalogueEditor(view, ctx) {
  ctx.setTitle(t('sva.catalogue'));
  add(view, loading());
  const res = await api('GET', '/service-items', { query: { all: 'true' } });
  if (!ctx.isCurrent()) return;
  fill(view,
    h('h1', { class: 'page-title' }, t('sva.catalogue')),
    panel(t('sva.newItem'), itemForm(null, ctx)),
    h('div', null, res.items.map((it) => h('div', { class: 'card' },
      h('h2', { class: 'card-title' }, itemName(it), ' ', it.retired ? badge(t('sva.retired')) : null),
      h('p', { class: 'muted' }, it.code, ' · ', t(`sv.scenario.${it.scenario}`), ' · ', t('sv.limitDays', { n: it.limit_days })),
      panel(t('sva.edit'), itemForm(it, ctx))))));
}

function itemForm(it, ctx) {
  const rules = (it && it.eligibility) || {};
  const tagBoxes = (name, chosen) => h('div', { class: 'check-list' }, TAGS.map((tag) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name, value: tag, checked: (chosen || []).includes(tag) }), ' ', t(`reg.tags.${tag}`))));
  const form = h('form', { class: 'form', novalidate: true },
    it ? null : field({ label: t('sva.code'), name: 'code', required: true, hint: t('sva.codeHint') }),
    field({ label: t('sva.scenario'), control: selectEl('scenario', SCENARIOS.map((s) => [s, t(`sv.scenario.${s}`)]), it ? it.scenario : 'elderly') }),
    field({ label: t('sva.nameZh'), name: 'name', required: true, value: it ? it.name : '' }),
    field({ label: t('sva.nameEn'), name: 'name_en', required: true, value: it ? it.name_en : '' }),
    field({ label: t('sva.descriptionZh'), name: 'description', type: 'textarea', value: it ? it.description : '' }),
    field({ label: t('sva.descriptionEn'), name: 'description_en', type: 'textarea', value: it ? it.description_en : '' }),
    field({ label: t('sva.legalBasis'), name: 'legal_basis', value: it ? it.legal_basis : '' }),
    field({ label: t('sva.level'), control: selectEl('level', LEVELS.map((l) => [l, t(`sv.level.${l}`)]), it ? it.level : 'community') }),
    field({ label: t('sva.limitDays'), name: 'limit_days', type: 'number', required: true, value: it ? String(it.limit_days) : '5', attrs: { min: 1, max: 90 } }),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'online', checked: it ? it.online : true }), ' ', t('sva.online')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'bookable', checked: it ? it.bookable : false }), ' ', t('sva.bookable')),
    h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, t('sva.rules')),
      field({ label: t('sva.minAge'), name: 'min_age', type: 'number', value: rules.min_age ?? '', attrs: { min: 0, max: 150 } }),
      field({ label: t('sva.maxAge'), name: 'max_age', type: 'number', value: rules.max_age ?? '', attrs: { min: 0, max: 150 } }),
      h('p', { class: 'field-label' }, t('sva.tagsAll')), tagBoxes('tags_all', rules.tags_all),
      h('p', { class: 'field-label' }, t('sva.tagsAny')), tagBoxes('tags_any', rules.tags_any)),
    it ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'retired', checked: it.retired }), ' ', t('sva.retire')) : null,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, it ? t('sva.save') : t('sva.create'))));
  return onSubmit(form, async (data) => {
    // Only the rules the form edits are replaced; others an item has are kept.
    const elig = { ...rules };
    for (const k of ['min_age', 'max_age']) {
      const v = data.get(k);
      if (v === '' || v == null) delete elig[k]; else elig[k] = Number(v);
    }
    for (const k of ['tags_all', 'tags_any']) {
      const v = data.getAll(k);
      if (v.length) elig[k] = v; else delete elig[k];
    }
    const body = {
      scenario: data.get('scenario'), name: data.get('name'), name_en: data.get('name_en'),
      description: data.get('description') || '', description_en: data.get('description_en') || '',
      legal_basis: data.get('legal_basis') || '', level: data.get('level'), limit_days: Number(data.get('limit_days')),
      online: data.get('online') === 'on', bookable: data.get('bookable') === 'on', eligibility: elig,
    };
    if (it) body.retired = data.get('retired') === 'on';
    else body.code = data.get('code');
    if (it) await api('PATCH', `/service-items/${it.id}`, { body });
    else await api('POST', '/service-items', { body });
    toast(t('sva.saved'));
    ctx.reload();
  }, { eligibility: 'min_age' });
}
