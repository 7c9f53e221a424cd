// Work access (工作准入): the requests (to review, mine, all), filing a
// request, one request with its decision, communities and the review
// actions; a community's task ledger with done and refusal in one action;
// the burden ledger with its ranking and exports.
import { api, queryString } from '../api.js';
import {
  h, add, fill, field, selectEl, onSubmit, invalid, facts, section, panel, loading, empty, toast,
  dataTable, badge, pager,
} from '../dom.js';
import { t, tOr, formatDateTime, formatNumber, language } from '../i18n.js';
import { can, currentUser } from '../session.js';

const PAGE = 50;
const KINDS = ['task', 'form', 'meeting', 'inspection', 'plaque', 'app', 'certificate'];
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const plusDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const kindLabel = (k) => tOr(`acc.kind.${k}`, k);
const stateLabel = (s) => tOr(`acc.state.${s}`, s);
const itemTitle = (it) => (language() === 'en' && it.title_en ? it.title_en : it.title);

function stateBadge(state) {
  const kind = state === 'passed' || state === 'approved' ? 'ok'
    : state === 'refused' || state === 'rejected' ? 'warn' : '';
  return badge(stateLabel(state), kind);
}

function deadlineBadge(r) {
  if (!r.deadline) return null;
  return h('span', { class: ['badge', 'badge-deadline', `badge-deadline-${r.deadline}`] },
    t(`acc.deadline.${r.deadline}`));
}

export async function render(view, ctx) {
  const which = ctx.view || 'list';
  if (which === 'list') return list(view, ctx);
  if (which === 'new') return fileForm(view, ctx);
  if (which === 'request') return requestPage(view, ctx);
  if (which === 'tasks') return ledger(view, ctx);
  if (which === 'burden') return burden(view, ctx);
  return null;
}

/* ---------- requests ---------- */

function tabs(current) {
  const tab = (id, href, text) => h('li', null, h('a', {
    href, class: 'tab', 'aria-current': id === current ? 'page' : null }, text));
  return h('nav', { class: 'tabs', 'aria-label': t('acc.title') }, h('ul', null,
    can('access.review') ? tab('review', '#/access?show=review', t('acc.tab.review')) : null,
    can('access.request') ? tab('mine', '#/access?show=mine', t('acc.tab.mine')) : null,
    tab('all', '#/access?show=all', t('acc.tab.all'))));
}

async function list(view, ctx) {
  ctx.setTitle(t('acc.title'));
  const show = ctx.query.get('show') || (can('access.review') ? 'review' : can('access.request') ? 'mine' : 'all');
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const box = h('div', { 'aria-live': 'polite' }, loading());
  add(view, h('h1', { class: 'page-title' }, t('acc.title')), tabs(show),
    can('access.request') ? h('p', null, h('a', { href: '#/access/new', class: 'btn btn-primary' }, t('acc.file'))) : null,
    box,
    can('event.catalog') ? reviewerSection() : null);
  const page = await api('GET', '/access/requests', { query: {
    to_review: show === 'review' ? 'true' : '', mine: show === 'mine' ? 'true' : '', limit: PAGE, offset } });
  if (!ctx.isCurrent()) return;
  fill(box,
    h('p', { class: 'muted' }, t('acc.count', { total: formatNumber(page.total) })),
    page.items.length ? dataTable([
      { label: t('acc.f.title'), cell: (r) => h('a', { href: `#/access/${r.id}` }, r.title) },
      { label: t('acc.f.kind'), cell: (r) => kindLabel(r.kind) },
      { label: t('acc.f.body'), cell: (r) => r.body },
      { label: t('acc.f.communities'), cell: (r) => formatNumber(r.communities) },
      { label: t('acc.f.state'), cell: (r) => h('span', null, stateBadge(r.state), ' ', deadlineBadge(r)) },
      { label: t('acc.f.submitted'), cell: (r) => formatDateTime(r.submitted_at) },
    ], page.items, { caption: t('acc.title') }) : empty(t('acc.none')),
    pager(page, (o) => ctx.go('/access', { show, offset: o })));
}

