// Psychological assistance (心理援助): asking for help and following one's
// request (#/counselling/ask), the counsellor's and the supervisor's lists
// (#/counselling: my cases, requests waiting, cases I supervise, crisis
// alerts), one case (#/counselling/cases/{id}: the person's contact,
// sessions and notes, the crisis flag, assigning and closing) and the
// counts-only dashboard (#/counselling/stats). The server decides who sees
// a case; everyone else is told it does not exist.
import { api } from '../api.js';
import {
  h, add, fill, field, selectEl, onSubmit, facts, section, panel, loading, empty, toast, badge, telLink,
  dataTable, pager, icon,
} from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { can } from '../session.js';

const CATEGORIES = ['emotional', 'family', 'stress', 'bereavement', 'addiction', 'other'];
const KINDS = ['phone', 'in_person', 'online'];
const PAGE = 50;

export async function render(view, ctx) {
  const which = ctx.view;
  if (which === 'ask') return askPage(view, ctx);
  if (which === 'case') return casePage(view, ctx);
  if (which === 'stats') return statsPage(view, ctx);
  return listPage(view, ctx);
}

export function stateBadge(s) {
  return h('span', { class: ['badge', 'badge-state', `cou-state-${s}`] }, t(`cou.state.${s}`));
}

function crisisBadge() {
  return h('span', { class: 'badge badge-danger cou-crisis' }, icon('flag', 'icon icon-sm'), t('cou.crisis'));
}

const caseHref = (id) => `#/counselling/cases/${id}`;
const when = (iso) => (iso ? formatDateTime(iso) : '—');

/* The emergency lines, on every page a person in need may see. */
function emergency() {
  return h('div', { class: 'alert alert-error cou-emergency', role: 'note' },
    h('strong', null, t('cou.emergencyTitle')),
    h('p', null, t('cou.emergencyText')),
    h('p', { class: 'cou-lines' },
      h('a', { href: 'tel:12356', class: 'btn btn-small' }, icon('phone', 'icon icon-sm'), t('cou.hotline')),
      h('a', { href: 'tel:120', class: 'btn btn-small' }, icon('phone', 'icon icon-sm'), t('cou.ambulance')),
      h('a', { href: 'tel:110', class: 'btn btn-small' }, icon('phone', 'icon icon-sm'), t('cou.police'))));
}

/* ---------- asking for help ---------- */

