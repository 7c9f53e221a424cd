// One resident: every fact with masked numbers; "show full numbers" for
// registry.unmask (a reason, audited, hidden again on leaving); a quick edit
// of changed facts; group tags; move out and back in; the version history.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, onSubmit, invalid, facts, badge, section, panel, loading, empty,
  toast, toastError, confirmDialog, errorBox, telLink, nextId,
} from '../dom.js';
import { t, tOr, formatDateTime } from '../i18n.js';
import { can } from '../session.js';
import {
  label, choices, tagLabel, tagText, statusBadge, today, DISABILITY_TYPES, reasonDialog,
} from '../registry.js';

export async function render(view, ctx) {
  const id = Number(ctx.params[0]);
  add(view, loading());
  const [r, tagList] = await Promise.all([
    api('GET', `/residents/${id}`),
    can('registry.write') ? api('GET', '/registry/tags') : null,
  ]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(r.name);
  const writable = can('registry.write');
  const numbers = numbersBlock(r);
  const historySlot = h('div', null, loading());

  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      h('li', null, h('a', { href: '#/people' }, t('reg.title'))),
      r.household_id ? h('li', null, h('a', { href: `#/people/h/${r.household_id}` }, r.address || t('reg.household')))
        : r.address_id ? h('li', null, h('a', { href: `#/people/a/${r.address_id}` }, r.address || t('reg.address'))) : null,
      h('li', null, h('span', { 'aria-current': 'page' }, r.name)))),
    h('div', { class: 'node-title' },
      h('h1', { class: 'page-title' }, r.name),
      badge(label('residence', r.residence_type), 'role'),
      statusBadge(r.status)),
    numbers.el,
    facts([
      [t('reg.field.gender'), label('gender', r.gender)],
      [t('reg.birthDate'), r.birth_date],
      [t('reg.age'), t('reg.ageYears', { age: r.age })],
      [t('reg.ethnicity'), r.ethnicity || '—'],
      [t('reg.residenceType'), label('residence', r.residence_type)],
      [t('reg.field.employment'), label('employment', r.employment)],
      [t('reg.field.relation'), label('relation', r.relation)],
      [t('reg.household'), r.household_id ? h('a', { href: `#/people/h/${r.household_id}` }, r.address || t('reg.openHousehold')) : '—'],
      [t('levels.grid'), r.grid_name || h('span', { class: 'code' }, r.code)],
      [t('reg.movedInOn'), r.moved_in_on || '—'],
      r.moved_out_on ? [t('reg.movedOutOn'), r.moved_out_on] : null,
      [t('reg.field.status'), label('status', r.status)],
    ]),
    tagsSection(ctx, r, tagList),
    writable ? section(t('reg.changeFacts'),
      panel(t('reg.quickEdit'), quickEditForm(ctx, r)),
      r.status === 'active' ? panel(t('reg.moveOut'), moveOutForm(ctx, r)) : null,
      r.status === 'moved_out' ? panel(t('reg.moveIn'), moveInForm(ctx, r)) : null) : null,
    section(t('reg.history'), historySlot));

  try {
    const hist = await api('GET', `/residents/${id}/history`);
    if (!ctx.isCurrent()) return;
    fill(historySlot, historyView(hist));
  } catch (err) {
    if (err.status === 401) return;
    fill(historySlot, errorBox(err));
  }
}

/* ---------- identity and phone numbers ---------- */

