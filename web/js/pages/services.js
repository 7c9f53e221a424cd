// Refined services: the catalogue (#/services, readable without signing in),
// an item with its conditions, the eligibility check, the application form
// and the time slots to book (#/services/ID), applications (#/applications:
// a handler's scope or one's own) and one application with its actions
// (#/applications/ID), and a resident's bookings (#/bookings).
import { api } from '../api.js';
import {
  h, add, fill, loading, empty, toast, toastError, badge, section, facts, field, selectEl,
  onSubmit, dataTable, pager, invalid,
} from '../dom.js';
import { t, language, formatDateTime, formatNumber } from '../i18n.js';
import * as session from '../session.js';

export const SCENARIOS = ['employment', 'elderly', 'disability', 'medical', 'logistics', 'security', 'mediation', 'psychological', 'government'];
const STATES = ['submitted', 'accepted', 'rejected', 'done', 'evaluated', 'withdrawn'];
const PAGE = 50;

const en = () => language() === 'en';
export const itemName = (it) => (en() ? it.name_en : it.name);
const signedIn = () => !!session.currentUser();

function stateBadge(s) {
  const kind = { submitted: 'warn', accepted: 'info', done: 'ok', evaluated: 'ok', rejected: 'danger', withdrawn: '' }[s];
  return badge(t(`sv.state.${s}`), kind);
}

/* The conditions of an item in words: "aged 80 or over · registered here". */
function rulesText(rules) {
  const parts = [];
  if (rules.min_age != null) parts.push(t('sv.rule.min_age', { n: rules.min_age }));
  if (rules.max_age != null) parts.push(t('sv.rule.max_age', { n: rules.max_age }));
  if (rules.gender) parts.push(t(`sv.rule.gender.${rules.gender}`));
  if (rules.residence) parts.push(t('sv.rule.residence', { list: rules.residence.map((r) => t(`sv.residence.${r}`)).join(' / ') }));
  if (rules.tags_all) parts.push(t('sv.rule.tags_all', { list: rules.tags_all.map(tagName).join(', ') }));
  if (rules.tags_any) parts.push(t('sv.rule.tags_any', { list: rules.tags_any.map(tagName).join(' / ') }));
  if (rules.disability_grade_max != null) parts.push(t('sv.rule.grade', { n: rules.disability_grade_max }));
  return parts.length ? parts.join(' · ') : t('sv.rule.none');
}

function tagName(tag) {
  const key = `reg.tags.${tag}`;
  const s = t(key);
  return s === key ? tag : s;
}

export async function render(view, ctx) {
  const v = ctx.view;
  if (v === 'catalogue') return catalogue(view, ctx);
  if (v === 'item') return item(view, ctx, Number(ctx.params[0]));
  if (v === 'applications') return applications(view, ctx);
  if (v === 'application') return application(view, ctx, Number(ctx.params[0]));
  if (v === 'bookings') return bookings(view, ctx);
  return null;
}

/* ---------- catalogue ---------- */

async function catalogue(view, ctx) {
  ctx.setTitle(t('sv.catalogue'));
  const scenario = ctx.query.get('scenario') || '';
  add(view, loading());
  const res = await api('GET', '/service-items', { query: { scenario } });
  if (!ctx.isCurrent()) return;
  const tab = (s, text) => h('li', null, h('a', {
    href: s ? `#/services?scenario=${s}` : '#/services', class: 'tab', 'aria-current': s === scenario ? 'page' : null,
  }, text));
  fill(view,
    h('h1', { class: 'page-title' }, t('sv.catalogue')),
    h('p', { class: 'muted' }, t('sv.catalogueIntro')),
    h('nav', { class: 'tabs', 'aria-label': t('sv.scenarios') }, h('ul', null,
      tab('', t('sv.allScenarios')), SCENARIOS.map((s) => tab(s, t(`sv.scenario.${s}`))))),
    res.items.length ? h('ul', { class: 'sv-items' }, res.items.map((it) => h('li', { class: 'card sv-item' },
      h('h2', { class: 'card-title' }, h('a', { href: `#/services/${it.id}` }, itemName(it))),
      h('p', null, en() ? it.description_en : it.description),
      h('p', { class: 'muted' }, badge(t(`sv.scenario.${it.scenario}`)), ' ',
        t('sv.limitDays', { n: it.limit_days }), ' · ', t(`sv.level.${it.level}`),
        it.bookable ? [' · ', t('sv.bookable')] : null,
        it.online ? null : [' · ', t('sv.inPerson')]),
      h('p', { class: 'field-hint' }, t('sv.conditions'), ': ', rulesText(it.eligibility)))))
      : empty(t('sv.noItems')));
}

