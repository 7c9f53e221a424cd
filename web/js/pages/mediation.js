// People's mediation (人民调解): the case list, registration, the case with
// the actions its state allows, printable documents (agreement, case file,
// termination notice), committees with their composition, statistics.
import { api, queryString } from '../api.js';
import {
  h, add, fill, field, selectEl, onSubmit, invalid, facts, section, panel, loading, empty, toast,
  dataTable, badge, pager,
} from '../dom.js';
import { t, tOr, formatDateTime, formatNumber, language } from '../i18n.js';
import { can } from '../session.js';

const PAGE = 50;
const RUNNING = new Set(['registered', 'mediating']);
const CONCLUDED = new Set(['agreed', 'failed', 'referred']);

let typeCache = null;
async function disputeTypes() {
  if (!typeCache) typeCache = (await api('GET', '/mediation/dispute-types')).items;
  return typeCache;
}
const typeName = (d) => (language() === 'en' ? d.name_en : d.name);
const stateLabel = (s) => tOr(`med.state.${s}`, s);
const caseNumber = (c) => t('med.number', { year: c.year, seq: c.seq });
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

function stateBadge(state) {
  const kind = state === 'agreed' || state === 'closed' ? 'ok' : state === 'failed' || state === 'referred'
    || state === 'not_accepted' ? 'warn' : '';
  return badge(stateLabel(state), kind);
}

function deadlineBadge(c) {
  if (!c.deadline) return null;
  return h('span', { class: ['badge', 'badge-deadline', `badge-deadline-${c.deadline}`] },
    t(`med.deadline.${c.deadline}`), c.due_on ? ` · ${c.due_on}` : '');
}

export async function render(view, ctx) {
  const which = ctx.view || 'list';
  if (which === 'list') return list(view, ctx);
  if (which === 'new') return registerForm(view, ctx);
  if (which === 'case') return casePage(view, ctx);
  if (which === 'print') return printPage(view, ctx);
  if (which === 'committees') return committees(view, ctx);
  if (which === 'stats') return stats(view, ctx);
  return null;
}

function tabs(current) {
  const tab = (id, href, text) => h('li', null, h('a', {
    href, class: 'tab', 'aria-current': id === current ? 'page' : null }, text));
  return h('nav', { class: 'tabs', 'aria-label': t('med.title') }, h('ul', null,
    tab('open', '#/mediation', t('med.tab.open')),
    tab('overdue', '#/mediation?overdue=1', t('med.tab.overdue')),
    tab('all', '#/mediation?state=all', t('med.tab.all')),
    tab('committees', '#/mediation/committees', t('med.tab.committees')),
    tab('stats', '#/mediation/stats', t('med.tab.stats'))));
}

async function list(view, ctx) {
  ctx.setTitle(t('med.title'));
  const overdue = ctx.query.get('overdue') === '1';
  const state = ctx.query.get('state') || 'open';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const box = h('div', { 'aria-live': 'polite' }, loading());
  add(view, h('h1', { class: 'page-title' }, t('med.title')),
    tabs(overdue ? 'overdue' : state === 'all' ? 'all' : 'open'),
    can('mediation.handle') ? h('p', null, h('a', { href: '#/mediation/new', class: 'btn btn-primary' },
      t('med.register'))) : null,
    box);
  const page = await api('GET', '/mediation/cases', {
    query: { state, overdue: overdue ? 'true' : '', limit: PAGE, offset } });
  if (!ctx.isCurrent()) return;
  fill(box,
    h('p', { class: 'muted' }, t('med.count', { total: formatNumber(page.total) })),
    page.items.length ? dataTable([
      { label: t('med.f.number'), cell: (c) => h('a', { href: `#/mediation/${c.id}` }, caseNumber(c)) },
      { label: t('med.f.parties'), cell: (c) => c.title },
      { label: t('med.f.type'), cell: (c) => typeName(c.dispute_type) },
      { label: t('med.f.committee'), cell: (c) => c.committee },
      { label: t('med.f.state'), cell: (c) => h('span', null, stateBadge(c.state), ' ', deadlineBadge(c)) },
      { label: t('med.f.registered'), cell: (c) => formatDateTime(c.registered_at) },
    ], page.items, { caption: t('med.title') }) : empty(t('med.none')),
    pager(page, (o) => ctx.go('/mediation', { state, overdue: overdue ? '1' : '', offset: o })));
}

