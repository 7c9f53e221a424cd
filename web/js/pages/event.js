// One event (#/events/{id}): its facts, the actions the signed-in user may
// take in its state (each a small form whose errors show at their field),
// and its full timeline in order. What may be offered follows the case
// engine's rules (src/events/events.c): the state, the user's permissions,
// membership of the unit it is assigned to, and being its reporter; the
// server still decides, and its refusal is shown on the form.
import { api } from '../api.js';
import {
  h, add, fill, field, selectEl, onSubmit, invalid, facts, section, panel, nextId, loading, toast, icon,
  errorText,
} from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { can, currentUser } from '../session.js';
import {
  categories, categoryPath, units as loadUnits, unitName, stateLabel, sourceLabel, stageLabel, actionLabel,
  stateBadge, deadlineBadge, eventHref,
} from '../events.js';

const REASON_MAX = 500;

export async function render(view, ctx) {
  add(view, loading());
  const id = Number(ctx.params[0]);
  const [ev, cat, unitList] = await Promise.all([
    api('GET', `/events/${id}`),
    categories(),
    loadUnits(true).catch((err) => {
      if (err.status === 401) throw err;
      return [];
    }),
  ]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`#${ev.id} ${ev.title}`);
  const staffView = ev.reporter_id !== undefined; // the reporter's own view leaves out staff names
  const unit = unitList.find((u) => u.id === ev.unit_id) || null;
  const actions = allowedActions(ev, unit, staffView);
  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      can('event.read') ? h('li', null, h('a', { href: '#/events' }, t('ev.board'))) : null,
      !can('event.read') && can('event.report') ? h('li', null, h('a', { href: '#/events/mine' }, t('ev.mine'))) : null,
      h('li', null, h('span', { 'aria-current': 'page' }, `#${ev.id}`)))),
    h('h1', { class: 'page-title ev-title' }, ev.title),
    h('div', { class: 'badges ev-badges' },
      stateBadge(ev.state),
      deadlineBadge(ev),
      ev.reworks ? h('span', { class: 'badge badge-warn' }, t('ev.reworks', { count: ev.reworks })) : null,
      ev.returns ? h('span', { class: 'badge badge-warn' }, t('ev.returns', { count: ev.returns })) : null,
      ev.postponement ? h('span', { class: 'badge badge-warn' }, t('ev.postponePending')) : null),
    eventFacts(ev, cat, unit),
    section(t('ev.description'), h('p', { class: 'ev-text' }, ev.description),
      ev.feedback ? h('div', { class: 'ev-feedback' }, h('h3', { class: 'sub-title' }, t('ev.feedback')), h('p', { class: 'ev-text' }, ev.feedback)) : null),
    photoSection(ctx, ev, unit, staffView),
    actions.length ? section(t('ev.actions'), h('p', { class: 'muted small' }, t('ev.actionsHint')),
      // The first action is what usually comes next: open; the others fold away.
      actions.map((a, i) => panel(actionLabel(a), actionForm(ctx, ev, a, { cat, units: unitList }), i === 0)))
      : null,
    section(t('ev.timeline'), timeline(ev, unitList)));
}

/* ---------- photos ---------- */

/* The stage a new photo belongs to for this user: the handling for the
 * unit's members, the site check for verifiers of a handled case, else the
 * report.  The server decides whether it may be added. */
function photoStage(ev, unit) {
  if (can('event.handle') && unit && unit.member && ['accepted', 'handled'].includes(ev.state)) return 'handle';
  if (can('event.verify') && ev.state === 'handled') return 'verify';
  return 'report';
}