async function askPage(view, ctx) {
  ctx.setTitle(t('cou.askTitle'));
  add(view, loading());
  const mine = await api('GET', '/counselling/requests/mine');
  if (!ctx.isCurrent()) return;
  const staff = can('registry.read');
  const form = h('form', { class: 'form cou-ask', novalidate: true },
    staff ? field({ label: t('cou.residentId'), name: 'resident_id', type: 'number', hint: t('cou.residentIdHint'),
      attrs: { min: 1, inputmode: 'numeric' } }) : null,
    field({ label: t('cou.category'), name: 'category', required: true,
      control: selectEl('category', CATEGORIES.map((c) => [c, t(`cou.cat.${c}`)]), 'emotional') }),
    field({ label: t('cou.concern'), name: 'concern', type: 'textarea', required: true, hint: t('cou.concernHint'),
      attrs: { maxlength: 4000, rows: 5 } }),
    field({ label: t('cou.contactName'), name: 'contact_name', hint: t('cou.contactNameHint'), attrs: { maxlength: 64 } }),
    field({ label: t('cou.contactPhone'), name: 'contact_phone', type: 'tel', required: true, autocomplete: 'tel',
      attrs: { maxlength: 32 } }),
    field({ label: t('cou.contactPref'), name: 'contact_pref',
      control: selectEl('contact_pref', KINDS.map((k) => [k, t(`cou.kind.${k}`)]), 'phone') }),
    h('div', { class: 'field cou-crisis-field' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'crisis', value: '1' }), ' ', t('cou.crisisAsk')),
      h('p', { class: 'field-hint' }, t('cou.crisisAskHint'))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cou.send'))));
  onSubmit(form, async (fd) => {
    const body = {
      category: fd.get('category'), concern: fd.get('concern').trim(),
      contact_phone: fd.get('contact_phone').trim(), contact_pref: fd.get('contact_pref'),
      crisis: fd.get('crisis') === '1',
    };
    if (fd.get('contact_name').trim()) body.contact_name = fd.get('contact_name').trim();
    if (staff && fd.get('resident_id')) body.resident_id = Number(fd.get('resident_id'));
    const made = await api('POST', '/counselling/requests', { body });
    toast(made.supervisor_told ? t('cou.sent') : t('cou.sentNobody'), made.supervisor_told ? 'ok' : 'error');
    ctx.reload();
  });
  fill(view,
    h('h1', { class: 'page-title' }, t('cou.askTitle')),
    emergency(),
    section(t('cou.whoSees'), h('p', null, t('cou.whoSeesText')), h('p', { class: 'muted small' }, t('cou.sealedText'))),
    section(t('cou.askForm'), form),
    section(t('cou.myRequests'), mine.items.length ? dataTable([
      { label: t('cou.number'), cell: (r) => h('a', { href: caseHref(r.id) }, `#${r.id}`) },
      { label: t('cou.stateLabel'), cell: (r) => stateBadge(r.state) },
      { label: t('cou.requestedAt'), cell: (r) => when(r.requested_at) },
      { label: t('cou.counsellor'), cell: (r) => r.counsellor_name || t('cou.notYet') },
    ], mine.items, { caption: t('cou.myRequests') }) : empty(t('cou.noRequests'))));
}

/* ---------- counsellors' and supervisors' lists ---------- */

async function listPage(view, ctx) {
  const sup = can('counsel.supervise');
  const tabs = sup ? ['mine', 'waiting', 'supervised', 'alerts'] : ['mine'];
  const tab = tabs.includes(ctx.query.get('view')) ? ctx.query.get('view') : (sup ? 'waiting' : 'mine');
  const state = ['open', 'closed', 'all'].includes(ctx.query.get('state')) ? ctx.query.get('state') : 'open';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  ctx.setTitle(t('cou.casesTitle'));
  add(view, loading());
  const [page, alerts] = await Promise.all([
    tab === 'alerts' ? null : api('GET', '/counselling/cases', { query: { view: tab, state, limit: PAGE, offset } }),
    sup ? api('GET', '/counselling/alerts') : { items: [] },
  ]);
  if (!ctx.isCurrent()) return;
  const open = alerts.items.filter((a) => !a.acknowledged_at);
  const tabLink = (v) => h('li', null, h('a', {
    href: `#/counselling?view=${v}`, class: 'tab', 'aria-current': v === tab ? 'page' : null,
  }, t(`cou.tab.${v}`), v === 'alerts' && open.length ? h('span', { class: 'cou-count' }, formatNumber(open.length)) : null));
  const stateLink = (s) => h('a', {
    href: `#/counselling?view=${tab}&state=${s}`, class: ['cou-chip', s === state ? 'is-on' : null],
    'aria-current': s === state ? 'true' : null,
  }, t(`cou.filter.${s}`));
  fill(view,
    h('h1', { class: 'page-title' }, t('cou.casesTitle')),
    open.length ? h('div', { class: 'alert alert-error', role: 'alert' },
      h('strong', null, t('cou.openAlerts', { count: formatNumber(open.length) })),
      h('p', null, h('a', { href: '#/counselling?view=alerts' }, t('cou.seeAlerts')))) : null,
    tabs.length > 1 ? h('nav', { class: 'tabs', 'aria-label': t('cou.casesTitle') }, h('ul', null, tabs.map(tabLink))) : null,
    tab === 'alerts' ? alertList(ctx, alerts.items) : [
      tab !== 'waiting' ? h('p', { class: 'cou-chips' }, ['open', 'closed', 'all'].map(stateLink)) : null,
      page.items.length ? caseTable(page.items, tab) : empty(t(`cou.none.${tab}`)),
      pager(page, (o) => ctx.go('/counselling', { view: tab, state, offset: o })),
    ]);
}