/* The county's reviewing unit, set by its command centre. */
function reviewerSection() {
  const box = h('div', null, loading());
  const out = section(t('acc.reviewer.title'), h('p', { class: 'muted small' }, t('acc.reviewer.hint')), box);
  (async () => {
    const me = currentUser();
    const county = (me.roles.find((g) => g.role === 'county_officer' && g.org_code && g.org_code.length === 6) || {}).org_code;
    if (!county) { fill(box); return; }
    const [units, current] = await Promise.all([api('GET', '/handling-units'), api('GET', '/access/reviewers')]);
    const mine = current.items.find((x) => x.county === county);
    const options = units.items.filter((u) => u.org_code === county && u.active !== 0)
      .map((u) => [String(u.id), language() === 'en' && u.name_en ? u.name_en : u.name]);
    const form = h('form', { class: 'form form-inline', novalidate: true },
      field({ label: t('acc.reviewer.unit'), name: 'unit_id', control: selectEl('unit_id', options, mine ? String(mine.unit_id) : '') }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('acc.reviewer.save'))));
    onSubmit(form, async (fd) => {
      await api('PUT', `/access/reviewers/${county}`, { body: { unit_id: Number(fd.get('unit_id')) } });
      toast(t('common.saved'));
    });
    fill(box, mine ? h('p', null, t('acc.reviewer.current', { unit: mine.unit_name })) : h('p', { class: 'muted' }, t('acc.reviewer.none')),
      options.length ? form : h('p', { class: 'muted' }, t('acc.reviewer.noUnits')));
  })().catch((err) => fill(box, h('p', { class: 'muted' }, err.message)));
  return out;
}

/* The node the caller files from: their first access.request grant. */
function homeNode() {
  const me = currentUser();
  const g = me.roles.find((x) => ['county_officer', 'department_officer', 'town_officer'].includes(x.role) && x.org_code);
  return g ? g.org_code : '';
}

async function fileForm(view, ctx) {
  ctx.setTitle(t('acc.file'));
  const home = homeNode();
  const [items, units] = await Promise.all([
    home ? api('GET', '/access/list-items', { query: { org: home } }).catch(() => ({ items: [] })) : { items: [] },
    api('GET', '/handling-units').catch(() => ({ items: [] })),
  ]);
  if (!ctx.isCurrent()) return;
  const claimable = items.items.filter((it) => it.section !== 'negative');
  const myUnits = units.items.filter((u) => u.member);
  const start = today();
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('acc.f.kind'), name: 'kind', required: true, control: selectEl('kind', KINDS.map((k) => [k, kindLabel(k)]), 'task') }),
    field({ label: t('acc.f.title'), name: 'title', required: true, hint: t('acc.hint.title') }),
    field({ label: t('acc.f.description'), name: 'description', type: 'textarea', required: true }),
    field({ label: t('acc.f.legalBasis'), name: 'legal_basis', required: true, hint: t('acc.hint.legalBasis') }),
    field({ label: t('acc.f.listItem'), name: 'list_item_id', hint: t('acc.hint.listItem'), control: selectEl('list_item_id',
      [['', t('acc.noItem')], ...claimable.map((it) => [String(it.id), `${t(`acc.section.${it.section}`)} · ${itemTitle(it)}`])], '') }),
    field({ label: t('acc.f.scope'), name: 'scope', required: true, value: home.length >= 9 ? home : '', hint: t('acc.hint.scope') }),
    field({ label: t('acc.f.funded'), name: 'funded', control: selectEl('funded', [['yes', t('acc.funded.yes')], ['no', t('acc.funded.no')]], 'yes') }),
    field({ label: t('acc.f.funding'), name: 'funding', hint: t('acc.hint.funding') }),
    field({ label: t('acc.f.startsOn'), name: 'starts_on', type: 'date', required: true, value: start }),
    field({ label: t('acc.f.endsOn'), name: 'ends_on', type: 'date', required: true, value: plusDays(start, 90) }),
    field({ label: t('acc.f.deadlineOn'), name: 'deadline_on', type: 'date', required: true, value: plusDays(start, 30) }),
    field({ label: t('acc.f.workload'), name: 'workload_hours', type: 'number', required: true, value: '4', attrs: { min: 0, max: 10000 } }),
    myUnits.length ? field({ label: t('acc.f.unit'), name: 'unit_id', control: selectEl('unit_id',
      [['', t('acc.unitNone')], ...myUnits.map((u) => [String(u.id), u.name])], '') }) : null,
    h('p', { class: 'muted small' }, t('acc.hint.check')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('acc.submit'))));
  onSubmit(form, async (fd) => {
    const text = (k) => String(fd.get(k) || '').trim();
    const scope = text('scope').split(/[\s,，、;；]+/).filter(Boolean);
    if (!text('title')) throw invalid('title', t('common.required'));
    if (!scope.length) throw invalid('scope', t('common.required'));
    const body = {
      kind: text('kind'), title: text('title'), description: text('description'), legal_basis: text('legal_basis'),
      funded: text('funded') === 'yes', starts_on: text('starts_on'), ends_on: text('ends_on'),
      deadline_on: text('deadline_on'), workload_hours: Number(text('workload_hours') || 0), scope,
    };
    if (text('funding')) body.funding = text('funding');
    if (text('list_item_id')) body.list_item_id = Number(text('list_item_id'));
    if (text('unit_id')) body.unit_id = Number(text('unit_id'));
    const r = await api('POST', '/access/requests', { body });
    toast(t(`acc.filed.${r.state}`));
    ctx.go(`/access/${r.id}`);
  }, { 'scope[0]': 'scope', 'scope[1]': 'scope', 'scope[2]': 'scope', 'scope[3]': 'scope' });
  add(view, h('h1', { class: 'page-title' }, t('acc.file')),
    h('p', null, h('a', { href: '#/access' }, t('acc.back'))), form);
}