/* ---------- registration ---------- */

function partyFields(i, side) {
  const p = (name) => `p${i}_${name}`;
  return h('fieldset', { class: 'fieldset party' },
    h('legend', null, t('med.partyN', { n: i + 1 })),
    field({ label: t('med.f.side'), name: p('side'), control: selectEl(p('side'),
      [['applicant', t('med.side.applicant')], ['respondent', t('med.side.respondent')]], side) }),
    field({ label: t('med.f.kind'), name: p('kind'), control: selectEl(p('kind'),
      [['person', t('med.kind.person')], ['organisation', t('med.kind.organisation')]], 'person') }),
    field({ label: t('med.f.name'), name: p('name'), required: true }),
    field({ label: t('med.f.gender'), name: p('gender'), control: selectEl(p('gender'),
      [['', '—'], ['male', t('med.gender.male')], ['female', t('med.gender.female')]], '') }),
    field({ label: t('med.f.idNumber'), name: p('id_number'), hint: t('med.hint.personal') }),
    field({ label: t('med.f.phone'), name: p('phone'), type: 'tel', hint: t('med.hint.personal') }),
    field({ label: t('med.f.address'), name: p('address') }),
    field({ label: t('med.f.willing'), name: p('willing'), control: selectEl(p('willing'),
      [['yes', t('med.willing.yes')], ['no', t('med.willing.no')]], 'yes') }),
    field({ label: t('med.f.refusalNote'), name: p('refusal_note') }));
}

async function registerForm(view, ctx) {
  ctx.setTitle(t('med.register'));
  const [types, comm] = await Promise.all([disputeTypes(), api('GET', '/mediation/committees')]);
  if (!ctx.isCurrent()) return;
  let n = 2;
  const parties = h('div', null, partyFields(0, 'applicant'), partyFields(1, 'respondent'));
  const more = h('button', { type: 'button', class: 'btn', on: { click: () => {
    if (n < 20) parties.append(partyFields(n++, 'respondent'));
  } } }, t('med.addParty'));
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('med.f.committee'), name: 'committee_id', required: true, control: selectEl('committee_id',
      comm.items.map((c) => [String(c.id), c.composition.constituted ? c.name
        : `${c.name} (${t(`med.rule.${c.composition.rule}`)})`])) }),
    field({ label: t('med.f.type'), name: 'dispute_type', required: true,
      control: selectEl('dispute_type', types.map((d) => [d.code, typeName(d)])) }),
    field({ label: t('med.f.source'), name: 'source', required: true, control: selectEl('source',
      ['application', 'initiative', 'police', 'court', 'assigned'].map((s) => [s, t(`med.source.${s}`)])) }),
    field({ label: t('med.f.sourceNote'), name: 'source_note', hint: t('med.hint.sourceNote') }),
    field({ label: t('med.f.summary'), name: 'summary', type: 'textarea', required: true }),
    parties, h('p', null, more),
    h('p', { class: 'muted small' }, t('med.hint.consent')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.register'))));
  onSubmit(form, async (fd) => {
    const text = (k) => String(fd.get(k) || '').trim();
    const body = { committee_id: Number(fd.get('committee_id')), dispute_type: text('dispute_type'),
      source: text('source'), summary: text('summary'), parties: [] };
    if (text('source_note')) body.source_note = text('source_note');
    if (!body.summary) throw invalid('summary', t('common.required'));
    for (let i = 0; i < n; i++) {
      const g = (k) => text(`p${i}_${k}`);
      if (!g('name')) throw invalid(`p${i}_name`, t('common.required'));
      const p = { side: g('side'), kind: g('kind'), name: g('name'), willing: g('willing') === 'yes' };
      for (const k of ['gender', 'id_number', 'phone', 'address', 'refusal_note']) if (g(k)) p[k] = g(k);
      body.parties.push(p);
    }
    const c = await api('POST', '/mediation/cases', { body });
    toast(c.state === 'not_accepted' ? t('med.notAccepted') : t('med.registered'));
    ctx.go(`/mediation/${c.id}`);
  }, Object.fromEntries([...Array(20).keys()].flatMap((i) => ['side', 'kind', 'name', 'gender', 'id_number',
    'phone', 'address', 'willing', 'refusal_note'].map((k) => [`parties[${i}].${k}`, `p${i}_${k}`]))));
  add(view, h('h1', { class: 'page-title' }, t('med.register')), form);
}