/* ---------- one item: conditions, apply, book ---------- */

async function item(view, ctx, id) {
  add(view, loading());
  const it = await api('GET', `/service-items/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(itemName(it));
  const canApply = signedIn() && session.can('service.apply');
  const staff = canApply && session.can('registry.read');
  const who = { id: Number(ctx.query.get('resident')) || 0, name: '' };
  const parts = [
    h('p', null, h('a', { href: '#/services' }, '← ', t('sv.catalogue'))),
    h('h1', { class: 'page-title' }, itemName(it)),
    h('p', null, en() ? it.description_en : it.description),
    facts([
      [t('sv.scenarioLabel'), t(`sv.scenario.${it.scenario}`)],
      [t('sv.conditions'), rulesText(it.eligibility)],
      [t('sv.materials'), it.materials.length ? h('ul', null, it.materials.map((m) => h('li', null, en() ? m.en : m.zh))) : t('sv.noMaterials')],
      [t('sv.legalBasis'), it.legal_basis || '—'],
      [t('sv.levelLabel'), t(`sv.level.${it.level}`)],
      [t('sv.timeLimit'), t('sv.limitDays', { n: it.limit_days })],
      [t('sv.channel'), it.online ? t('sv.online') : t('sv.inPerson')],
    ]),
  ];
  if (it.scenario === 'psychological') {
    // Asked for in confidence: only a counsellor and a supervisor will read it.
    parts.push(h('p', null, t('sv.psychological')), signedIn() && session.can('counsel.request')
      ? h('a', { href: '#/counselling/ask', class: 'btn btn-primary' }, t('sv.askCounsellor'))
      : h('p', { class: 'muted' }, t('sv.signInToApply')));
  } else if (!signedIn()) {
    parts.push(h('p', { class: 'muted' }, t('sv.signInToApply')));
  } else if (canApply) {
    const slot = h('div');
    const check = h('div', { 'aria-live': 'polite' });
    const applyBox = h('div');
    const runCheck = async () => {
      if (staff && !who.id) { fill(check); fill(slot); fill(applyBox); return; }
      try {
        const rep = await api('GET', `/service-items/${id}/eligibility`, { query: { resident_id: who.id || '' } });
        fill(check, h('p', null, rep.eligible ? badge(t('sv.eligible'), 'ok') : badge(t('sv.notEligible'), 'danger')),
          checkList(rep.checks));
        // The server refuses an application or booking that fails the check: offer neither.
        fill(applyBox, rep.eligible && (it.online || staff) ? section(t('sv.apply'), applyForm(it, who, ctx))
          : rep.eligible ? h('p', { class: 'muted' }, t('sv.applyInPerson'))
            : h('p', { class: 'muted' }, t(staff ? 'sv.notEligibleStaff' : 'sv.notEligibleHint')));
        fill(slot, it.bookable && rep.eligible ? await slotsSection(it, who) : null);
      } catch (err) {
        fill(check, h('p', { class: 'muted' }, err.message));
      }
    };
    if (staff) parts.push(section(t('sv.forWhom'), residentPicker(who, runCheck)));
    parts.push(section(t('sv.eligibility'), check));
    parts.push(applyBox, slot);
    fill(view, ...parts);
    await runCheck();
    return;
  }
  fill(view, ...parts);
}

/* The checks of an eligibility report, each with what the registry holds. */
function checkList(checks) {
  const have = (c) => {
    if (c.have == null || c.rule === 'active') return '';
    if (c.rule === 'residence') return ` (${t(`sv.residence.${c.have}`)})`;
    if (c.rule === 'gender') return ` (${t(`sv.rule.gender.${c.have}`)})`;
    if (c.rule === 'min_age' || c.rule === 'max_age') return ` (${t('sv.ageIs', { n: c.have })})`;
    return ` (${c.have})`;
  };
  return h('ul', { class: 'sv-checks' }, checks.map((c) => h('li', { class: c.ok ? 'is-ok' : 'is-failed' },
    h('span', { 'aria-hidden': 'true' }, c.ok ? '✓ ' : '✗ '),
    h('span', { class: 'sr-only' }, c.ok ? t('sv.met') : t('sv.unmet')),
    t(`sv.check.${c.rule}`), have(c))));
}

/* Staff pick the resident by name (their registry scope). */
function residentPicker(who, changed) {
  const results = h('ul', { class: 'sv-picks' });
  const chosen = h('p', { class: 'muted', 'aria-live': 'polite' }, who.id ? `#${who.id}` : t('sv.noResident'));
  const input = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (!q) { fill(results); return; }
      const page = await api('GET', '/residents', { query: { q, limit: 8 } });
      fill(results, page.items.map((r) => h('li', null, h('button', {
        type: 'button', class: 'btn btn-small',
        on: { click: () => { who.id = r.id; who.name = r.name; fill(chosen, `${r.name} · ${r.birth_date || ''}`); fill(results); changed(); } },
      }, `${r.name} (${r.birth_date || ''})`))));
    }, 250);
  });
  return h('div', null, field({ label: t('sv.searchResident'), control: input, hint: t('sv.searchHint') }), results, chosen);
}