function photoSection(ctx, ev, unit, staffView) {
  const photos = ev.photos || [];
  const open = !['closed', 'cancelled', 'merged'].includes(ev.state);
  const input = h('input', { type: 'file', id: 'ev-photo', accept: 'image/jpeg,image/png', class: 'sr-only' });
  const status = h('p', { class: 'muted small', role: 'status' });
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    status.textContent = t('ev.photoUploading');
    try {
      await api('POST', `/events/${ev.id}/photos`, {
        query: { stage: photoStage(ev, unit) }, raw: { data: file, type: file.type || 'application/octet-stream' },
      });
      toast(t('ev.photoAdded'));
      ctx.reload();
    } catch (err) {
      if (err.status === 401) throw err;
      status.textContent = err.status === 415 ? t('ev.photoNotImage') : err.status === 413 ? t('ev.photoTooLarge')
        : errorText(err);
      input.value = '';
    }
  });
  return section(t('ev.photos'),
    photos.length ? h('ul', { class: 'ev-photos' }, photos.map((p) => h('li', null,
      h('a', { href: p.url, target: '_blank', rel: 'noopener' },
        h('img', { src: p.url, alt: t('ev.photoAlt', { stage: t(`ev.photoStage.${p.stage}`) }), loading: 'lazy' })),
      h('span', { class: 'muted small' }, t(`ev.photoStage.${p.stage}`)))))
      : h('p', { class: 'muted' }, t('ev.noPhotos')),
    open && (staffView || ev.state === 'reported' || ev.state === 'registered') && photos.length < 9
      ? h('div', { class: 'form-actions' },
        h('label', { for: 'ev-photo', class: 'btn' }, icon('plus', 'icon icon-sm'), t('ev.addPhoto')), input)
      : null,
    status);
}

/* ---------- facts ---------- */

function eventFacts(ev, cat, unit) {
  const place = [ev.grid_name || ev.code];
  if (Number.isFinite(ev.lat) && Number.isFinite(ev.lon)) place.push(h('span', { class: 'muted small block mono' }, `${ev.lat}, ${ev.lon}`));
  if (ev.address_id && can('registry.read')) place.push(h('a', { href: `#/people/a/${ev.address_id}`, class: 'block' }, t('ev.openAddress')));
  return facts([
    [t('ev.field.id'), h('span', { class: 'mono' }, `#${ev.id}`)],
    [t('ev.field.category'), categoryPath(cat, ev.category, ev.category_name)],
    [t('ev.field.source'), sourceLabel(ev.source)],
    [t('ev.field.grid'), place],
    [t('ev.field.reported'), formatDateTime(ev.reported_at)],
    ev.stage ? [t('ev.field.stage'), stageLabel(ev.stage)] : null,
    ev.due_at ? [t('ev.field.due'), formatDateTime(ev.due_at)] : null,
    ev.unit_id ? [t('ev.field.unit'), unit ? unitName(unit) : ev.unit_name] : null,
    ev.assignee_name ? [t('ev.field.assignee'), ev.assignee_name] : null,
    ev.level_code && ev.level_code.length <= 6 ? [t('ev.field.level'), t('ev.escalated')] : null,
    ev.closed_at ? [t('ev.field.closed'), formatDateTime(ev.closed_at)] : null,
    ev.score ? [t('ev.field.score'), h('span', null, h('span', { class: 'stars', 'aria-hidden': 'true' }, '★'.repeat(ev.score) + '☆'.repeat(5 - ev.score)),
      ` ${t('ev.scoreOf', { score: ev.score })}`, ev.score_comment ? h('span', { class: 'muted block' }, ev.score_comment) : null)] : null,
    ev.merged_into ? [t('ev.field.mergedInto'), h('a', { href: eventHref(ev.merged_into) }, `#${ev.merged_into}`)] : null,
    ev.postponement ? [t('ev.field.postponement'), postponementText(ev.postponement)] : null,
  ]);
}

function postponementText(p) {
  const amount = p.days ? t('ev.moreDays', { n: p.days }) : t('ev.moreHours', { n: p.hours });
  return p.reason ? `${amount} · ${p.reason}` : amount;
}

/* ---------- timeline ---------- */