/* ---------- one case ---------- */

function actionsFor(c) {
  if (!can('mediation.handle')) return [];
  if (RUNNING.has(c.state)) {
    const a = ['assign', 'session', 'recuse', 'extend'];
    if (c.state === 'mediating') a.push('agreement', 'sign');
    a.push('terminate', 'refer');
    return a;
  }
  if (c.state === 'agreed') return ['confirmation', 'followup', 'close'];
  if (CONCLUDED.has(c.state)) return ['followup', 'close'];
  return [];
}

function reasonField(required) {
  return field({ label: t('med.f.reason'), name: 'reason', type: 'textarea', required });
}

function actionForm(ctx, c, committee, action) {
  const members = (committee ? committee.members : []).filter((m) => m.mediator);
  const active = c.mediators.filter((m) => m.active);
  const opt = (arr) => arr.map((m) => [String(m.member_id ?? m.id), m.name]);
  const fields = [];
  switch (action) {
    case 'assign':
      fields.push(field({ label: t('med.f.mediator'), name: 'member_id', control: selectEl('member_id', opt(members)) }),
        field({ label: t('med.f.how'), name: 'how', control: selectEl('how',
          [['assigned', t('med.how.assigned')], ['chosen', t('med.how.chosen')]], 'assigned') }));
      break;
    case 'recuse':
      fields.push(field({ label: t('med.f.mediator'), name: 'member_id', control: selectEl('member_id', opt(active)) }),
        field({ label: t('med.f.recusalBy'), name: 'by', control: selectEl('by',
          [['party', t('med.recusal.party')], ['mediator', t('med.recusal.mediator')]], 'party') }),
        reasonField(true),
        field({ label: t('med.f.replacement'), name: 'replacement_id', control: selectEl('replacement_id',
          [['', '—'], ...opt(members)]) }));
      break;
    case 'session':
      fields.push(field({ label: t('med.f.heldOn'), name: 'held_on', type: 'date', value: today(), required: true }),
        field({ label: t('med.f.place'), name: 'place' }),
        field({ label: t('med.f.attendees'), name: 'attendees' }),
        field({ label: t('med.f.record'), name: 'record', type: 'textarea', required: true }));
      break;
    case 'extend':
      fields.push(field({ label: t('med.f.newDue'), name: 'due_on', type: 'date', required: true }),
        field({ label: t('med.f.consent'), name: 'consent', control: selectEl('consent',
          [['', '—'], ['yes', t('med.consentYes')]], '') }), reasonField(true));
      break;
    case 'agreement': {
      const a = c.agreement || {};
      for (const k of ['facts', 'disputed_matters', 'responsibilities', 'terms', 'performance'])
        fields.push(field({ label: t(`med.a.${k}`), name: k, type: 'textarea', value: a[k] || '', required: true }));
      fields.push(field({ label: t('med.a.perform_by'), name: 'perform_by', type: 'date', value: a.perform_by || '', required: true }));
      break;
    }
    case 'sign':
      fields.push(field({ label: t('med.f.signer'), name: 'signer', control: selectEl('signer', [
        ...c.parties.filter((p) => !p.signed_at).map((p) => [`p${p.id}`, p.name]),
        ...active.filter((m) => !m.signed_at).map((m) => [`m${m.member_id}`, `${m.name} (${t('med.f.mediator')})`])]) }));
      break;
    case 'terminate':
      fields.push(field({ label: t('med.f.endKind'), name: 'kind', control: selectEl('kind',
        ['no_agreement', 'party_refused', 'withdrawn', 'other'].map((k) => [k, t(`med.end.${k}`)])) }),
      field({ label: t('med.f.refusingParty'), name: 'party_id', control: selectEl('party_id',
        [['', '—'], ...c.parties.map((p) => [String(p.id), p.name])]) }),
      reasonField(true),
      h('fieldset', { class: 'fieldset' }, h('legend', null, t('med.f.routes')),
        ...['arbitration', 'administrative', 'litigation'].map((r) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', name: 'routes', value: r, checked: r === 'litigation' }), ' ', t(`med.route.${r}`)))));
      break;
    case 'refer':
      fields.push(field({ label: t('med.f.unit'), name: 'unit', required: true }), reasonField(true));
      break;
    case 'confirmation':
      fields.push(field({ label: t('med.f.applied'), name: 'applied', control: selectEl('applied',
        [['yes', t('med.applied.yes')], ['no', t('med.applied.no')]], 'yes') }),
      field({ label: t('med.f.appliedOn'), name: 'applied_on', type: 'date', value: today() }),
      field({ label: t('med.f.court'), name: 'court' }));
      break;
    case 'followup':
      fields.push(field({ label: t('med.f.visitedOn'), name: 'visited_on', type: 'date', value: today(), required: true }),
        field({ label: t('med.f.visitor'), name: 'visitor', required: true }),
        field({ label: t('med.f.performance'), name: 'performance', control: selectEl('performance',
          ['performed', 'partly', 'not_performed', 'not_due'].map((k) => [k, t(`med.perf.${k}`)])) }),
        field({ label: t('med.f.notes'), name: 'notes', type: 'textarea' }));
      break;
    default:
      fields.push(reasonField(false));
  }
  const form = h('form', { class: 'form action-form', novalidate: true },
    h('p', { class: 'muted small' }, t(`med.explain.${action}`)), ...fields,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit',
      class: action === 'terminate' || action === 'refer' ? 'btn btn-danger' : 'btn btn-primary' }, t(`med.action.${action}`))));
  onSubmit(form, async (fd) => {
    const text = (k) => String(fd.get(k) || '').trim();
    const body = {};
    const need = (k) => { if (!text(k)) throw invalid(k, t('common.required')); return text(k); };
    if (action === 'assign') Object.assign(body, { member_id: Number(need('member_id')), how: text('how') });
    if (action === 'recuse') {
      Object.assign(body, { member_id: Number(need('member_id')), by: text('by'), reason: need('reason') });
      if (text('replacement_id')) body.replacement_id = Number(text('replacement_id'));
    }
    if (action === 'session') {
      Object.assign(body, { held_on: need('held_on'), record: need('record'),
        mediator_ids: active.map((m) => m.member_id) });
      if (text('place')) body.place = text('place');
      if (text('attendees')) body.attendees = text('attendees');
    }
    if (action === 'extend') Object.assign(body, { due_on: need('due_on'), consent: text('consent') === 'yes', reason: need('reason') });
    if (action === 'agreement')
      for (const k of ['facts', 'disputed_matters', 'responsibilities', 'terms', 'performance', 'perform_by']) body[k] = need(k);
    if (action === 'sign') {
      const s = need('signer');
      body[s[0] === 'p' ? 'party_id' : 'member_id'] = Number(s.slice(1));
    }
    if (action === 'terminate') {
      Object.assign(body, { kind: text('kind'), reason: need('reason'), routes: fd.getAll('routes') });
      if (text('party_id')) body.party_id = Number(text('party_id'));
    }
    if (action === 'refer') Object.assign(body, { unit: need('unit'), reason: need('reason') });
    if (action === 'confirmation') {
      body.applied = text('applied') === 'yes';
      if (body.applied) body.applied_on = need('applied_on');
      if (body.applied && text('court')) body.court = text('court');
    }
    if (action === 'followup') {
      Object.assign(body, { visited_on: need('visited_on'), visitor: need('visitor'), performance: text('performance') });
      if (text('notes')) body.notes = text('notes');
    }
    if (action === 'close' && text('reason')) body.reason = text('reason');
    await api('POST', `/mediation/cases/${c.id}/${action}`, { body });
    toast(t('med.done'));
    ctx.reload();
  }, { mediator_ids: 'record', party_id: 'signer', routes: 'reason' });
  return form;
}