function applyForm(it, who, ctx) {
  const files = h('input', { type: 'file', name: 'files', multiple: true, accept: 'application/pdf,image/jpeg,image/png' });
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('sv.details'), name: 'details', type: 'textarea', hint: t('sv.detailsHint') }),
    field({ label: t('sv.attach'), control: files, hint: t('sv.attachHint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('sv.submit'))));
  return onSubmit(form, async (data) => {
    if (session.can('registry.read') && !who.id) throw invalid('q', t('sv.pickResident'));
    const app = await api('POST', '/applications', {
      body: { item_id: it.id, resident_id: who.id || undefined, details: data.get('details') || undefined },
    });
    for (const f of files.files) {
      await api('POST', `/applications/${app.id}/materials`, { query: { name: f.name.slice(0, 100) }, raw: { data: f, type: f.type || 'application/octet-stream' } });
    }
    toast(t('sv.submitted'));
    ctx.go(`/applications/${app.id}`);
  }, { resident_id: 'q', eligibility: 'details' });
}

async function slotsSection(it, who) {
  const res = await api('GET', '/slots', { query: { item_id: it.id, resident_id: who.id || '' } });
  return section(t('sv.slots'), res.items.length ? dataTable([
    { label: t('sv.when'), cell: (s) => `${formatDateTime(s.starts_at)} – ${formatDateTime(s.ends_at).slice(-5)}` },
    { label: t('sv.provider'), cell: (s) => s.provider.name },
    { label: t('sv.place'), cell: (s) => s.place || '—' },
    { label: t('sv.free'), cell: (s) => `${formatNumber(s.free)} / ${formatNumber(s.capacity)}` },
    {
      label: '', cell: (s) => h('button', {
        type: 'button', class: 'btn btn-small', disabled: s.free <= 0,
        on: {
          click: async (ev) => {
            ev.currentTarget.disabled = true;
            try {
              await api('POST', '/bookings', { body: { slot_id: s.id, resident_id: who.id || undefined } });
              toast(t('sv.booked'));
              location.hash = '#/bookings' + (who.id ? `?resident=${who.id}` : '');
            } catch (err) { toastError(err); ev.currentTarget.disabled = false; }
          },
        },
      }, s.free > 0 ? t('sv.book') : t('sv.full')),
    },
  ], res.items) : empty(t('sv.noSlots')));
}

/* ---------- applications ---------- */

async function applications(view, ctx) {
  ctx.setTitle(t('sv.applications'));
  const state = ctx.query.get('state') || '';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  add(view, loading());
  const page = await api('GET', '/applications', { query: { state, limit: PAGE, offset } });
  if (!ctx.isCurrent()) return;
  const handler = session.can('service.handle');
  const filter = selectEl('state', [['', t('sv.allStates')], ...STATES.map((s) => [s, t(`sv.state.${s}`)])], state);
  filter.addEventListener('change', () => ctx.go('/applications', { state: filter.value }));
  fill(view,
    h('h1', { class: 'page-title' }, handler ? t('sv.applications') : t('sv.myApplications')),
    h('div', { class: 'toolbar' }, field({ label: t('sv.stateLabel'), control: filter }),
      h('a', { href: '#/services', class: 'btn' }, t('sv.catalogue'))),
    h('p', { class: 'muted' }, t('sv.count', { total: formatNumber(page.total) })),
    page.items.length ? dataTable([
      { label: '#', cell: (a) => h('a', { href: `#/applications/${a.id}` }, String(a.id)) },
      { label: t('sv.item'), cell: (a) => h('a', { href: `#/applications/${a.id}` }, en() ? a.item.name_en : a.item.name) },
      { label: t('sv.resident'), cell: (a) => a.resident.name },
      { label: t('sv.stateLabel'), cell: (a) => [stateBadge(a.state), a.deadline !== 'ok' && a.due_at ? [' ', badge(t(`sv.deadline.${a.deadline}`), a.deadline === 'overdue' ? 'danger' : 'warn')] : null] },
      { label: t('sv.submittedAt'), cell: (a) => formatDateTime(a.created_at) },
      { label: t('sv.due'), cell: (a) => (a.due_at ? formatDateTime(a.due_at) : '—') },
    ], page.items) : empty(t('sv.noApplications')),
    pager(page, (o) => ctx.go('/applications', { state, offset: o })));
}

async function application(view, ctx, id) {
  add(view, loading());
  const a = await api('GET', `/applications/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('sv.application')} #${a.id}`);
  const me = session.currentUser();
  const handler = session.can('service.handle');
  const open = a.state === 'submitted' || a.state === 'accepted';
  const act = async (action, body) => {
    await api('POST', `/applications/${a.id}/${action}`, { body });
    toast(t(`sv.done.${action}`));
    ctx.reload();
  };
  const actionForm = (action, fields, label, build) => {
    const form = h('form', { class: 'form' }, ...fields, h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, label)));
    return onSubmit(form, async (data) => act(action, build(data)));
  };
  const actions = [];
  if (handler && a.state === 'submitted') {
    actions.push(h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => act('accept', {}).catch(toastError) } }, t('sv.act.accept')));
  }
  if (handler && open) {
    actions.push(panelForm(t('sv.act.reject'), actionForm('reject', [field({ label: t('sv.reason'), name: 'reason', type: 'textarea', required: true })],
      t('sv.act.reject'), (d) => ({ reason: d.get('reason') }))));
  }
  if (handler && a.state === 'accepted') {
    actions.push(panelForm(t('sv.act.conclude'), actionForm('conclude', [
      field({ label: t('sv.outcome'), control: selectEl('outcome', [['granted', t('sv.outcomes.granted')], ['refused', t('sv.outcomes.refused')]], 'granted') }),
      field({ label: t('sv.result'), name: 'reason', type: 'textarea', required: true, hint: t('sv.resultHint') }),
    ], t('sv.act.conclude'), (d) => ({ outcome: d.get('outcome'), reason: d.get('reason') }))));
  }
  const applicant = a.submitted_by === me.display_name || !handler;
  if (applicant && a.state === 'done') {
    actions.push(section(t('sv.act.evaluate'), actionForm('evaluate', [
      field({ label: t('sv.rating'), control: selectEl('rating', [5, 4, 3, 2, 1].map((n) => [String(n), t(`sv.stars.${n}`)]), '5') }),
      field({ label: t('sv.comment'), name: 'comment', type: 'textarea' }),
    ], t('sv.act.evaluate'), (d) => ({ rating: Number(d.get('rating')), comment: d.get('comment') || undefined }))));
  }
  if (applicant && open && !handler) {
    actions.push(h('button', { type: 'button', class: 'btn', on: { click: () => act('withdraw', {}).catch(toastError) } }, t('sv.act.withdraw')));
  }
  fill(view,
    h('p', null, h('a', { href: '#/applications' }, '← ', handler ? t('sv.applications') : t('sv.myApplications'))),
    h('h1', { class: 'page-title' }, `${en() ? a.item.name_en : a.item.name} #${a.id}`),
    h('p', null, stateBadge(a.state), a.due_at ? [' ', t('sv.dueBy', { at: formatDateTime(a.due_at) }), a.deadline !== 'ok' ? [' ', badge(t(`sv.deadline.${a.deadline}`), a.deadline === 'overdue' ? 'danger' : 'warn')] : null] : null),
    facts([
      [t('sv.resident'), a.resident.name],
      [t('sv.channel'), t(`sv.channels.${a.channel}`)],
      [t('sv.submittedBy'), a.submitted_by || '—'],
      [t('sv.submittedAt'), formatDateTime(a.created_at)],
      [t('sv.timeLimit'), t('sv.limitDays', { n: a.item.limit_days })],
      [t('sv.details'), a.details || '—'],
      a.outcome ? [t('sv.outcome'), t(`sv.outcomes.${a.outcome}`)] : null,
      a.result ? [t('sv.result'), a.result] : null,
      a.rating ? [t('sv.rating'), t(`sv.stars.${a.rating}`) + (a.comment ? ` — ${a.comment}` : '')] : null,
    ]),
    actions.length ? section(t('sv.actions'), h('div', { class: 'sv-actions' }, actions)) : null,
    section(t('sv.eligibility'), checkList(a.eligibility?.checks || [])),
    materialsSection(a, ctx, open),
    section(t('sv.timeline'), h('ol', { class: 'timeline' }, a.timeline.map((e) => h('li', null,
      h('strong', null, t(`sv.tl.${e.action}`) === `sv.tl.${e.action}` ? e.action : t(`sv.tl.${e.action}`)), ' · ',
      e.actor_display || e.actor_name || '—', ' · ', formatDateTime(e.at), e.note ? h('p', null, e.note) : null)))));
}