/* What decided the request, in words. */
function decisionText(r) {
  const d = r.decision || {};
  if (d.rule === 'negative_list' && d.item) {
    return t('acc.rule.negative_list', { item: itemTitle(d.item), basis: d.item.legal_basis || '—' });
  }
  if (d.rule === 'banned_certificate' && d.certificate) {
    return t('acc.rule.banned_certificate', { name: language() === 'en' ? d.certificate.name_en : d.certificate.name,
      go: language() === 'en' ? d.certificate.go_to_en : d.certificate.go_to });
  }
  if (d.rule === 'list_item' && d.item) {
    return t('acc.rule.list_item', { item: itemTitle(d.item), section: t(`acc.section.${d.item.section}`) });
  }
  if (d.rule === 'approved_matter') return t('acc.rule.approved_matter', { id: d.case_id });
  return t('acc.rule.not_on_lists');
}

async function requestPage(view, ctx) {
  const id = ctx.params[0];
  const r = await api('GET', `/access/requests/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(r.title);
  const actions = h('div');
  if (r.actions.includes('approve')) {
    const form = h('form', { class: 'form', novalidate: true },
      field({ label: t('acc.f.conditions'), name: 'conditions', type: 'textarea', hint: t('acc.hint.conditions') }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('acc.approve'))));
    onSubmit(form, async (fd) => {
      const c = String(fd.get('conditions') || '').trim();
      await api('POST', `/access/requests/${id}/approve`, { body: c ? { conditions: c } : {} });
      toast(t('acc.done.approved'));
      ctx.go(`/access/${id}`);
    });
    add(actions, section(t('acc.approveTitle'), form));
  }
  if (r.actions.includes('reject')) {
    const form = h('form', { class: 'form', novalidate: true },
      field({ label: t('acc.f.reason'), name: 'reason', type: 'textarea', required: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('acc.reject'))));
    onSubmit(form, async (fd) => {
      const reason = String(fd.get('reason') || '').trim();
      if (!reason) throw invalid('reason', t('common.required'));
      await api('POST', `/access/requests/${id}/reject`, { body: { reason } });
      toast(t('acc.done.rejected'));
      ctx.go(`/access/${id}`);
    });
    add(actions, section(t('acc.rejectTitle'), form));
  }
  if (r.actions.includes('withdraw')) {
    const form = h('form', { class: 'form', novalidate: true },
      field({ label: t('acc.f.reason'), name: 'reason' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('acc.withdraw'))));
    onSubmit(form, async (fd) => {
      const reason = String(fd.get('reason') || '').trim();
      await api('POST', `/access/requests/${id}/withdraw`, { body: reason ? { reason } : {} });
      toast(t('acc.done.withdrawn'));
      ctx.go(`/access/${id}`);
    });
    add(actions, panel(t('acc.withdraw'), form));
  }
  const bad = r.state === 'refused' || r.state === 'rejected';
  const good = r.state === 'passed' || r.state === 'approved';
  const decision = h('div', { class: ['alert', bad ? 'alert-error' : good ? 'alert-ok' : 'alert-info', 'acc-decision'], role: 'status' },
    h('p', null, h('strong', null, stateLabel(r.state)), ' — ', decisionText(r)),
    r.conditions ? h('p', null, `${t('acc.f.conditions')}: ${r.conditions}`) : null,
    r.reason ? h('p', null, `${t('acc.f.reason')}: ${r.reason}`) : null);
  add(view,
    h('h1', { class: 'page-title' }, r.title, ' ', stateBadge(r.state), ' ', deadlineBadge(r)),
    h('p', null, h('a', { href: '#/access' }, t('acc.back'))),
    decision,
    section(t('acc.facts'), facts([
      [t('acc.f.kind'), kindLabel(r.kind)],
      [t('acc.f.body'), r.body],
      [t('acc.f.requestedBy'), r.requested_by_name || '—'],
      [t('acc.f.description'), r.description],
      [t('acc.f.legalBasis'), r.legal_basis],
      [t('acc.f.listItem'), r.list_item ? itemTitle(r.list_item) : '—'],
      [t('acc.f.funded'), r.funded ? t('acc.funded.yes') : t('acc.funded.no')],
      [t('acc.f.funding'), r.funding || '—'],
      [t('acc.f.duration'), `${r.starts_on} – ${r.ends_on}`],
      [t('acc.f.deadlineOn'), r.deadline_on],
      [t('acc.f.workload'), t('acc.hours', { n: r.workload_hours })],
      [t('acc.f.reviewUnit'), r.review_unit ? r.review_unit.name : '—'],
      r.review_due_at ? [t('acc.f.reviewDue'), formatDateTime(r.review_due_at)] : null,
      [t('acc.f.submitted'), formatDateTime(r.submitted_at)],
    ])),
    actions,
    section(t('acc.communitiesTitle', { n: r.communities }), dataTable([
      { label: t('acc.f.community'), cell: (c) => `${c.name} (${c.code})` },
      { label: t('acc.f.task'), cell: (c) => (c.task ? badge(t(`acc.taskStatus.${c.task.status}`)) : '—') },
    ], r.community_list, { caption: t('acc.f.communities') })),
    section(t('acc.timeline'), h('ol', { class: 'timeline' }, r.timeline.map((e) => h('li', null,
      h('time', { datetime: e.at, class: 'muted small' }, formatDateTime(e.at)), ' ',
      h('strong', null, tOr(`acc.action.${e.action}`, e.action)), ' ',
      e.to_state ? stateLabel(e.to_state) : '', ' · ', e.actor_display || e.actor_name,
      e.note ? h('div', { class: 'small' }, e.note) : null)))));
}

/* ---------- the task ledger ---------- */

async function ledger(view, ctx) {
  ctx.setTitle(t('acc.ledger'));
  const status = ctx.query.get('status') || 'open';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const tab = (id, text) => h('li', null, h('a', {
    href: `#/tasks?status=${id}`, class: 'tab', 'aria-current': id === status ? 'page' : null }, text));
  const box = h('div', { 'aria-live': 'polite' }, loading());
  const handler = can('task.handle');
  const me = currentUser();
  const community = (me.roles.find((g) => g.role === 'community_worker' && g.org_code) || {}).org_code;
  let negatives = [];
  if (handler && community) {
    negatives = (await api('GET', '/access/list-items', { query: { org: community } }).catch(() => ({ items: [] })))
      .items.filter((it) => it.section === 'negative');
  }
  add(view, h('h1', { class: 'page-title' }, t('acc.ledger')),
    h('nav', { class: 'tabs', 'aria-label': t('acc.ledger') }, h('ul', null,
      tab('open', t('acc.taskStatus.open')), tab('done', t('acc.taskStatus.done')),
      tab('refused', t('acc.taskStatus.refused')), tab('all', t('acc.tab.all')))),
    handler && community ? recordForm(ctx, community, negatives) : null,
    box);
  const page = await api('GET', '/tasks', { query: { status, limit: PAGE, offset } });
  if (!ctx.isCurrent()) return;
  fill(box,
    h('p', { class: 'muted' }, t('acc.taskCount', { total: formatNumber(page.total) })),
    page.items.length ? h('ul', { class: 'task-list' }, page.items.map((task) => taskCard(ctx, task, handler, negatives)))
      : empty(t('acc.noTasks')),
    pager(page, (o) => ctx.go('/tasks', { status, offset: o })));
}

function refusalText(task) {
  const r = task.refusal;
  if (!r) return null;
  const rule = r.rule === 'negative_list' && r.item ? t('acc.refusal.negative', { item: itemTitle(r.item) }) : t('acc.refusal.notThrough');
  return h('p', { class: 'small' }, t('acc.refusedBy', { who: r.by, at: formatDateTime(r.at) }), ' — ', rule,
    r.note ? ` (${r.note})` : '');
}

function ruleFields(prefix, negatives) {
  return [
    field({ label: t('acc.f.rule'), name: `${prefix}rule`, control: selectEl(`${prefix}rule`, [
      ['not_through_access', t('acc.refusal.notThrough')],
      ...(negatives.length ? [['negative_list', t('acc.refusal.negativeRule')]] : [])], 'not_through_access') }),
    negatives.length ? field({ label: t('acc.f.negativeItem'), name: `${prefix}item_id`, control: selectEl(`${prefix}item_id`,
      [['', '—'], ...negatives.map((it) => [String(it.id), itemTitle(it)])], '') }) : null,
  ];
}

function taskCard(ctx, task, handler, negatives) {
  const actions = [];
  if (handler && task.status === 'open') {
    const done = h('form', { class: 'form form-inline', novalidate: true },
      field({ label: t('acc.f.doneNote'), name: 'note' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('acc.markDone'))));
    onSubmit(done, async (fd) => {
      const note = String(fd.get('note') || '').trim();
      await api('POST', `/tasks/${task.id}/done`, { body: note ? { note } : {} });
      toast(t('acc.done.done'));
      ctx.go('/tasks', { status: ctx.query.get('status') || 'open' });
    });
    actions.push(done);
    if (task.access === 'none') {
      const refuse = h('form', { class: 'form form-inline', novalidate: true },
        ...ruleFields('', negatives),
        field({ label: t('acc.f.refusalNote'), name: 'note' }),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('acc.refuse'))));
      onSubmit(refuse, async (fd) => {
        const body = { rule: String(fd.get('rule')) };
        if (body.rule === 'negative_list') {
          if (!fd.get('item_id')) throw invalid('item_id', t('common.required'));
          body.item_id = Number(fd.get('item_id'));
        }
        const note = String(fd.get('note') || '').trim();
        if (note) body.note = note;
        await api('POST', `/tasks/${task.id}/refuse`, { body });
        toast(t('acc.done.refused'));
        ctx.go('/tasks', { status: ctx.query.get('status') || 'open' });
      });
      actions.push(refuse);
    }
  }
  return h('li', { class: ['card', 'task', `task-${task.status}`] },
    h('div', { class: 'task-head' },
      h('strong', null, task.title), ' ',
      badge(t(`acc.taskStatus.${task.status}`), task.status === 'refused' ? 'warn' : task.status === 'done' ? 'ok' : ''),
      ' ', badge(t(`acc.access.${task.access}`)),
      task.overdue ? [' ', badge(t('acc.overdue'), 'warn')] : null),
    facts([
      [t('acc.f.kind'), kindLabel(task.kind)],
      [t('acc.f.requester'), task.requester],
      [t('acc.f.community'), task.community_name],
      [t('acc.f.deadlineOn'), task.deadline_on || '—'],
      [t('acc.f.receivedOn'), task.received_on],
      task.request_id ? [t('acc.f.request'), h('a', { href: `#/access/${task.request_id}` }, `#${task.request_id}`)] : null,
    ]),
    task.done ? h('p', { class: 'small' }, t('acc.doneBy', { who: task.done.by, at: formatDateTime(task.done.at) }),
      task.done.note ? ` — ${task.done.note}` : '') : null,
    refusalText(task),
    actions.length ? h('div', { class: 'task-actions' }, actions) : null);
}