function partyList(c) {
  return dataTable([
    { label: t('med.f.side'), cell: (p) => t(`med.side.${p.side}`) },
    { label: t('med.f.name'), cell: (p) => p.name },
    { label: t('med.f.idNumber'), cell: (p) => p.id_number || '—' },
    { label: t('med.f.phone'), cell: (p) => p.phone || '—' },
    { label: t('med.f.willing'), cell: (p) => (p.willing ? t('med.willing.yes') : `${t('med.willing.no')} ${p.refusal_note || ''}`) },
    { label: t('med.f.signed'), cell: (p) => (p.signed_at ? formatDateTime(p.signed_at) : '—') },
  ], c.parties);
}

function agreementFacts(a) {
  return facts([
    [t('med.a.facts'), a.facts], [t('med.a.disputed_matters'), a.disputed_matters],
    [t('med.a.responsibilities'), a.responsibilities], [t('med.a.terms'), a.terms],
    [t('med.a.performance'), a.performance], [t('med.a.perform_by'), a.perform_by],
  ]);
}

function timelineList(c) {
  return h('ol', { class: 'timeline' }, c.timeline.map((e) => h('li', null,
    h('strong', null, tOr(`med.action.${e.action}`, e.action)), ' · ', formatDateTime(e.at), ' · ', e.actor_display || e.actor_name,
    e.from_state ? ` · ${stateLabel(e.from_state)} → ${stateLabel(e.to_state)}` : '',
    e.note ? h('div', { class: 'muted' }, e.note) : null)));
}