function panelForm(summary, form) {
  return h('details', { class: 'panel' }, h('summary', { class: 'panel-summary' }, summary), h('div', { class: 'panel-body' }, form));
}

function materialsSection(a, ctx, open) {
  const input = h('input', { type: 'file', name: 'file', accept: 'application/pdf,image/jpeg,image/png' });
  const form = open ? onSubmit(h('form', { class: 'form form-inline' }, field({ label: t('sv.addMaterial'), control: input }),
    h('button', { type: 'submit', class: 'btn' }, t('sv.upload'))), async () => {
    const f = input.files[0];
    if (!f) throw invalid('file', t('sv.chooseFile'));
    await api('POST', `/applications/${a.id}/materials`, { query: { name: f.name.slice(0, 100) }, raw: { data: f, type: f.type || 'application/octet-stream' } });
    toast(t('sv.uploaded'));
    ctx.reload();
  }) : null;
  return section(t('sv.materials'),
    a.materials.length ? h('ul', null, a.materials.map((m) => h('li', null,
      h('a', { href: `/api/v1/applications/${a.id}/materials/${m.id}`, target: '_blank', rel: 'noopener' }, m.name),
      ` · ${formatNumber(Math.ceil(m.bytes / 1024))} KB`))) : empty(t('sv.noMaterialsYet')),
    form);
}