function caseTable(items, tab) {
  return dataTable([
    { label: t('cou.number'), cell: (c) => h('a', { href: caseHref(c.id) }, `#${c.id}`) },
    { label: t('cou.person'), cell: (c) => h('span', null, c.contact_name || t('cou.noName'), c.crisis ? [' ', crisisBadge()] : null) },
    { label: t('cou.category'), cell: (c) => t(`cou.cat.${c.category}`) },
    { label: t('cou.stateLabel'), cell: (c) => stateBadge(c.state) },
    { label: t('cou.area'), cell: (c) => (c.node ? c.node.name : '') },
    tab === 'supervised' ? { label: t('cou.counsellor'), cell: (c) => (c.counsellor ? c.counsellor.name : '—') } : null,
    { label: t('cou.requestedAt'), cell: (c) => when(c.requested_at) },
    { label: t('cou.contactDue'), cell: (c) => (c.contact_due ? when(c.contact_due) : '—') },
  ].filter(Boolean), items, { caption: t(`cou.tab.${tab}`) });
}

function alertList(ctx, items) {
  if (!items.length) return empty(t('cou.none.alerts'));
  return h('ul', { class: 'notice-list cou-alerts' }, items.map((a) => h('li', {
    class: ['notice', a.acknowledged_at ? 'is-read' : 'is-unread'],
  },
  h('div', { class: 'notice-head' }, a.crisis ? crisisBadge() : null,
    h('time', { datetime: a.raised_at, class: 'muted small' }, when(a.raised_at))),
  h('div', { class: 'notice-body' }, h('a', { href: caseHref(a.case_id), class: 'notice-link' },
    `#${a.case_id} ${t('cou.title')}`), ' ', a.node ? h('span', { class: 'muted' }, a.node.name) : null, ' ', stateBadge(a.state)),
  h('div', { class: 'notice-actions' }, a.acknowledged_at
    ? h('span', { class: 'muted small' }, t('cou.acknowledgedAt', { at: when(a.acknowledged_at) }))
    : h('button', {
      type: 'button', class: 'btn btn-small btn-primary',
      on: {
        click: async (ev) => {
          ev.currentTarget.disabled = true;
          await api('POST', `/counselling/alerts/${a.id}/acknowledge`);
          toast(t('cou.acknowledged'));
          ctx.reload();
        },
      },
    }, t('cou.acknowledge'))))));
}

/* ---------- one case ---------- */