async function casePage(view, ctx) {
  add(view, loading());
  const c = await api('GET', `/mediation/cases/${Number(ctx.params[0])}`);
  const committee = await api('GET', `/mediation/committees/${c.committee.id}`).catch(() => null);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${caseNumber(c)} ${c.title}`);
  const actions = actionsFor(c);
  const docs = [['file', t('med.doc.file')]];
  if (c.agreement) docs.push(['agreement', t('med.doc.agreement')]);
  if (c.state === 'failed' || (c.state === 'closed' && c.outcome === 'failed')) docs.push(['notice', t('med.doc.notice')]);
  fill(view,
    h('p', null, h('a', { href: '#/mediation' }, t('med.back'))),
    h('h1', { class: 'page-title' }, `${caseNumber(c)} ${c.title}`),
    h('p', null, stateBadge(c.state), ' ', deadlineBadge(c)),
    h('p', { class: 'doc-links' }, docs.map(([d, label]) => h('a', { href: `#/mediation/${c.id}/print/${d}`, class: 'btn' }, label))),
    section(t('med.s.registration'), facts([
      [t('med.f.committee'), c.committee.name], [t('med.f.type'), typeName(c.dispute_type)],
      [t('med.f.source'), `${t(`med.source.${c.source}`)} ${c.source_note}`],
      [t('med.f.registered'), `${formatDateTime(c.registered_at)} · ${c.registered_by}`],
      c.due_on ? [t('med.f.due'), `${c.due_on}${c.extensions ? ` (${t('med.extended', { n: c.extensions })})` : ''}`] : null,
      [t('med.f.summary'), c.summary],
      c.outcome_note ? [t('med.f.outcomeNote'), c.outcome_note] : null,
      c.routes ? [t('med.f.routes'), c.routes.map((r) => t(`med.route.${r}`)).join('、')] : null,
      c.referral_unit ? [t('med.f.unit'), c.referral_unit] : null,
    ])),
    section(t('med.s.parties'), partyList(c)),
    section(t('med.s.mediators'), c.mediators.length ? h('ul', null, c.mediators.map((m) => h('li', null,
      m.name, ' · ', t(`med.how.${m.how}`), m.active ? '' : ` · ${t('med.recused')}: ${m.recusal_reason}`))) : empty(t('med.noMediators'))),
    section(t('med.s.sessions'), c.sessions.length ? h('ol', null, c.sessions.map((s) => h('li', null,
      h('strong', null, `${s.held_on} ${s.place}`), ` · ${s.mediators}`, h('p', null, s.record)))) : empty(t('med.noSessions'))),
    c.agreement ? section(t('med.s.agreement'), agreementFacts(c.agreement),
      c.agreement.confirm_last_day ? h('p', { class: 'alert' }, t('med.confirmReminder', { day: c.agreement.confirm_last_day })) : null,
      h('p', { class: 'muted' }, t(`med.confirmation.${c.agreement.confirmation}`))) : null,
    c.followups.length ? section(t('med.s.followups'), h('ul', null, c.followups.map((f) => h('li', null,
      `${f.visited_on} · ${f.visitor} · ${t(`med.perf.${f.performance}`)} ${f.notes}`)))) : null,
    actions.length ? section(t('med.s.actions'), ...actions.map((a, i) => panel(t(`med.action.${a}`), actionForm(ctx, c, committee, a), i === 0))) : null,
    section(t('med.s.timeline'), timelineList(c)));
}