/* Work that arrived outside the system, recorded (and refused at once if chosen). */
function recordForm(ctx, community, negatives) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('acc.f.title'), name: 'title', required: true }),
    field({ label: t('acc.f.kind'), name: 'kind', control: selectEl('kind', KINDS.map((k) => [k, kindLabel(k)]), 'form') }),
    field({ label: t('acc.f.requester'), name: 'requester', required: true, hint: t('acc.hint.requester') }),
    field({ label: t('acc.f.receivedOn'), name: 'received_on', type: 'date', value: today() }),
    field({ label: t('acc.f.deadlineOn'), name: 'deadline_on', type: 'date' }),
    field({ label: t('acc.f.note'), name: 'note', type: 'textarea' }),
    field({ label: t('acc.f.refuseNow'), name: 'refuse', control: selectEl('refuse', [['no', t('acc.refuseNow.no')], ['yes', t('acc.refuseNow.yes')]], 'yes') }),
    ...ruleFields('', negatives),
    field({ label: t('acc.f.refusalNote'), name: 'refusal_note' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('acc.record'))));
  onSubmit(form, async (fd) => {
    const text = (k) => String(fd.get(k) || '').trim();
    if (!text('title')) throw invalid('title', t('common.required'));
    if (!text('requester')) throw invalid('requester', t('common.required'));
    const body = { org: community, kind: text('kind'), title: text('title'), requester: text('requester') };
    for (const k of ['received_on', 'deadline_on', 'note']) if (text(k)) body[k] = text(k);
    if (text('refuse') === 'yes') {
      body.refuse = true;
      body.rule = text('rule');
      if (body.rule === 'negative_list') {
        if (!text('item_id')) throw invalid('item_id', t('common.required'));
        body.item_id = Number(text('item_id'));
      }
      if (text('refusal_note')) body.refusal_note = text('refusal_note');
    }
    const task = await api('POST', '/tasks', { body });
    toast(t(task.status === 'refused' ? 'acc.done.refused' : 'acc.done.recorded'));
    ctx.go('/tasks', { status: task.status });
  });
  return panel(t('acc.recordTitle'), form);
}