function numbersBlock(r) {
  const idEl = h('span', { class: 'number-value masked' }, r.id_number);
  const phoneEl = h('span', { class: 'number-value masked' }, r.phone || '—');
  const note = h('div', { class: 'reveal-note', 'aria-live': 'polite' });
  const showBtn = h('button', { type: 'button', class: 'btn', on: { click: () => reveal() } },
    icon('eye', 'icon icon-sm'), t('reg.unmask'));
  const hideBtn = h('button', { type: 'button', class: 'btn', hidden: true, on: { click: () => hide() } }, t('reg.hideNumbers'));

  const hide = () => {
    fill(idEl, r.id_number);
    fill(phoneEl, r.phone || '—');
    idEl.classList.add('masked');
    phoneEl.classList.add('masked');
    idEl.classList.remove('clear');
    phoneEl.classList.remove('clear');
    fill(note);
    hideBtn.hidden = true;
    showBtn.hidden = false;
    showBtn.focus();
  };
  const reveal = async () => {
    const reason = await reasonDialog({
      title: t('reg.unmaskTitle'),
      text: t('reg.unmaskText', { name: r.name }),
      confirmLabel: t('reg.unmaskConfirm'),
    });
    if (!reason) return;
    showBtn.disabled = true;
    try {
      const u = await api('POST', `/residents/${r.id}/unmask`, { body: { reason } });
      // Only this page holds the clear numbers; leaving it (or "hide") drops them.
      fill(idEl, u.id_number);
      fill(phoneEl, u.phone ? telLink(u.phone) : '—');
      for (const el of [idEl, phoneEl]) {
        el.classList.remove('masked');
        el.classList.add('clear');
      }
      fill(note, h('div', { class: 'alert alert-info', role: 'status' },
        h('strong', null, t('reg.unmaskedTitle')), h('span', { class: 'alert-detail' }, t('reg.unmaskedNote'))));
      showBtn.hidden = true;
      hideBtn.hidden = false;
    } catch (err) {
      toastError(err);
    } finally {
      showBtn.disabled = false;
    }
  };
  const el = h('section', { class: 'card numbers', 'aria-label': t('reg.numbers') },
    h('dl', { class: 'number-list' },
      h('div', { class: 'number-row' }, h('dt', null, label('idType', r.id_type)), h('dd', null, idEl)),
      h('div', { class: 'number-row' }, h('dt', null, t('reg.phone')), h('dd', null, phoneEl))),
    can('registry.unmask') ? h('div', { class: 'button-row' }, showBtn, hideBtn) : null,
    note);
  return { el };
}

/* ---------- tags ---------- */

function tagsSection(ctx, r, tagList) {
  const writable = can('registry.write');
  const tags = r.tags || [];
  const list = tags.length
    ? h('ul', { class: 'tag-list' }, tags.map((tg) => h('li', { class: 'tag-item' },
      badge(tagText(tg), 'tag'),
      tg.since ? h('span', { class: 'muted small' }, t('reg.since', { date: tg.since })) : null,
      writable ? h('button', {
        type: 'button', class: 'btn btn-danger-quiet btn-small', 'aria-label': t('reg.removeTagOf', { tag: tagLabel(tg.tag) }),
        on: { click: () => removeTag(ctx, r, tg) },
      }, t('reg.removeTag')) : null)))
    : h('p', { class: 'muted' }, t('reg.noTags'));
  return section(t('reg.field.tags'), list,
    writable && tagList ? panel(t('reg.setTag'), tagForm(ctx, r, tagList.items)) : null);
}

async function removeTag(ctx, r, tg) {
  const ok = await confirmDialog({
    title: t('reg.removeTagTitle'),
    message: t('reg.removeTagConfirm', { tag: tagText(tg), name: r.name }),
    confirmLabel: t('reg.removeTag'),
  });
  if (!ok) return;
  try {
    await api('DELETE', `/residents/${r.id}/tags/${encodeURIComponent(tg.tag)}`);
    toast(t('reg.tagRemoved'));
    ctx.reload();
  } catch (err) {
    toastError(err);
  }
}

