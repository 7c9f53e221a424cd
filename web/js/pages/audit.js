// The auditor's view: a filter form kept in the address (so reloads and
// links work), the paginated records, and the hash-chain verification.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, pager, dataTable, badge, panel, loading, empty, errorBox,
} from '../dom.js';
import { t, tOr, formatDateTime, formatNumber } from '../i18n.js';

const PAGE = 50;
const FILTERS = ['actor', 'action', 'object_type', 'object_id', 'result', 'from', 'to'];
const RESULTS = ['ok', 'invalid_credentials', 'account_locked', 'account_disabled', 'rate_limited',
  'forbidden', 'not_found', 'validation_failed', 'conflict', 'csrf_failed', 'invalid_json',
  'unsupported_media_type', 'body_too_large', 'unauthenticated', 'internal_error', 'unavailable'];
const ACTIONS = ['session.', 'session.create', 'session.delete', 'user.', 'user.create', 'user.update',
  'user.password.change', 'user.password.reset', 'user.unlock', 'role.', 'role.grant', 'role.revoke',
  'org.', 'org.create', 'org.update', 'org.boundary', 'org.import', 'grid.assign', 'grid.unassign',
  'resident.', 'resident.unmask', 'resident.export', 'resident.read', 'resident.list', 'resident.history', 'resident.create',
  'resident.update', 'resident.tag', 'resident.untag', 'resident.move_out', 'resident.move_in',
  'household.', 'household.read', 'household.list', 'household.create', 'household.update', 'household.export',
  'building.', 'address.', 'house.', 'unit.', 'visit.', 'visit.create', 'visit.update', 'visit.list',
  'registry.import', 'registry.search',
  'event.', 'event.report', 'event.register', 'event.dispatch', 'event.accept', 'event.return', 'event.handle',
  'event.verify', 'event.evaluate', 'event.cancel', 'event.postpone', 'event.decide_postponement', 'event.escalate',
  'event.park', 'event.resume', 'event.merge', 'event.reopen', 'event.photo_add', 'event.photo_read',
  'event.metrics_export', 'event.open311', 'event_category.', 'handling_unit.', 'api_key.', 'calendar.import',
  'service_item.', 'application.', 'application.read', 'provider.', 'slot.', 'booking.', 'need_rule.', 'need.people_read',
  'resident.account_link', 'mediation_committee.', 'mediation_case.', 'mediation_case.read', 'counselling.', 'counselling.read',
  'duty_list.', 'banned_certificate.', 'certificate.', 'access_reviewer.', 'access_request.', 'community_task.', 'burden.export'];
const OBJECT_TYPES = ['user', 'org', 'resident', 'household', 'building', 'address', 'house', 'unit', 'visit', 'import', 'search',
  'event', 'event_category', 'handling_unit', 'api_key', 'service_item', 'application', 'provider', 'service_slot', 'booking',
  'need_rule', 'mediation_committee', 'mediation_case', 'counselling', 'duty_list', 'certificate', 'access_request', 'community_task'];

/* 'user.password.reset' → audit.actions.user_password_reset; the prefix 'user.' → audit.actions.user_all. */
function actionLabel(a) {
  const key = a.endsWith('.') ? `${a.slice(0, -1)}_all` : a;
  return tOr(`audit.actions.${key.replace(/\./g, '_')}`, a);
}

function resultLabel(r) {
  return tOr(`audit.results.${r}`, r);
}

function filterForm(ctx, current) {
  const listId = 'audit-actions';
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('audit.action'), name: 'action', value: current.action,
      hint: t('audit.actionHint'), attrs: { list: listId, maxlength: '64', autocapitalize: 'none', spellcheck: 'false' } }),
    h('datalist', { id: listId }, ACTIONS.map((a) => h('option', { value: a }, actionLabel(a)))),
    field({ label: t('audit.result'), name: 'result',
      control: selectEl('result', [['', t('audit.anyResult')], ...RESULTS.map((r) => [r, resultLabel(r)])], current.result) }),
    field({ label: t('audit.objectType'), name: 'object_type',
      control: selectEl('object_type', [['', t('audit.anyObject')], ...OBJECT_TYPES.map((o) => [o, objectLabel(o)])],
        current.object_type) }),
    field({ label: t('audit.objectId'), name: 'object_id', value: current.object_id, attrs: { maxlength: '64' } }),
    field({ label: t('audit.actor'), name: 'actor', value: current.actor, hint: t('audit.actorHint'),
      attrs: { maxlength: '64', autocapitalize: 'none', spellcheck: 'false' } }),
    field({ label: t('audit.from'), name: 'from', type: 'date', value: current.from }),
    field({ label: t('audit.to'), name: 'to', type: 'date', value: current.to }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('audit.apply')),
      h('button', { type: 'button', class: 'btn', on: { click: () => ctx.go('/audit') } }, t('audit.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = {};
    for (const k of FILTERS) q[k] = String(form.elements[k].value || '').trim();
    ctx.go('/audit', q);
  });
  return form;
}