async function casePage(view, ctx) {
  add(view, loading());
  const id = Number(ctx.params[0]);
  const c = await api('GET', `/counselling/cases/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`#${c.id} ${t('cou.title')}`);
  if (c.concern === undefined) return statusView(view, ctx, c);
  const may = c.may || {};
  const actions = [];
  if (may.crisis) actions.push(['crisis', crisisForm(ctx, c)]);
  if (may.assign) actions.push(['assign', await assignForm(ctx, c, 'assign')]);
  if (may.session) actions.push(['session', sessionForm(ctx, c)]);
  if (may.crisis_clear) actions.push(['crisis_clear', reasonForm(ctx, c, 'crisis_clear')]);
  if (may.reassign) actions.push(['reassign', await assignForm(ctx, c, 'reassign')]);
  if (may.close) actions.push(['close', closeForm(ctx, c)]);
  if (!ctx.isCurrent()) return;
  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      h('li', null, h('a', { href: '#/counselling' }, t('cou.casesTitle'))),
      h('li', null, h('span', { 'aria-current': 'page' }, `#${c.id}`)))),
    h('h1', { class: 'page-title' }, `#${c.id} ${t('cou.title')}`),
    h('div', { class: 'badges' }, stateBadge(c.state), c.crisis ? crisisBadge() : null),
    c.crisis ? h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, t('cou.crisisOn')),
      h('p', null, t('cou.crisisOnText'))) : null,
    h('p', { class: 'muted small cou-confidential' }, icon('key', 'icon icon-sm'), ' ', t('cou.confidentialNote')),
    section(t('cou.personSection'), facts([
      [t('cou.contactName'), c.contact.name || (c.resident ? c.resident.name : t('cou.noName'))],
      c.resident ? [t('cou.registryName'), c.resident.name] : null,
      [t('cou.contactPhone'), telLink(c.contact.phone)],
      [t('cou.contactPref'), t(`cou.kind.${c.contact.preference}`)],
      [t('cou.area'), c.node ? c.node.name : ''],
      [t('cou.forWhom'), c.for_self ? t('cou.forSelf') : t('cou.forResident', { name: c.requester ? c.requester.name : '' })],
    ])),
    section(t('cou.concernSection'), h('p', { class: 'cou-text' }, t(`cou.cat.${c.category}`)), h('p', { class: 'cou-text' }, c.concern || '—')),
    section(t('cou.caseSection'), facts([
      [t('cou.requestedAt'), when(c.requested_at)],
      [t('cou.counsellor'), c.counsellor ? c.counsellor.name : t('cou.notYet')],
      [t('cou.supervisor'), c.supervisor ? c.supervisor.name : '—'],
      [t('cou.assignedAt'), when(c.assigned_at)],
      c.contact_due ? [t('cou.contactDue'), when(c.contact_due)] : null,
      [t('cou.firstContact'), when(c.first_contact_at)],
      c.closed_at ? [t('cou.closedAt'), when(c.closed_at)] : null,
      c.outcome ? [t('cou.outcomeLabel'), t(`cou.outcome.${c.outcome}`)] : null,
    ]), c.summary ? h('p', { class: 'cou-text' }, c.summary) : null),
    actions.length ? section(t('cou.actions'), actions.map(([a, form], i) => panel(t(`cou.action.${a}`), form, i === 0))) : null,
    section(t('cou.sessions'), c.sessions.length ? h('ol', { class: 'cou-sessions' }, c.sessions.map((s) => h('li', { class: 'cou-session' },
      h('div', { class: 'notice-head' }, h('strong', null, s.held_on), ' ', t(`cou.kind.${s.kind}`),
        s.minutes ? h('span', { class: 'muted small' }, ` · ${t('cou.minutes', { n: s.minutes })}`) : null,
        h('span', { class: 'muted small' }, ` · ${s.counsellor.name}`)),
      s.notes ? h('p', { class: 'cou-text' }, s.notes) : null))) : empty(t('cou.noSessions'))),
    c.alerts.length ? section(t('cou.alertsSection'), h('ul', { class: 'plain-list' }, c.alerts.map((a) => h('li', null,
      `${when(a.raised_at)} → ${a.supervisor.name}: `,
      a.acknowledged_at ? t('cou.acknowledgedAt', { at: when(a.acknowledged_at) }) : h('strong', null, t('cou.notAcknowledged')))))) : null,
    section(t('cou.timeline'), h('ol', { class: 'timeline' }, c.timeline.map((e) => h('li', { class: 'tl-item' },
      h('div', { class: 'tl-head' }, h('strong', { class: 'tl-action' }, t(`cou.step.${e.action}`)),
        h('time', { datetime: e.at, class: 'muted small' }, when(e.at)),
        h('span', { class: 'tl-actor' }, e.actor_display || e.actor_name)),
      h('div', { class: 'tl-move small' }, t(`cou.state.${e.to_state}`)),
      e.note ? h('p', { class: 'tl-note' }, e.note) : null)))));
}