function timeline(ev, unitList) {
  return h('ol', { class: 'timeline' }, ev.timeline.map((s) => {
    const detail = detailText(s.detail, ev, unitList);
    return h('li', { class: 'tl-item' },
      h('div', { class: 'tl-head' },
        h('strong', { class: 'tl-action' }, actionLabel(s.action)),
        h('time', { datetime: s.at, class: 'muted small' }, formatDateTime(s.at)),
        s.actor_name ? h('span', { class: 'tl-actor' }, s.actor_display || s.actor_name) : null),
      h('div', { class: 'tl-move small' },
        s.from_state && s.from_state !== s.to_state
          ? [stateLabel(s.from_state), h('span', { 'aria-hidden': 'true' }, ' → '), h('span', { class: 'sr-only' }, ` ${t('ev.to')} `), stateLabel(s.to_state)]
          : stateLabel(s.to_state)),
      s.note ? h('p', { class: 'tl-note' }, s.note) : null,
      detail.length ? h('p', { class: 'tl-detail muted small' }, detail.join(t('common.listSep'))) : null);
  }));
}

/* The inputs an action carried, in words. */
function detailText(d, ev, unitList) {
  if (!d) return [];
  const out = [];
  if (d.unit_id) {
    const u = unitList.find((x) => x.id === d.unit_id);
    out.push(t('ev.detail.unit', { name: u ? unitName(u) : `#${d.unit_id}` }));
  }
  if (d.assignee_id && d.assignee_id === ev.assignee_id && ev.assignee_name) out.push(t('ev.detail.assignee', { name: ev.assignee_name }));
  if (d.passed === true) out.push(t('ev.detail.passed'));
  if (d.passed === false) out.push(t('ev.detail.failed'));
  if (d.approve === true) out.push(t('ev.detail.approved'));
  if (d.approve === false) out.push(t('ev.detail.refused'));
  if (d.score) out.push(t('ev.scoreOf', { score: d.score }));
  if (d.days) out.push(t('ev.moreDays', { n: d.days }));
  if (d.hours) out.push(t('ev.moreHours', { n: d.hours }));
  if (d.into) out.push(t('ev.detail.into', { id: d.into }));
  return out;
}

/* ---------- which actions ---------- */

/*
 * The actions offered, in the order they usually come. Mirrors the
 * transitions of src/events/events.c: state, permission, unit membership
 * (unit.member from /handling-units) and being the reporter.
 */
export function allowedActions(ev, unit, staffView) {
  const me = currentUser();
  const s = ev.state;
  const dispatch = can('event.dispatch');
  const member = can('event.handle') && !!unit && unit.member;
  const reporter = staffView ? ev.reporter_id === me.id : can('event.report');
  const early = s === 'reported' || s === 'registered';
  const working = s === 'dispatched' || s === 'accepted';
  const list = [];
  if (dispatch && s === 'reported') list.push('register');
  if (dispatch && s === 'registered') list.push('dispatch');
  if (member && s === 'dispatched') list.push('accept');
  if (member && s === 'accepted') list.push('handle');
  if (can('event.verify') && s === 'handled') list.push('verify');
  if (dispatch && working && ev.postponement) list.push('decide_postponement');
  if (member && working && !ev.postponement) list.push('postpone');
  if (member && working) list.push('return');
  if (reporter && can('event.report') && s === 'closed' && ev.score == null) list.push('evaluate');
  if (dispatch && early && ev.level_code && ev.level_code.length > 6) list.push('escalate');
  if (dispatch && early) list.push('merge');
  if (dispatch && (s === 'registered' || working)) list.push('park');
  if (dispatch && s === 'parked') list.push('resume');
  if (dispatch && early) list.push('cancel');
  if (dispatch && s === 'closed') list.push('reopen');
  return list;
}

/* ---------- one form per action ---------- */

function reasonField(label, required, hint) {
  return field({ label, name: 'reason', type: 'textarea', required, hint,
    attrs: { rows: '3', maxlength: String(REASON_MAX) } });
}

/*
 * A required group of radio buttons named name; choices [[value, label]].
 * The fieldset is named name_group so that an error can be shown at it
 * (fieldError finds controls by name; a radio group has no single one).
 */
