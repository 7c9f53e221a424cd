// DOM building blocks. Everything on screen is built here with
// createElement/textContent, so nothing the server returns is ever parsed
// as HTML. Also: toasts, the confirmation dialog, form fields with inline
// errors, pagination, loading and empty states.
import { ApiError } from './api.js';
import { t } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
let uid = 0;

/* A unique id for label/input and aria-describedby pairs. */
export function nextId(prefix = 'id') {
  uid += 1;
  return `${prefix}-${uid}`;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.append(c);
    else el.append(document.createTextNode(String(c)));
  }
}

function setAttrs(el, attrs, isSvg) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'class') {
      el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (/^on/i.test(k) || k === 'style' || /html$/i.test(k)) {
      // Event handlers go through `on`, styles through classes, and markup is never parsed.
      throw new Error(`h(): attribute ${k} is not allowed`);
    } else if (!isSvg && (k === 'value' || k === 'checked' || k === 'selected')) {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

/* h('p', {class: 'x'}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs, false);
  append(el, children);
  return el;
}

/* The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs, true);
  append(el, children);
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/* Appends children, skipping null/false (Element.append would print "null"). */
export function add(el, ...children) {
  append(el, children);
  return el;
}

/* Replaces an element's children with these, skipping null/false. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/* Small line icons drawn with SVG paths (no icon font, no files). */
const ICONS = {
  menu: 'M4 7h16M4 12h16M4 17h16',
  close: 'M6 6l12 12M18 6L6 18',
  chevron: 'M9 6l6 6-6 6',
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4',
  phone: 'M6 3h3l2 5-2 1a11 11 0 0 0 6 6l1-2 5 2v3a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z',
  map: 'M3 6l6-3 6 3 6-3v15l-6 3-6-3-6 3zM9 3v15M15 6v15',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
  home: 'M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10',
  tree: 'M12 3v6M12 9H6v5M12 9h6v5M4 14h4v4H4zM16 14h4v4h-4zM10 3h4v4h-4z',
  users: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M16 3a4 4 0 0 1 0 8M18 14a6 6 0 0 1 4 7',
  audit: 'M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7',
  key: 'M14 10a4 4 0 1 0-3 3.9L13 16h2v2h2v2h3v-3l-6-6',
  out: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  building: 'M4 21V5l8-3 8 3v16M2 21h20M9 8h2M13 8h2M9 12h2M13 12h2M10 21v-4h4v4',
  visit: 'M9 3h6v3H9zM7 4.5H5V21h14V4.5h-2M8.5 13l2.5 2.5 4.5-5',
  chart: 'M4 20V11M10 20V4M16 20v-7M21 20H3',
  upload: 'M12 16V4M7 9l5-5 5 5M4 20h16',
  download: 'M12 4v12M7 11l5 5 5-5M4 20h16',
  eye: 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
  plus: 'M12 5v14M5 12h14',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  flag: 'M5 21V4M5 4h11l-2 4 2 4H5',
  pin: 'M12 21s-7-6.5-7-11a7 7 0 0 1 14 0c0 4.5-7 11-7 11zM12 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
  bell: 'M6 17v-6a6 6 0 0 1 12 0v6l2 2H4zM10 21h4',
  list: 'M8 6h13M8 12h13M8 18h13M3 6h1M3 12h1M3 18h1',
  locate: 'M12 3v3M12 18v3M3 12h3M18 12h3M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
};

export function icon(name, cls = 'icon') {
  return s('svg', { class: cls, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: ICONS[name] || '' }));
}

/* ---------- toasts ---------- */

export function toast(message, kind = 'ok') {
  let region = document.getElementById('toasts');
  if (!region) {
    region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const el = h('div', { class: ['toast', `toast-${kind}`] }, message);
  region.append(el);
  setTimeout(() => el.classList.add('toast-leaving'), 3600);
  setTimeout(() => el.remove(), 4000);
}

/* ---------- confirmation dialog ---------- */

/* Resolves true when the user confirms. */
export function confirmDialog({ title, message, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const titleId = nextId('dlg');
    const ok = h('button', { type: 'submit', value: 'ok', class: danger ? 'btn btn-danger' : 'btn btn-primary' },
      confirmLabel || t('common.confirm'));
    const cancel = h('button', { type: 'submit', value: 'cancel', class: 'btn', autofocus: true }, t('common.cancel'));
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('form', { method: 'dialog' },
        h('h2', { id: titleId, class: 'dialog-title' }, title),
        message ? h('p', { class: 'dialog-text' }, message) : null,
        h('div', { class: 'dialog-actions' }, cancel, ok)));
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok');
      dlg.remove();
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

/* ---------- states ---------- */

export function loading() {
  return h('div', { class: 'state state-loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));
}

export function empty(text) {
  return h('div', { class: 'state state-empty' }, text || t('common.empty'));
}

/* Error text for an API error: the translated code, then the server's words. */
export function errorTitle(err) {
  const code = err && err.code ? err.code : 'internal_error';
  return t(`errors.${code}`);
}

// The server explains a failure in English; the common explanations are
// translated here, anything else is shown as the server wrote it.
const KNOWN_MESSAGES = [
  [/the username is taken/, () => t('msg.usernameTaken')],
  [/the current password is wrong/, () => t('msg.currentPasswordWrong')],
  [/password has at (least|most) \d+ characters/, () => t('users.passwordRule')],
  [/password must differ from the username/, () => t('msg.passwordIsUsername')],
  [/username (has|starts|uses)/, () => t('users.usernameHint')],
  [/cannot disable your own account/, () => t('msg.disableSelf')],
  [/a mainland mobile number has 11 digits/, () => t('msg.mobile')],
  [/mainland mobile|landline is written|phone number holds/, () => t('orgs.phoneHint')],
  [/check character does not match/, () => t('msg.idCheck')],
  [/birth date differs from the one in the identity number/, () => t('msg.idBirthDiffers')],
  [/citizen identity number has 18 characters|first 17 characters of a citizen|last character of a citizen/, () => t('msg.idFormat')],
  [/not a province code/, () => t('msg.idProvince')],
  [/birth date inside the identity number/, () => t('msg.idBirthInvalid')],
  [/birth date is in the future/, () => t('msg.birthFuture')],
  [/document number has 4 to 32/, () => t('msg.docNumber')],
  [/identity number is registered already/, () => t('msg.idTaken')],
  [/disability needs its grade/, () => t('msg.disabilityGrade')],
  [/disability needs its type/, () => t('msg.disabilityType')],
  [/this address exists already/, () => t('msg.addressExists')],
  [/another building of the grid has that plate/, () => t('msg.plateExists')],
  [/address has a house record already/, () => t('msg.houseExists')],
  [/may not see (this|the) tag/, () => t('msg.tagForbidden')],
  [/does not carry this tag/, () => t('msg.tagAbsent')],
  [/give household_id or address_id/, () => t('msg.householdOrAddress')],
  [/clear numbers need a reason/, () => t('reg.reasonHint')],
  [/send the file as text\/csv/, () => t('msg.csvOnly')],
  [/a required column is missing/, () => t('msg.columnMissing')],
  [/the column appears twice/, () => t('msg.columnTwice')],
  [/not valid UTF-8/, () => t('msg.notUtf8')],
  [/unified social credit code/, () => t('msg.creditCode')],
  [/no such grid in your area/, () => t('msg.noSuchGrid')],
  [/a date is written YYYY-MM-DD|a birth date is written/, () => t('msg.dateFormat')],
  [/ is too short$/, () => t('msg.tooShort')],
  [/^is required$/, () => t('common.required')],
  [/one of the 56 ethnic groups/, () => t('msg.ethnicity')],
  [/ is required$| must not be empty$/, () => t('common.required')],
  [/ is too long$/, () => t('msg.tooLong')],
  [/linear ring|polygon is a|MultiPolygon is a|must be a Polygon|needs a type|geometry object/, () => t('orgs.boundaryInvalid')],
  [/longitude must lie|coordinates must be numbers|position is \[/, () => t('msg.lonLat')],
  [/already holds this role at this node/, () => t('msg.roleHeld')],
  [/cannot be held at a node of that level/, () => t('msg.roleLevel')],
  [/does not hold the grid_worker role/, () => t('msg.notGridWorker')],
  [/no such node/, () => t('msg.noSuchNode')],
  [/administrator (holds no other role|and can hold no other role)/, () => t('users.adminExclusive')],
  [/cannot change your own roles/, () => t('users.ownRoles')],
  [/administrator accounts are managed/, () => t('users.adminNote')],
  [/already has 999 grids/, () => t('msg.gridsFull')],
  // grid events
  [/this action needs a reason/, () => t('common.required')],
  [/not an active sub-category/, () => t('msg.evCategory')],
  [/give the location: a point/, () => t('msg.evLocation')],
  [/lies in none of the grids where you may report/, () => t('msg.evOutside')],
  [/no such address where you may report/, () => t('msg.evAddress')],
  [/residents report as 'resident'/, () => t('msg.evResidentSource')],
  [/a self-handled event needs what was done/, () => t('msg.evSelf')],
  [/an active handling unit is needed/, () => t('msg.evUnit')],
  [/the person must be a member of the unit/, () => t('msg.evAssignee')],
  [/merge into another open event of the same area/, () => t('msg.evMerge')],
  [/the period for reopening has passed/, () => t('msg.evReopen')],
  [/no postponement has been requested/, () => t('msg.evNoPostponement')],
  [/the county is the highest level/, () => t('msg.evTop')],
  [/only the unit the case is assigned to may do this/, () => t('msg.evNotMember')],
  [/only the reporter may do this/, () => t('msg.evNotReporter')],
  [/your role does not allow (this action|you to see this event)/, () => t('msg.evRole')],
  [/the case is not in a state that allows this/, () => t('msg.evState')],
];

export function localMessage(err) {
  const m = (err && err.message) || '';
  const known = KNOWN_MESSAGES.find(([re]) => re.test(m));
  return known ? known[1]() : m;
}

/* One line: what failed and why, for toasts. */
export function errorText(err) {
  return err && err.message && !err.generic ? `${errorTitle(err)}: ${localMessage(err)}` : errorTitle(err);
}

/* Toasts a failed action; an exception that is not an API answer is also logged as the bug it is. */
export function toastError(err) {
  if (err && err.status === 401) return; // the sign-in page takes over
  if (!(err instanceof ApiError)) console.error(err);
  toast(errorText(err), 'error');
}

export function errorBox(err) {
  const detail = err && err.message && !err.generic ? localMessage(err) : '';
  return h('div', { class: 'alert alert-error', role: 'alert' },
    h('strong', null, errorTitle(err)),
    detail ? h('span', { class: 'alert-detail' }, detail) : null);
}

/* ---------- forms ---------- */

/*
 * A labelled input. opts: label, name, type, value, required, hint,
 * autocomplete, control (an existing control element instead of <input>),
 * attrs (extra input attributes).
 */
export function field(opts) {
  const id = nextId('f');
  const hintId = opts.hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  let control = opts.control;
  if (!control) {
    const tag = opts.type === 'textarea' ? 'textarea' : 'input';
    control = h(tag, {
      type: tag === 'input' ? opts.type || 'text' : null,
      name: opts.name,
      value: opts.value ?? '',
      required: !!opts.required,
      autocomplete: opts.autocomplete || null,
      ...(opts.attrs || {}),
    });
  }
  control.id = id;
  if (opts.name) control.name = opts.name;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  control.dataset.errorId = errId;
  return h('div', { class: ['field', opts.class] },
    h('label', { for: id, class: 'field-label' }, opts.label,
      opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    opts.hint ? h('p', { id: hintId, class: 'field-hint' }, opts.hint) : null,
    h('p', { id: errId, class: 'field-error', hidden: true }));
}

export function selectEl(name, options, value) {
  return h('select', { name },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

/* Removes the inline errors of a form. */
export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
  const box = form.querySelector('.form-error');
  if (box) box.replaceChildren();
}

/* Marks one field of a form as wrong with a message; returns false if absent. */
export function fieldError(form, name, message) {
  const control = name ? form.elements.namedItem(name) : null;
  if (!control || !control.dataset) return false;
  // A field inside a closed panel is opened so the message can be seen.
  const folded = control.closest('details');
  if (folded && !folded.open) folded.open = true;
  control.setAttribute('aria-invalid', 'true');
  const errEl = document.getElementById(control.dataset.errorId);
  if (errEl) {
    errEl.textContent = message;
    errEl.hidden = false;
  }
  control.focus();
  return true;
}

/*
 * Shows an API error on a form: the field the server names is marked with
 * the server's message, and the form's error box says what went wrong.
 * fieldNames maps API field names to the form's control names.
 */
export function showFormError(form, err, fieldNames = {}) {
  clearFormErrors(form);
  const name = err.field ? fieldNames[err.field] || err.field : null;
  const marked = name ? fieldError(form, name, localMessage(err) || errorTitle(err)) : false;
  let box = form.querySelector('.form-error');
  if (!box) {
    box = h('div', { class: 'form-error' });
    form.prepend(box);
  }
  box.replaceChildren(errorBox(marked ? { ...err, message: '' } : err));
}

/*
 * Wires a form's submit: clears errors, disables the submit button while
 * the handler runs, shows an ApiError the handler throws.
 */
export function onSubmit(form, handler, fieldNames) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFormErrors(form);
    const buttons = form.querySelectorAll('button[type="submit"]');
    for (const b of buttons) b.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await handler(new FormData(form), form);
    } catch (err) {
      if (err && err.clientField) {
        fieldError(form, err.clientField, err.message);
      } else {
        if (!(err instanceof ApiError)) console.error(err); // a bug, not an answer: keep it visible
        showFormError(form, err, fieldNames);
      }
    } finally {
      for (const b of buttons) b.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

/* A client-side validation failure shown under one field. */
export function invalid(fieldName, message) {
  const e = new Error(message);
  e.clientField = fieldName;
  return e;
}

/* ---------- pagination ---------- */

export function pager({ total, limit, offset }, go) {
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  const prev = h('button', { type: 'button', class: 'btn', disabled: offset <= 0,
    on: { click: () => go(Math.max(0, offset - limit)) } }, t('common.prev'));
  const next = h('button', { type: 'button', class: 'btn', disabled: offset + limit >= total,
    on: { click: () => go(offset + limit) } }, t('common.next'));
  return h('nav', { class: 'pager', 'aria-label': t('common.pagination') },
    prev, h('span', { class: 'pager-info' }, t('common.range', { from, to, total })), next);
}

/* ---------- tables that become cards on phones ---------- */

/*
 * columns: [{label, cell: (row) => node|string, class}], rows: array.
 * Each cell carries its column label (data-label) for the card layout.
 */
export function dataTable(columns, rows, opts = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: ['table', opts.cards === false ? null : 'table-cards'] },
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', null,
        columns.map((c) => h('td', { class: c.class, dataset: { label: c.label } },
          h('div', { class: 'cell' }, c.cell(r)))))))));
}

/* A definition list of label/value pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' },
    pairs.filter(Boolean).map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v))));
}

export function badge(text, kind = '') {
  return h('span', { class: ['badge', kind ? `badge-${kind}` : null] }, text);
}

export function telLink(phone) {
  if (!phone) return '—';
  return h('a', { href: `tel:${phone.replace(/[^0-9+]/g, '')}`, class: 'tel' }, icon('phone', 'icon icon-sm'), phone);
}

/* A section with a heading. */
export function section(title, ...children) {
  const id = nextId('sec');
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id, class: 'card-title' }, title), ...children);
}

/* A collapsible panel (details/summary) used for forms that are not always needed. */
export function panel(summary, content, open = false) {
  return h('details', { class: 'panel', open },
    h('summary', { class: 'panel-summary' }, summary),
    h('div', { class: 'panel-body' }, content));
}