/* The requester's page: the status, whom they will hear from, how to withdraw. */
function statusView(view, ctx, c) {
  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      h('li', null, h('a', { href: '#/counselling/ask' }, t('cou.askTitle'))),
      h('li', null, h('span', { 'aria-current': 'page' }, `#${c.id}`)))),
    h('h1', { class: 'page-title' }, `#${c.id} ${t('cou.title')}`),
    emergency(),
    section(t('cou.statusSection'), facts([
      [t('cou.stateLabel'), stateBadge(c.state)],
      [t('cou.requestedAt'), when(c.requested_at)],
      [t('cou.counsellor'), c.counsellor_name || t('cou.notYet')],
      c.closed_at ? [t('cou.closedAt'), when(c.closed_at)] : null,
    ]), h('p', { class: 'muted' }, t(`cou.statusText.${c.state}`))),
    c.may_withdraw ? section(t('cou.action.withdraw'), h('p', { class: 'muted small' }, t('cou.withdrawHint')),
      h('button', {
        type: 'button', class: 'btn btn-danger',
        on: {
          click: async (ev) => {
            ev.currentTarget.disabled = true;
            await api('POST', `/counselling/cases/${c.id}/withdraw`, { body: {} });
            toast(t('cou.withdrawn'));
            ctx.reload();
          },
        },
      }, t('cou.action.withdraw'))) : null);
}

function done(ctx, message) {
  toast(message);
  ctx.reload();
}

function crisisForm(ctx, c) {
  const form = h('form', { class: 'form', novalidate: true },
    h('p', { class: 'muted small' }, t('cou.crisisRaiseHint')),
    field({ label: t('cou.reason'), name: 'reason', type: 'textarea', attrs: { maxlength: 500, rows: 2 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('cou.action.crisis'))));
  return onSubmit(form, async (fd) => {
    const body = fd.get('reason').trim() ? { reason: fd.get('reason').trim() } : {};
    await api('POST', `/counselling/cases/${c.id}/crisis`, { body });
    done(ctx, t('cou.crisisRaised'));
  });
}

function reasonForm(ctx, c, action) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('cou.reason'), name: 'reason', type: 'textarea', required: true, attrs: { maxlength: 500, rows: 2 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t(`cou.action.${action}`))));
  return onSubmit(form, async (fd) => {
    await api('POST', `/counselling/cases/${c.id}/${action}`, { body: { reason: fd.get('reason').trim() } });
    done(ctx, t('cou.saved'));
  });
}

async function assignForm(ctx, c, action) {
  const list = await api('GET', `/counselling/cases/${c.id}/counsellors`);
  const options = list.items.filter((u) => !u.current)
    .map((u) => [String(u.id), t('cou.counsellorOption', { name: u.name, n: formatNumber(u.open_cases) })]);
  if (!options.length) return h('p', { class: 'muted' }, t('cou.noCounsellors'));
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('cou.counsellor'), name: 'counsellor_id', required: true, control: selectEl('counsellor_id', options, options[0][0]) }),
    field({ label: t('cou.reason'), name: 'reason', type: 'textarea', required: action === 'reassign', attrs: { maxlength: 500, rows: 2 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t(`cou.action.${action}`))));
  return onSubmit(form, async (fd) => {
    const body = { counsellor_id: Number(fd.get('counsellor_id')) };
    if (fd.get('reason').trim()) body.reason = fd.get('reason').trim();
    await api('POST', `/counselling/cases/${c.id}/${action}`, { body });
    done(ctx, t('cou.saved'));
  });
}