function radios(name, legend, choices) {
  const errId = nextId('err');
  return h('fieldset', { class: 'picker radio-group', name: `${name}_group`, tabindex: '-1', dataset: { errorId: errId },
    'aria-describedby': errId },
  h('legend', null, legend, h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
  h('div', { class: 'seg' }, choices.map(([v, text]) => {
    const id = nextId('r');
    return h('span', { class: 'seg-item' },
      h('input', { type: 'radio', name, id, value: v }),
      h('label', { for: id }, text));
  })),
  h('p', { id: errId, class: 'field-error', hidden: true }));
}

const DANGER = new Set(['cancel', 'return', 'park']);
const NEEDS_REASON = new Set(['cancel', 'return', 'escalate', 'park', 'reopen', 'postpone']);

function actionForm(ctx, ev, action, env) {
  const fields = [];
  const extra = { read: () => ({}) };
  switch (action) {
    case 'dispatch':
      fields.push(...dispatchFields(ev, env, extra));
      break;
    case 'handle':
      fields.push(field({ label: t('ev.feedback'), name: 'feedback', type: 'textarea', required: true,
        hint: t('ev.feedbackHint'), attrs: { rows: '4', maxlength: '2000' } }));
      break;
    case 'verify':
      fields.push(radios('passed', t('ev.verifyResult'), [['true', t('ev.verifyPassed')], ['false', t('ev.verifyFailed')]]),
        reasonField(t('ev.verifyNote'), false, t('ev.verifyNoteHint')));
      break;
    case 'evaluate':
      fields.push(radios('score', t('ev.score'), [1, 2, 3, 4, 5].map((n) => [String(n), t(`ev.scores.${n}`)])),
        field({ label: t('ev.scoreComment'), name: 'comment', type: 'textarea', attrs: { rows: '2', maxlength: String(REASON_MAX) } }));
      break;
    case 'postpone':
      fields.push(h('div', { class: 'age-pair' },
        field({ label: t('ev.postponeAmount'), name: 'amount', type: 'number', required: true, attrs: { min: '1', max: '60', inputmode: 'numeric' } }),
        field({ label: t('ev.postponeUnit'), name: 'unit', control: selectEl('unit', [['days', t('ev.workingDays')], ['hours', t('ev.workingHours')]], 'days') })),
      reasonField(t('ev.reason'), true));
      break;
    case 'decide_postponement':
      fields.push(h('p', null, t('ev.postponeAsked', { what: postponementText(ev.postponement) })),
        radios('approve', t('ev.decision'), [['true', t('ev.approve')], ['false', t('ev.refuse')]]),
        reasonField(t('ev.reason'), false));
      break;
    case 'merge':
      fields.push(field({ label: t('ev.mergeInto'), name: 'into', type: 'number', required: true, hint: t('ev.mergeIntoHint'),
        attrs: { min: '1', inputmode: 'numeric' } }), reasonField(t('ev.reason'), false));
      break;
    default:
      fields.push(reasonField(NEEDS_REASON.has(action) ? t('ev.reason') : t('ev.note'), NEEDS_REASON.has(action),
        t(`ev.hint.${action}`)));
  }
  const form = h('form', { class: 'form action-form', novalidate: true, dataset: { action } },
    h('p', { class: 'muted small' }, t(`ev.explain.${action}`)),
    ...fields,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: DANGER.has(action) ? 'btn btn-danger' : 'btn btn-primary' }, actionLabel(action))));
  onSubmit(form, async (fd) => {
    const body = readBody(action, fd, extra);
    await api('POST', `/events/${ev.id}/${action}`, { body });
    toast(t('ev.done', { action: actionLabel(action) }));
    ctx.reload();
  }, { days: 'amount', hours: 'amount', passed: 'passed_group', score: 'score_group', approve: 'approve_group' });
  return form;
}