/* ---------- the burden ledger ---------- */

function trendText(v) {
  if (v === null || v === undefined) return '—';
  return `${v > 0 ? '+' : ''}${v}%`;
}

async function burden(view, ctx) {
  ctx.setTitle(t('acc.burden'));
  const query = {
    org: ctx.query.get('org') || '', from: ctx.query.get('from') || '', to: ctx.query.get('to') || '',
    base_from: ctx.query.get('base_from') || '', base_to: ctx.query.get('base_to') || '',
  };
  const filter = h('form', { class: 'form form-inline toolbar', novalidate: true },
    field({ label: t('acc.f.org'), name: 'org', value: query.org, hint: t('acc.hint.org') }),
    field({ label: t('acc.f.from'), name: 'from', type: 'date', value: query.from }),
    field({ label: t('acc.f.to'), name: 'to', type: 'date', value: query.to }),
    field({ label: t('acc.f.baseFrom'), name: 'base_from', type: 'date', value: query.base_from }),
    field({ label: t('acc.f.baseTo'), name: 'base_to', type: 'date', value: query.base_to }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn' }, t('acc.show'))));
  onSubmit(filter, async (fd) => {
    const q = {};
    for (const k of Object.keys(query)) if (String(fd.get(k) || '').trim()) q[k] = String(fd.get(k)).trim();
    ctx.go('/burden', q);
  });
  const box = h('div', { 'aria-live': 'polite' }, loading());
  add(view, h('h1', { class: 'page-title' }, t('acc.burden')), filter, box);
  const o = await api('GET', '/burden', { query });
  if (!ctx.isCurrent()) return;
  const q = queryString({ ...query, org: o.org, from: o.from, to: o.to });
  const sep = q ? '&' : '?';
  const exports = h('p', null,
    h('a', { class: 'btn', href: `/api/v1/burden/export${q}${sep}format=csv`, download: '' }, t('acc.exportAreas', { f: 'CSV' })), ' ',
    h('a', { class: 'btn', href: `/api/v1/burden/export${q}${sep}format=xlsx`, download: '' }, t('acc.exportAreas', { f: 'XLSX' })), ' ',
    h('a', { class: 'btn', href: `/api/v1/burden/export${q}${sep}format=xlsx&table=ranking`, download: '' }, t('acc.exportRanking')));
  const totals = o.totals;
  fill(box,
    h('p', { class: 'muted' }, t('acc.period', { org: o.org, from: o.from, to: o.to, bfrom: o.baseline.from, bto: o.baseline.to })),
    h('div', { class: 'stat-cards' },
      tile(t('acc.m.imposed'), totals.imposed.total, trendText(totals.trend.imposed)),
      tile(t('acc.m.accepted'), totals.accepted.total, trendText(totals.trend.accepted)),
      tile(t('acc.m.refused'), totals.refused.total, trendText(totals.trend.refused)),
      tile(t('acc.m.inReview'), totals.in_review, null)),
    section(t('acc.byArea'), dataTable([
      { label: t('acc.f.area'), class: 'nowrap', cell: (r) => (r.key.length < 12 ? h('a', { href: `#/burden${queryString({ ...query, org: r.key })}` }, r.name) : r.name) },
      { label: t('acc.m.imposed'), cell: (r) => formatNumber(r.imposed.total) },
      ...KINDS.map((k) => ({ label: kindLabel(k), cell: (r) => formatNumber(r.imposed[k]) })),
      { label: t('acc.m.accepted'), cell: (r) => formatNumber(r.accepted.total) },
      { label: t('acc.m.refusedByCheck'), cell: (r) => formatNumber(r.refused_by_check) },
      { label: t('acc.m.rejected'), cell: (r) => formatNumber(r.rejected_on_review) },
      { label: t('acc.m.refusedByCommunity'), cell: (r) => formatNumber(r.refused_by_community) },
      { label: t('acc.m.certificates'), cell: (r) => `${formatNumber(r.certificates.issued)} / ${formatNumber(r.certificates.refused)}` },
      { label: t('acc.m.baseline'), cell: (r) => formatNumber(r.baseline.imposed) },
      { label: t('acc.m.trend'), cell: (r) => trendText(r.trend.imposed) },
    ], o.rows, { caption: t('acc.byArea') })),
    section(t('acc.ranking'), o.ranking.length ? dataTable([
      { label: t('acc.f.rank'), cell: (r) => String(r.rank) },
      { label: t('acc.f.body'), cell: (r) => (r.outside ? h('span', null, r.body, ' ', badge(t('acc.outside'), 'warn')) : r.body) },
      { label: t('acc.m.requests'), cell: (r) => formatNumber(r.requests) },
      { label: t('acc.m.imposed'), cell: (r) => formatNumber(r.imposed) },
      { label: t('acc.m.accepted'), cell: (r) => formatNumber(r.accepted) },
      { label: t('acc.m.refusedByCheck'), cell: (r) => formatNumber(r.refused_by_check) },
      { label: t('acc.m.rejected'), cell: (r) => formatNumber(r.rejected_on_review) },
      { label: t('acc.m.refusedByCommunity'), cell: (r) => formatNumber(r.refused_by_community) },
    ], o.ranking, { caption: t('acc.ranking') }) : empty(t('acc.noRanking'))),
    exports);
}

function tile(label, value, trend) {
  return h('div', { class: 'stat-card' }, h('div', { class: 'stat-value' }, formatNumber(value)),
    h('div', { class: 'stat-label' }, label),
    trend !== null ? h('div', { class: 'muted small' }, t('acc.vsBaseline', { v: trend })) : null);
}