/* ---------- printable documents ---------- */

async function printPage(view, ctx) {
  add(view, loading());
  const c = await api('GET', `/mediation/cases/${Number(ctx.params[0])}`);
  if (!ctx.isCurrent()) return;
  const doc = ctx.params[1];
  ctx.setTitle(t(`med.doc.${doc}`));
  const head = [h('p', { class: 'doc-committee' }, c.committee.name),
    h('h1', { class: 'doc-title' }, t(`med.doc.${doc}`)),
    h('p', { class: 'doc-number' }, caseNumber(c))];
  const partiesBlock = h('div', null, c.parties.map((p) => h('p', null,
    `${t(`med.side.${p.side}`)}：${p.name}`, p.gender ? `，${t(`med.gender.${p.gender}`)}` : '',
    p.id_number ? `，${t('med.f.idNumber')} ${p.id_number}` : '', p.address ? `，${p.address}` : '')));
  const signatures = h('div', { class: 'doc-signatures' },
    c.parties.map((p) => h('p', null, `${t('med.print.partySign')}（${p.name}）：`,
      p.signed_at ? formatDateTime(p.signed_at) : '＿＿＿＿＿＿')),
    c.mediators.filter((m) => m.active).map((m) => h('p', null, `${t('med.print.mediatorSign')}（${m.name}）：`,
      m.signed_at ? formatDateTime(m.signed_at) : '＿＿＿＿＿＿')),
    h('div', { class: 'doc-seal' }, t('med.print.seal'), h('br'), c.committee.name));
  let body;
  if (doc === 'agreement' && c.agreement) {
    const a = c.agreement;
    body = [partiesBlock,
      ...['facts', 'disputed_matters', 'responsibilities', 'terms', 'performance'].map((k) =>
        h('section', null, h('h2', null, t(`med.a.${k}`)), h('p', null, a[k]))),
      h('p', null, `${t('med.a.perform_by')}：${a.perform_by}`),
      h('p', { class: 'doc-note' }, a.confirm_last_day ? t('med.print.confirmBy', { day: a.confirm_last_day })
        : t('med.print.confirmRule')),
      signatures];
  } else if (doc === 'notice') {
    body = [partiesBlock, h('p', null, t('med.print.noticeText', { summary: c.summary })),
      h('p', null, `${t('med.f.reason')}：${c.outcome_note || ''}`),
      h('h2', null, t('med.f.routes')),
      h('ul', null, (c.routes || []).map((r) => h('li', null, h('strong', null, t(`med.route.${r}`)), '：', t(`med.routeText.${r}`)))),
      h('div', { class: 'doc-seal' }, t('med.print.seal'), h('br'), c.committee.name)];
  } else {
    body = [facts([
      [t('med.f.type'), typeName(c.dispute_type)], [t('med.f.source'), `${t(`med.source.${c.source}`)} ${c.source_note}`],
      [t('med.f.registered'), formatDateTime(c.registered_at)], [t('med.f.state'), stateLabel(c.state)],
      [t('med.f.summary'), c.summary],
      c.outcome_note ? [t('med.f.outcomeNote'), c.outcome_note] : null,
      c.referral_unit ? [t('med.f.unit'), c.referral_unit] : null]),
    h('h2', null, t('med.s.parties')), partiesBlock,
    h('h2', null, t('med.s.mediators')), h('ul', null, c.mediators.map((m) => h('li', null,
      `${m.name} · ${t(`med.how.${m.how}`)}${m.active ? '' : ` · ${t('med.recused')}：${m.recusal_reason}`}`))),
    h('h2', null, t('med.s.sessions')), h('ol', null, c.sessions.map((s) => h('li', null, `${s.held_on} ${s.place} · ${s.mediators}`, h('p', null, s.record)))),
    c.agreement ? h('h2', null, t('med.s.agreement')) : null, c.agreement ? agreementFacts(c.agreement) : null,
    h('h2', null, t('med.s.followups')), h('ul', null, c.followups.map((f) => h('li', null, `${f.visited_on} · ${f.visitor} · ${t(`med.perf.${f.performance}`)} ${f.notes}`))),
    h('h2', null, t('med.s.timeline')), timelineList(c)];
  }
  fill(view,
    h('p', { class: 'no-print' }, h('a', { href: `#/mediation/${c.id}` }, t('med.back')), ' ',
      h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => window.print() } }, t('med.print.print'))),
    h('article', { class: 'print-doc' }, ...head, ...body.filter(Boolean)));
}