/* The body of an action from its form, checked as the server would. */
function readBody(action, fd, extra) {
  const text = (k) => String(fd.get(k) || '').trim();
  const body = { ...extra.read() };
  const reason = text('reason');
  if (NEEDS_REASON.has(action) && !reason) throw invalid('reason', t('common.required'));
  if (reason) body.reason = reason;
  if (action === 'handle') {
    body.feedback = text('feedback');
    if (!body.feedback) throw invalid('feedback', t('common.required'));
  } else if (action === 'verify') {
    if (!fd.get('passed')) throw invalid('passed_group', t('ev.chooseOne'));
    body.passed = fd.get('passed') === 'true';
  } else if (action === 'evaluate') {
    if (!fd.get('score')) throw invalid('score_group', t('ev.chooseOne'));
    body.score = Number(fd.get('score'));
    if (text('comment')) body.comment = text('comment');
  } else if (action === 'postpone') {
    const n = Number(text('amount'));
    const unit = text('unit') === 'hours' ? 'hours' : 'days';
    const max = unit === 'hours' ? 80 : 60;
    if (!Number.isInteger(n) || n < 1 || n > max) throw invalid('amount', t('ev.postponeRange', { max }));
    body[unit] = n;
  } else if (action === 'decide_postponement') {
    if (!fd.get('approve')) throw invalid('approve_group', t('ev.chooseOne'));
    body.approve = fd.get('approve') === 'true';
  } else if (action === 'merge') {
    const into = Number(text('into'));
    if (!Number.isInteger(into) || into < 1) throw invalid('into', t('ev.mergeIntoHint'));
    body.into = into;
  }
  return body;
}

/*
 * The unit (default: the category's) and the person in it: the members
 * come from /handling-units/{id}/members when the unit is chosen.
 */
function dispatchFields(ev, env, extra) {
  const active = env.units.filter((u) => u.active);
  const c = env.cat.byCode.get(ev.category);
  const def = c && c.unit_id && active.some((u) => u.id === c.unit_id) ? String(c.unit_id) : '';
  const kinds = ['department', 'town', 'community', 'property', 'other'];
  const unitSelect = h('select', { name: 'unit_id', required: true },
    h('option', { value: '' }, t('ev.chooseUnit')),
    kinds.map((k) => {
      const of = active.filter((u) => u.kind === k);
      return of.length ? h('optgroup', { label: t(`ev.unitKind.${k}`) },
        of.map((u) => h('option', { value: String(u.id), selected: String(u.id) === def }, unitName(u)))) : null;
    }));
  const personSelect = h('select', { name: 'assignee_id' }, h('option', { value: '' }, t('ev.wholeUnit')));
  const personStatus = h('p', { class: 'muted small', 'aria-live': 'polite' });
  let seq = 0;
  const loadPeople = async () => {
    const mine = ++seq;
    fill(personSelect, h('option', { value: '' }, t('ev.wholeUnit')));
    personStatus.textContent = '';
    if (!unitSelect.value) return;
    try {
      const res = await api('GET', `/handling-units/${unitSelect.value}/members`);
      if (mine !== seq) return;
      for (const m of res.items) personSelect.append(h('option', { value: String(m.user_id) }, m.display_name));
      if (!res.items.length) personStatus.textContent = t('ev.noMembers');
    } catch (err) {
      if (mine === seq) personStatus.textContent = t('ev.membersUnavailable');
    }
  };
  unitSelect.addEventListener('change', loadPeople);
  if (def) loadPeople();
  extra.read = () => {
    if (!unitSelect.value) throw invalid('unit_id', t('ev.chooseUnit'));
    const body = { unit_id: Number(unitSelect.value) };
    if (personSelect.value) body.assignee_id = Number(personSelect.value);
    return body;
  };
  return [
    field({ label: t('ev.field.unit'), name: 'unit_id', control: unitSelect, required: true,
      hint: def ? t('ev.defaultUnit') : null }),
    field({ label: t('ev.field.assignee'), name: 'assignee_id', control: personSelect, hint: t('ev.assigneeHint') }),
    personStatus,
    reasonField(t('ev.instructions'), false),
  ];
}