function today() {
  // The civil date of China Standard Time, as the server counts it.
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function sessionForm(ctx, c) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('cou.heldOn'), name: 'held_on', type: 'date', required: true, value: today(), attrs: { max: today() } }),
    field({ label: t('cou.sessionKind'), name: 'kind', required: true,
      control: selectEl('kind', KINDS.map((k) => [k, t(`cou.kind.${k}`)]), c.contact.preference) }),
    field({ label: t('cou.minutesLabel'), name: 'minutes', type: 'number', attrs: { min: 1, max: 600, inputmode: 'numeric' } }),
    field({ label: t('cou.notes'), name: 'notes', type: 'textarea', hint: t('cou.notesHint'), attrs: { maxlength: 8000, rows: 5 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cou.action.session'))));
  return onSubmit(form, async (fd) => {
    const body = { held_on: fd.get('held_on'), kind: fd.get('kind') };
    if (fd.get('minutes')) body.minutes = Number(fd.get('minutes'));
    if (fd.get('notes').trim()) body.notes = fd.get('notes').trim();
    await api('POST', `/counselling/cases/${c.id}/sessions`, { body });
    done(ctx, t('cou.saved'));
  });
}

function closeForm(ctx, c) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('cou.outcomeLabel'), name: 'outcome', required: true,
      control: selectEl('outcome', ['resolved', 'referred', 'withdrawn'].map((o) => [o, t(`cou.outcome.${o}`)]), 'resolved') }),
    field({ label: t('cou.summary'), name: 'summary', type: 'textarea', required: true, hint: t('cou.summaryHint'), attrs: { maxlength: 4000, rows: 4 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cou.action.close'))));
  return onSubmit(form, async (fd) => {
    await api('POST', `/counselling/cases/${c.id}/close`, { body: { outcome: fd.get('outcome'), summary: fd.get('summary').trim() } });
    done(ctx, t('cou.closed'));
  });
}

/* ---------- statistics ---------- */

const STAT_COLS = ['total', 'requested', 'assigned', 'in_progress', 'closed', 'crisis'];

async function statsPage(view, ctx) {
  ctx.setTitle(t('cou.statsTitle'));
  const org = ctx.query.get('org') || '';
  const from = ctx.query.get('from') || '';
  const to = ctx.query.get('to') || '';
  add(view, loading());
  const st = await api('GET', '/counselling/stats', { query: { org, from, to } });
  if (!ctx.isCurrent()) return;
  const num = (v) => (typeof v === 'number' ? formatNumber(v) : v);
  const days = (v) => (v === null || v === undefined ? '—' : t('cou.days', { n: v.toFixed(1) }));
  const form = h('form', { class: 'form cou-period', novalidate: true },
    field({ label: t('cou.from'), name: 'from', type: 'date', value: from }),
    field({ label: t('cou.to'), name: 'to', type: 'date', value: to }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('cou.apply'))));
  onSubmit(form, async (fd) => ctx.go('/counselling/stats', { org, from: fd.get('from'), to: fd.get('to') }));
  const cols = [
    { label: t('cou.area'), cell: (r) => (r.code.length < 12
      ? h('a', { href: `#/counselling/stats?org=${r.code}${from ? `&from=${from}` : ''}${to ? `&to=${to}` : ''}` }, r.name) : r.name) },
    ...STAT_COLS.map((k) => ({ label: t(`cou.stat.${k}`), class: 'num', cell: (r) => num(r[k]) })),
    { label: t('cou.stat.avgDays'), class: 'num', cell: (r) => days(r.avg_days_to_contact) },
  ];
  fill(view,
    h('h1', { class: 'page-title' }, t('cou.statsTitle'), st.org ? h('span', { class: 'muted' }, ` · ${st.org.name}`) : null),
    h('p', { class: 'muted small' }, t('cou.statsNote')),
    form,
    section(t('cou.totals'), facts([
      ...STAT_COLS.map((k) => [t(`cou.stat.${k}`), num(st.totals[k])]),
      [t('cou.stat.avgDays'), days(st.totals.avg_days_to_contact)],
    ])),
    st.rows.length ? section(t(`cou.by.${st.by}`), dataTable(cols, st.rows, { caption: t('cou.statsTitle') })) : null);
}