/* ---------- committees ---------- */

async function committees(view, ctx) {
  ctx.setTitle(t('med.tab.committees'));
  const list = await api('GET', '/mediation/committees');
  if (!ctx.isCurrent()) return;
  add(view, h('h1', { class: 'page-title' }, t('med.title')), tabs('committees'));
  if (can('mediation.manage')) {
    const form = h('form', { class: 'form', novalidate: true },
      field({ label: t('med.f.orgCode'), name: 'org_code', required: true, hint: t('med.hint.orgCode') }),
      field({ label: t('med.f.name'), name: 'name', required: true }),
      field({ label: t('med.f.electedOn'), name: 'elected_on', type: 'date', required: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.addCommittee'))));
    onSubmit(form, async (fd) => {
      const code = String(fd.get('org_code') || '').trim();
      const orgs = await api('GET', '/orgs', { query: { code } });
      if (!orgs.items.length) throw invalid('org_code', t('med.noSuchNode'));
      await api('POST', '/mediation/committees', { body: { org_id: orgs.items[0].id,
        name: String(fd.get('name') || '').trim(), elected_on: String(fd.get('elected_on') || '') } });
      toast(t('common.saved'));
      ctx.reload();
    }, { org_id: 'org_code' });
    add(view, panel(t('med.addCommittee'), form));
  }
  if (!list.items.length) add(view, empty(t('med.noCommittees')));
  for (const c of list.items) {
    const comp = c.composition;
    const memberForm = can('mediation.manage') ? memberAdd(ctx, c) : null;
    add(view, section(`${c.name} · ${c.org_name}`,
      h('p', null, comp.constituted ? badge(t('med.constituted'), 'ok') : badge(t(`med.rule.${comp.rule}`), 'warn'), ' ',
        t('med.composition', { n: comp.members_in_term, women: comp.women, end: comp.term_ends_on })),
      dataTable([
        { label: t('med.f.name'), cell: (m) => m.name },
        { label: t('med.f.gender'), cell: (m) => t(`med.gender.${m.gender}`) },
        { label: t('med.f.duty'), cell: (m) => t(`med.duty.${m.duty}`) },
        { label: t('med.f.account'), cell: (m) => (m.account ? `${m.account}${m.mediator ? ` · ${t('med.f.mediator')}` : ''}` : '—') },
        { label: t('med.f.inTerm'), cell: (m) => (m.in_term ? t('med.yes') : `${t('med.left')} ${m.left_on}`) },
        { label: '', cell: (m) => (can('mediation.manage') && m.in_term ? h('button', { type: 'button', class: 'btn btn-small',
          on: { click: async () => {
            await api('PATCH', `/mediation/committees/${c.id}/members/${m.id}`, { body: { left_on: today() } });
            ctx.reload();
          } } }, t('med.leave')) : '') },
      ], c.members),
      memberForm ? panel(t('med.addMember'), memberForm) : null));
  }
}

function memberAdd(ctx, c) {
  const candidates = h('select', { name: 'user_id' }, h('option', { value: '' }, '—'));
  api('GET', `/mediation/committees/${c.id}/candidates`).then((r) => {
    for (const u of r.items) candidates.append(h('option', { value: String(u.user_id) }, `${u.display_name} (${u.username})`));
  }).catch(() => {});
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('med.f.name'), name: 'name', required: true }),
    field({ label: t('med.f.gender'), name: 'gender', control: selectEl('gender',
      [['female', t('med.gender.female')], ['male', t('med.gender.male')]], 'female') }),
    field({ label: t('med.f.duty'), name: 'duty', control: selectEl('duty',
      ['member', 'vice_chair', 'chair'].map((d) => [d, t(`med.duty.${d}`)]), 'member') }),
    field({ label: t('med.f.account'), name: 'user_id', control: candidates, hint: t('med.hint.account') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('med.addMember'))));
  onSubmit(form, async (fd) => {
    const body = { name: String(fd.get('name') || '').trim(), gender: fd.get('gender'), duty: fd.get('duty') };
    if (!body.name) throw invalid('name', t('common.required'));
    if (fd.get('user_id')) body.user_id = Number(fd.get('user_id'));
    await api('POST', `/mediation/committees/${c.id}/members`, { body });
    toast(t('common.saved'));
    ctx.reload();
  }, { committee_id: 'name' });
  return form;
}