function tagForm(ctx, r, offered) {
  const tagSelect = selectEl('tag', [['', t('reg.choose')], ...offered.map((o) => [o.tag, tagLabel(o.tag)])], '');
  const attrs = h('div', { class: 'form-grid', hidden: true },
    field({ label: t('reg.disabilityType'), name: 'type',
      control: selectEl('type', [['', t('reg.choose')], ...DISABILITY_TYPES.map((d) => [d, tOr(`reg.disability.${d}`, d)])], '') }),
    field({ label: t('reg.disabilityGrade'), name: 'grade',
      control: selectEl('grade', [['', t('reg.choose')], ...[1, 2, 3, 4].map((g) => [String(g), tOr(`reg.grades.${g}`, String(g))])], '') }));
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('reg.tag'), name: 'tag', control: tagSelect, required: true }),
    attrs,
    field({ label: t('reg.tagSince'), name: 'since', type: 'date', attrs: { max: today() } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.setTag'))));
  const sync = () => {
    const def = offered.find((o) => o.tag === tagSelect.value);
    attrs.hidden = !(def && def.tag === 'disabled');
  };
  tagSelect.addEventListener('change', sync);
  onSubmit(form, async (fd) => {
    const tag = String(fd.get('tag'));
    if (!tag) throw invalid('tag', t('reg.choose'));
    const body = {};
    if (tag === 'disabled') {
      const type = String(fd.get('type'));
      const grade = Number(fd.get('grade'));
      if (!type) throw invalid('type', t('msg.disabilityType'));
      if (!grade) throw invalid('grade', t('msg.disabilityGrade'));
      body.attrs = { type, grade };
    }
    const since = String(fd.get('since') || '');
    if (since) body.since = since;
    await api('PUT', `/residents/${r.id}/tags/${encodeURIComponent(tag)}`, { body });
    toast(t('reg.tagSet', { tag: tagLabel(tag) }));
    ctx.reload();
  }, { attrs: 'type' });
  return form;
}

/* ---------- quick edit ---------- */

const PLAIN = ['name', 'ethnicity', 'residence_type', 'employment', 'relation', 'moved_in_on', 'gender', 'birth_date', 'id_type'];

function quickEditForm(ctx, r) {
  const clearId = nextId('f');
  const form = h('form', { class: 'form', novalidate: true },
    h('p', { class: 'muted small' }, t('reg.quickEditHint')),
    h('div', { class: 'form-grid' },
      field({ label: t('reg.name'), name: 'name', value: r.name, required: true, attrs: { maxlength: '64' } }),
      field({ label: t('reg.phone'), name: 'phone', type: 'tel', hint: t('reg.phoneKeepHint', { masked: r.phone || '—' }),
        attrs: { maxlength: '11', inputmode: 'numeric', autocomplete: 'off', placeholder: r.phone || '' } }),
      field({ label: t('reg.ethnicity'), name: 'ethnicity', value: r.ethnicity || '', attrs: { maxlength: '16' } }),
      field({ label: t('reg.residenceType'), name: 'residence_type', control: selectEl('residence_type', choices('residence'), r.residence_type) }),
      field({ label: t('reg.field.employment'), name: 'employment', control: selectEl('employment', choices('employment', t('reg.notGiven')), r.employment || '') }),
      field({ label: t('reg.field.relation'), name: 'relation', control: selectEl('relation', choices('relation', t('reg.notGiven')), r.relation || '') }),
      field({ label: t('reg.movedInOn'), name: 'moved_in_on', type: 'date', value: r.moved_in_on || '' })),
    r.phone ? h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: clearId, name: 'phone_clear', value: '1' }),
      h('label', { for: clearId }, t('reg.clearPhone'))) : null,
    panel(t('reg.correctIdentity'), h('div', { class: 'form-grid' },
      field({ label: t('reg.field.id_type'), name: 'id_type', control: selectEl('id_type', choices('idType'), r.id_type) }),
      field({ label: t('reg.idNumber'), name: 'id_number', hint: t('reg.idKeepHint', { masked: r.id_number }),
        attrs: { maxlength: '32', autocomplete: 'off', spellcheck: 'false', placeholder: r.id_number } }),
      field({ label: t('reg.field.gender'), name: 'gender', control: selectEl('gender', choices('gender'), r.gender) }),
      field({ label: t('reg.birthDate'), name: 'birth_date', type: 'date', value: r.birth_date }))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
  onSubmit(form, async (fd) => {
    const body = {};
    for (const k of PLAIN) {
      const v = String(fd.get(k) ?? '').trim();
      if (v !== String(r[k] ?? '')) body[k] = v;
    }
    if (body.name === '') throw invalid('name', t('common.required'));
    for (const k of ['employment', 'relation', 'moved_in_on']) if (body[k] === '') delete body[k];
    const phone = String(fd.get('phone') || '').trim();
    if (phone) body.phone = phone;
    else if (fd.get('phone_clear')) body.phone = '';
    const idNumber = String(fd.get('id_number') || '').trim().toUpperCase();
    if (idNumber) body.id_number = idNumber;
    if (!Object.keys(body).length) {
      toast(t('common.noChanges'), 'info');
      return;
    }
    await api('PATCH', `/residents/${r.id}`, { body });
    toast(t('common.saved'));
    ctx.reload();
  });
  return form;
}

/* ---------- moves ---------- */