function verifySection() {
  const out = h('div', { class: 'verify-out', 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'btn btn-primary' }, t('audit.verify'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    fill(out, loading());
    try {
      const r = await api('GET', '/audit/verify');
      fill(out, r.intact
        ? h('div', { class: 'alert alert-ok', role: 'status' },
          h('strong', null, t('audit.intact')), h('span', { class: 'alert-detail' }, t('audit.intactDetail', { records: formatNumber(r.records) })),
          r.head_id ? h('span', { class: 'alert-detail' }, t('audit.head'), ' ', h('code', { class: 'code break' }, `${r.head_id}:${r.head_hash}`)) : null)
        : h('div', { class: 'alert alert-error', role: 'alert' },
          h('strong', null, t('audit.broken', { id: r.first_broken_id })),
          h('span', { class: 'alert-detail' }, t('audit.brokenDetail', { records: formatNumber(r.records) }), r.reason ? ` ${r.reason}` : '')));
    } catch (err) {
      fill(out, errorBox(err));
    } finally {
      btn.disabled = false;
    }
  });
  return h('div', { class: 'verify' }, h('div', { class: 'verify-row' }, btn, h('span', { class: 'muted small' }, t('audit.verifyHint'))), out);
}

/* The address of the log filtered to these values. */
function filterHref(filters) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== '' && v !== null && v !== undefined) p.set(k, v);
  return `#/audit?${p}`;
}

function objectLabel(type) {
  return tOr(`audit.objects.${type}`, type);
}

function detailText(d) {
  if (!d || typeof d !== 'object' || !Object.keys(d).length) return '—';
  return h('ul', { class: 'detail' }, Object.entries(d).map(([k, v]) => h('li', null,
    h('span', { class: 'muted' }, `${k}: `), typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))));
}

export async function render(view, ctx) {
  ctx.setTitle(t('audit.title'));
  const current = {};
  for (const k of FILTERS) current[k] = ctx.query.get(k) || '';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const filtered = FILTERS.some((k) => current[k]);
  const list = h('div', null, loading());
  add(view, h('h1', { class: 'page-title' }, t('audit.title')), verifySection(),
    panel(filtered ? t('audit.filtersActive') : t('audit.filters'), filterForm(ctx, current), filtered), list);
  let page;
  try {
    page = await api('GET', '/audit', { query: { ...current, limit: PAGE, offset } });
  } catch (err) {
    if (err.status === 401) throw err;
    fill(list, errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  const cols = [
    { label: t('audit.at'), cell: (r) => h('time', { datetime: r.at }, formatDateTime(r.at, true)) },
    { label: t('audit.actor'), cell: (r) => [
      r.actor_name ? h('a', { href: filterHref({ actor: r.actor_name }), title: t('audit.filterThis') }, r.actor_name)
        : '—',
      r.role ? h('span', { class: 'muted small block' }, tOr(`roles.${r.role}`, r.role)) : null] },
    { label: t('audit.action'), cell: (r) => {
      const label = actionLabel(r.action);
      return label === r.action ? h('span', { class: 'code-plain' }, r.action)
        : [label, h('span', { class: 'code-plain block muted small' }, r.action)];
    } },
    { label: t('audit.object'), cell: (r) => (r.object_type
      ? h('a', { href: filterHref({ object_type: r.object_type, object_id: r.object_id }), title: t('audit.filterThis') },
        `${objectLabel(r.object_type)} ${r.object_id}`)
      : '—') },
    { label: t('audit.result'), cell: (r) => badge(resultLabel(r.result), r.result === 'ok' ? 'ok' : 'danger') },
    { label: t('audit.client'), cell: (r) => [r.client_ip, h('span', { class: 'code-plain block muted small' }, r.request_id)] },
    { label: t('audit.detail'), cell: (r) => detailText(r.detail) },
  ];
  fill(list,
    h('p', { class: 'muted' }, page.total_capped ? t('audit.countMore', { total: formatNumber(page.total) })
      : t('audit.count', { total: formatNumber(page.total) })),
    page.items.length ? dataTable(cols, page.items, { caption: t('audit.title') }) : empty(t('audit.none')),
    pager(page, (o) => ctx.go('/audit', { ...current, offset: o })));
}