/* ---------- statistics ---------- */

async function stats(view, ctx) {
  ctx.setTitle(t('med.tab.stats'));
  const year = today().slice(0, 4);
  const from = ctx.query.get('from') || `${year}-01-01`;
  const to = ctx.query.get('to') || today();
  const by = ctx.query.get('by') || 'area';
  const form = h('form', { class: 'form form-inline', novalidate: true },
    field({ label: t('med.f.from'), name: 'from', type: 'date', value: from }),
    field({ label: t('med.f.to'), name: 'to', type: 'date', value: to }),
    field({ label: t('med.f.by'), name: 'by', control: selectEl('by',
      ['area', 'committee', 'type', 'source'].map((b) => [b, t(`med.by.${b}`)]), by) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  onSubmit(form, async (fd) => ctx.go('/mediation/stats', { from: fd.get('from'), to: fd.get('to'), by: fd.get('by') }));
  const box = h('div', { 'aria-live': 'polite' }, loading());
  add(view, h('h1', { class: 'page-title' }, t('med.title')), tabs('stats'), form, box);
  const s = await api('GET', '/mediation/stats', { query: { from, to } });
  if (!ctx.isCurrent()) return;
  const pct = (v) => (v === null || v === undefined ? '—' : `${v}%`);
  const label = (r) => (by === 'source' ? t(`med.source.${r.key}`) : by === 'type' && language() === 'en' ? r.name_en : r.name || r.key);
  const cols = [
    { label: t(`med.by.${by}`), cell: label },
    ...['registered', 'not_accepted', 'agreed', 'failed', 'referred', 'ongoing', 'performed', 'overdue']
      .map((k) => ({ label: t(`med.m.${k}`), cell: (r) => formatNumber(r[k]) })),
    { label: t('med.m.success_rate'), cell: (r) => pct(r.success_rate) },
    { label: t('med.m.average_days'), cell: (r) => (r.average_days ?? '—') },
  ];
  const rows = [...s[`by_${by}`], { ...s.totals, key: 'total', name: t('med.total') }];
  const q = queryString({ from, to, by });
  fill(box, h('p', { class: 'muted' }, t('med.period', { from: s.from, to: s.to })),
    dataTable(cols, rows, { caption: t('med.tab.stats') }),
    h('p', null, h('a', { class: 'btn', href: `/api/v1/mediation/stats/export${q}&format=csv`, download: '' }, 'CSV'), ' ',
      h('a', { class: 'btn', href: `/api/v1/mediation/stats/export${q}&format=xlsx`, download: '' }, 'XLSX')));
}