function moveOutForm(ctx, r) {
  const form = h('form', { class: 'form form-grid', novalidate: true },
    field({ label: t('reg.moveOutOn'), name: 'on', type: 'date', required: true, value: today() }),
    field({ label: t('reg.moveTo'), name: 'to', hint: t('reg.moveToHint'), attrs: { maxlength: '128' } }),
    field({ label: t('reg.moveReason'), name: 'reason', attrs: { maxlength: '200' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('reg.moveOut'))));
  onSubmit(form, async (fd) => {
    const body = { on: String(fd.get('on')) };
    if (!body.on) throw invalid('on', t('common.required'));
    for (const k of ['to', 'reason']) {
      const v = String(fd.get(k)).trim();
      if (v) body[k] = v;
    }
    const ok = await confirmDialog({
      title: t('reg.moveOutTitle'),
      message: t('reg.moveOutConfirm', { name: r.name, date: body.on }),
      confirmLabel: t('reg.moveOut'),
    });
    if (!ok) return;
    await api('POST', `/residents/${r.id}/move-out`, { body });
    toast(t('reg.movedOut', { name: r.name }));
    ctx.reload();
  });
  return form;
}

function moveInForm(ctx, r) {
  const form = h('form', { class: 'form form-grid', novalidate: true },
    h('p', { class: 'muted small form-wide' }, t('reg.moveInHint', { address: r.address || '—' })),
    field({ label: t('reg.moveInOn'), name: 'on', type: 'date', required: true, value: today() }),
    field({ label: t('reg.moveFrom'), name: 'from', attrs: { maxlength: '128' } }),
    field({ label: t('reg.moveReason'), name: 'reason', attrs: { maxlength: '200' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.moveIn'))));
  onSubmit(form, async (fd) => {
    const body = { on: String(fd.get('on')) };
    if (!body.on) throw invalid('on', t('common.required'));
    if (r.household_id) body.household_id = r.household_id;
    else if (r.address_id) body.address_id = r.address_id;
    for (const k of ['from', 'reason']) {
      const v = String(fd.get(k)).trim();
      if (v) body[k] = v;
    }
    await api('POST', `/residents/${r.id}/move-in`, { body });
    toast(t('reg.movedIn', { name: r.name }));
    ctx.reload();
  }, { household_id: 'on', address_id: 'on' });
  return form;
}

/* ---------- history ---------- */

const VALUE_GROUPS = {
  gender: 'gender', relation: 'relation', residence_type: 'residence', employment: 'employment',
  id_type: 'idType', status: 'status',
};

function historyLabel(fieldName) {
  if (fieldName.startsWith('tag.')) return `${t('reg.field.tags')}：${tagLabel(fieldName.slice(4))}`;
  return tOr(`reg.field.${fieldName}`, fieldName);
}

function historyValue(fieldName, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (fieldName.startsWith('tag.')) {
    return tagText({ tag: fieldName.slice(4), attrs: v && typeof v === 'object' ? v : {} });
  }
  if (fieldName === 'household' && Number.isInteger(v)) return h('a', { href: `#/people/h/${v}` }, t('reg.openHousehold'));
  if (fieldName === 'address' && Number.isInteger(v)) return h('a', { href: `#/people/a/${v}` }, t('reg.openAddress'));
  if (VALUE_GROUPS[fieldName]) return label(VALUE_GROUPS[fieldName], v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function historyView(hist) {
  const versions = hist.versions || [];
  const moves = hist.moves || [];
  return [
    moves.length ? h('div', null,
      h('h3', { class: 'sub-title' }, t('reg.moves')),
      h('ul', { class: 'plain-list move-list' }, moves.map((m) => h('li', { class: 'move' },
        badge(m.kind === 'out' ? t('reg.moveKindOut') : t('reg.moveKindIn'), m.kind === 'out' ? 'warn' : 'ok'),
        h('strong', null, m.on),
        m.place ? h('span', null, m.kind === 'out' ? t('reg.movedTo', { place: m.place }) : t('reg.movedFrom', { place: m.place })) : null,
        m.reason ? h('span', { class: 'muted' }, m.reason) : null)))) : null,
    h('h3', { class: 'sub-title' }, t('reg.versions')),
    versions.length ? h('ol', { class: 'history' }, versions.map((v) => h('li', { class: 'version' },
      h('div', { class: 'version-head' },
        h('time', { datetime: v.at }, formatDateTime(v.at)),
        h('span', { class: 'muted' }, v.actor_name || '—')),
      h('dl', { class: 'changes' }, Object.entries(v.changes || {}).map(([k, [before, after]]) => h('div', { class: 'change' },
        h('dt', null, historyLabel(k)),
        h('dd', null,
          before === null || before === undefined ? null : [h('del', null, historyValue(k, before)), h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → ')],
          h('ins', null, historyValue(k, after)))))))))
      : empty(t('reg.noHistory')),
  ];
}