/* ---------- bookings ---------- */

async function bookings(view, ctx) {
  ctx.setTitle(t('sv.bookings'));
  const resident = Number(ctx.query.get('resident')) || 0;
  add(view, loading());
  const res = await api('GET', '/bookings', { query: { resident_id: resident || '' } });
  if (!ctx.isCurrent()) return;
  fill(view,
    h('h1', { class: 'page-title' }, t('sv.bookings')),
    res.items.length ? dataTable([
      { label: t('sv.item'), cell: (b) => (en() ? b.item.name_en : b.item.name) },
      { label: t('sv.when'), cell: (b) => formatDateTime(b.starts_at) },
      { label: t('sv.provider'), cell: (b) => [b.provider.name, b.provider.phone ? ` · ${b.provider.phone}` : ''] },
      { label: t('sv.place'), cell: (b) => b.place || '—' },
      { label: t('sv.stateLabel'), cell: (b) => badge(t(`sv.booking.${b.status}`), b.status === 'booked' ? 'info' : '') },
      {
        label: '', cell: (b) => (b.status === 'booked' ? h('button', {
          type: 'button', class: 'btn btn-small',
          on: { click: async () => { try { await api('POST', `/bookings/${b.id}/cancel`); toast(t('sv.cancelled')); ctx.reload(); } catch (err) { toastError(err); } } },
        }, t('sv.cancelBooking')) : ''),
      },
    ], res.items) : empty(t('sv.noBookings')));
}
