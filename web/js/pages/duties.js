// Duty lists and the certificate desk. Published lists and the list of
// certificates committees do not issue are public (no sign-in); drafts are
// edited by duty.publish in scope; the desk (certificate.issue) issues from
// templates and shows a refusal with where the resident goes instead.
import { api } from '../api.js';
import {
  h, add, fill, field, selectEl, dataTable, facts, badge, panel, section, empty, errorBox, toast,
  onSubmit, invalid, pager, confirmDialog,
} from '../dom.js';
import { t, language, formatDateTime } from '../i18n.js';
import { can, currentUser } from '../session.js';

const SECTIONS = {
  community: ['by_law', 'assisted', 'negative'],
  power: ['licensing', 'penalty', 'inspection', 'service', 'other'],
};
const PAGE = 50;

export async function render(view, ctx) {
  switch (ctx.view) {
    case 'list': return renderList(view, ctx, Number(ctx.params[0]));
    case 'banned': return renderBanned(view, ctx);
    case 'manage': return renderManage(view, ctx);
    case 'desk': return renderDesk(view, ctx);
    case 'certificate': return renderCertificate(view, ctx, Number(ctx.params[0]));
    default: return renderBrowse(view, ctx);
  }
}

const en = () => language() === 'en';
const ownerLabel = (l) => (l.owner_code === '' ? t('duty.national') : l.owner_name || l.owner_code);
const listName = (l) => (l.kind === 'power' ? l.body : t('duty.threeLists', { owner: ownerLabel(l) }));

function tabs(current) {
  const tab = (id, href, text) => h('li', null, h('a', {
    href, class: 'tab', 'aria-current': id === current ? 'page' : null }, text));
  return h('nav', { class: 'tabs no-print', 'aria-label': t('duty.title') }, h('ul', null,
    tab('community', '#/duties', t('duty.tab.community')),
    tab('power', '#/duties?kind=power', t('duty.tab.power')),
    tab('banned', '#/duties/certificates', t('duty.tab.banned')),
    currentUser() && can('duty.publish') ? tab('manage', '#/duties/manage', t('duty.tab.manage')) : null));
}

function versionLine(l) {
  const parts = [t('duty.version', { n: l.version })];
  if (l.status === 'draft') parts.push(t('duty.draft'));
  else parts.push(l.until ? t('duty.fromUntil', { from: l.effective_from, until: l.until }) : t('duty.from', { from: l.effective_from }));
  return parts.join(' · ');
}

function countsLine(l) {
  return (SECTIONS[l.kind] || []).filter((s) => l.counts[s])
    .map((s) => `${t(`duty.section.${s}`)} ${l.counts[s]}`).join(t('common.listSep'));
}

/* ---------- browsing (public) ---------- */

async function renderBrowse(view, ctx) {
  const kind = ctx.query.kind === 'power' ? 'power' : 'community';
  ctx.setTitle(t('duty.title'));
  const org = (ctx.query.org || '').trim();
  const res = await api('GET', '/public/duty-lists', { query: { kind, org: org || undefined }, auth401: false });
  if (!ctx.isCurrent()) return;
  const form = h('form', { class: 'toolbar no-print', role: 'search' },
    field({ label: t('duty.orgFilter'), name: 'org', value: org, hint: t('duty.orgFilterHint'), attrs: { inputmode: 'numeric', maxlength: 12 } }),
    h('button', { type: 'submit', class: 'btn' }, t('duty.filter')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.go('/duties', { kind: kind === 'power' ? 'power' : '', org: String(new FormData(form).get('org') || '').trim() });
  });
  const cards = res.items.map((l) => h('li', { class: 'card duty-card' },
    h('h2', { class: 'card-title' }, h('a', { href: `#/duties/${l.id}` }, listName(l))),
    h('p', { class: 'muted' }, [ownerLabel(l), versionLine(l)].join(' · ')),
    h('p', null, countsLine(l)),
    l.in_force ? badge(t('duty.inForce'), 'ok') : badge(t('duty.upcoming'), 'warn'),
    l.next ? h('p', { class: 'muted' }, h('a', { href: `#/duties/${l.next.id}` }, t('duty.nextFrom', { from: l.next.effective_from }))) : null));
  add(view, h('h1', { class: 'page-title' }, t('duty.title')), tabs(kind),
    h('p', { class: 'lead' }, t(kind === 'power' ? 'duty.powerIntro' : 'duty.communityIntro')),
    form,
    cards.length ? h('ul', { class: 'duty-cards' }, cards) : empty(t('duty.none')));
}

function itemRows(l, items, editable, ctx) {
  const cols = [
    { label: t('duty.f.seq'), cell: (i) => String(i.seq), class: 'num' },
    { label: t('duty.f.title'), cell: (i) => h('div', null, h('strong', null, i.title), i.title_en ? h('div', { class: 'muted', lang: 'en' }, i.title_en) : null) },
    { label: t('duty.f.legalBasis'), cell: (i) => i.legal_basis || '—' },
    { label: t('duty.f.responsible'), cell: (i) => i.responsible || '—' },
    { label: t('duty.f.cooperating'), cell: (i) => i.cooperating || '—' },
    { label: t('duty.f.communityRole'), cell: (i) => i.community_role || '—' },
  ];
  if (l.kind === 'community') cols.push({ label: t('duty.f.keywords'), cell: (i) => (i.keywords ? i.keywords.split('|').join(' · ') : '—') });
  if (editable) {
    cols.push({ label: t('duty.actions'), cell: (i) => h('button', {
      type: 'button', class: 'btn btn-small btn-danger',
      on: { click: async () => {
        const ok = await confirmDialog({ title: t('duty.removeItem'), message: i.title, confirmLabel: t('duty.remove') });
        if (!ok) return;
        try {
          await api('DELETE', `/duty-lists/${l.id}/items/${i.id}`);
          toast(t('common.saved'));
          ctx.reload();
        } catch (err) { toast(err.message || t('common.failed'), 'error'); }
      } },
    }, t('duty.remove')) });
  }
  return cols;
}

function itemForm(l, ctx) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('duty.f.section'), name: 'section', control: selectEl('section', SECTIONS[l.kind].map((s) => [s, t(`duty.section.${s}`)]), SECTIONS[l.kind][0]), required: true }),
    field({ label: t('duty.f.title'), name: 'title', required: true, attrs: { maxlength: 200 } }),
    field({ label: t('duty.f.titleEn'), name: 'title_en', attrs: { maxlength: 300 } }),
    field({ label: t('duty.f.legalBasis'), name: 'legal_basis', type: 'textarea', attrs: { maxlength: 1000 } }),
    field({ label: t('duty.f.responsible'), name: 'responsible', attrs: { maxlength: 200 } }),
    field({ label: t('duty.f.cooperating'), name: 'cooperating', attrs: { maxlength: 200 } }),
    field({ label: t('duty.f.communityRole'), name: 'community_role', attrs: { maxlength: 200 } }),
    l.kind === 'community' ? field({ label: t('duty.f.keywords'), name: 'keywords', hint: t('duty.keywordsHint'), attrs: { maxlength: 500 } }) : null,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('duty.addItem'))));
  return onSubmit(form, async (fd) => {
    const body = {};
    for (const k of ['section', 'title', 'title_en', 'legal_basis', 'responsible', 'cooperating', 'community_role', 'keywords']) {
      const v = fd.get(k);
      if (v !== null && String(v).trim() !== '') body[k] = String(v).trim();
    }
    await api('POST', `/duty-lists/${l.id}/items`, { body });
    toast(t('common.saved'));
    ctx.reload();
  });
}

function importForm(l, ctx) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true });
  const report = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('duty.csvFile'), control: file, hint: t('duty.csvHint') }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', name: 'dry', value: '1', class: 'btn' }, t('duty.check')),
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('duty.importNow'))),
    report);
  let dry = false;
  form.addEventListener('click', (e) => { if (e.target.type === 'submit') dry = e.target.name === 'dry'; }, true);
  return onSubmit(form, async () => {
    if (!file.files.length) throw invalid('file', t('duty.chooseFile'));
    const text = await file.files[0].text();
    const rep = await api('POST', `/duty-lists/${l.id}/import`, { query: { dry_run: dry ? 'true' : undefined }, raw: { data: text, type: 'text/csv' } });
    fill(report,
      h('p', { class: rep.bad_rows ? 'alert alert-error' : 'alert alert-ok', role: 'status' },
        t(rep.committed ? 'duty.imported' : 'duty.checked', { rows: rep.rows, bad: rep.bad_rows })),
      rep.problems.length ? dataTable([
        { label: t('duty.row'), cell: (p) => String(p.row) },
        { label: t('duty.column'), cell: (p) => p.column || '—' },
        { label: t('duty.reason'), cell: (p) => p.reason },
      ], rep.problems) : null);
    if (rep.committed) { toast(t('common.saved')); ctx.reload(); }
  });
}

function publishForm(l, ctx) {
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('duty.effectiveFrom'), name: 'effective_from', type: 'date', value: today, required: true, hint: t('duty.effectiveHint') }),
    field({ label: t('duty.note'), name: 'note', value: l.note, attrs: { maxlength: 500 } }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('duty.publish')),
      h('button', { type: 'button', class: 'btn btn-danger', on: { click: async () => {
        if (!await confirmDialog({ title: t('duty.discard'), message: listName(l), confirmLabel: t('duty.discard') })) return;
        await api('DELETE', `/duty-lists/${l.id}`);
        toast(t('common.saved'));
        ctx.go('/duties/manage');
      } } }, t('duty.discard'))));
  return onSubmit(form, async (fd) => {
    await api('POST', `/duty-lists/${l.id}/publish`, { body: { effective_from: String(fd.get('effective_from') || ''), note: String(fd.get('note') || '') } });
    toast(t('duty.published'));
    ctx.reload();
  });
}

async function renderList(view, ctx, id) {
  let l;
  try {
    l = await api('GET', `/public/duty-lists/${id}`, { auth401: false });
  } catch (err) {
    // A draft is not public: its editors read it signed in.
    if (err.status !== 404 || !currentUser() || !can('duty.publish')) throw err;
    l = await api('GET', `/duty-lists/${id}`);
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(listName(l));
  const draft = l.status === 'draft';
  const versions = draft ? { items: [] } : await api('GET', `/public/duty-lists/${id}/versions`, { auth401: false });
  if (!ctx.isCurrent()) return;
  const older = versions.items.find((v) => v.version < l.version);
  const diffBox = h('div', { 'aria-live': 'polite' });
  add(view, h('h1', { class: 'page-title' }, listName(l)), tabs(l.kind === 'power' ? 'power' : 'community'),
    facts([
      [t('duty.owner'), ownerLabel(l)],
      [t('duty.versionLabel'), versionLine(l)],
      [t('duty.state'), draft ? badge(t('duty.draft'), 'warn') : (l.in_force ? badge(t('duty.inForce'), 'ok') : badge(l.until ? t('duty.superseded') : t('duty.upcoming')))],
      l.note ? [t('duty.note'), l.note] : null,
    ]),
    currentUser() ? h('div', { class: 'export-bar no-print' },
      h('a', { href: `/api/v1/duty-lists/${l.id}/export?format=csv`, class: 'btn btn-small', download: '' }, 'CSV'),
      h('a', { href: `/api/v1/duty-lists/${l.id}/export?format=xlsx`, class: 'btn btn-small', download: '' }, 'XLSX')) : null);
  for (const s of SECTIONS[l.kind]) {
    const items = l.items.filter((i) => i.section === s);
    if (!items.length && !draft) continue;
    add(view, section(`${t(`duty.section.${s}`)} (${items.length})`,
      items.length ? dataTable(itemRows(l, items, draft, ctx), items, { caption: t(`duty.section.${s}`) }) : empty(t('duty.noItems'))));
  }
  if (draft) {
    add(view, panel(t('duty.addItem'), itemForm(l, ctx)), panel(t('duty.import'), importForm(l, ctx)),
      section(t('duty.publish'), publishForm(l, ctx)));
    return;
  }
  add(view, section(t('duty.history'),
    dataTable([
      { label: t('duty.versionLabel'), cell: (v) => (v.id === l.id ? h('strong', null, String(v.version)) : h('a', { href: `#/duties/${v.id}` }, String(v.version))) },
      { label: t('duty.effectiveFrom'), cell: (v) => v.effective_from },
      { label: t('duty.until'), cell: (v) => v.until || '—' },
      { label: t('duty.note'), cell: (v) => v.note || '—' },
      { label: t('duty.state'), cell: (v) => (v.in_force ? badge(t('duty.inForce'), 'ok') : '') },
    ], versions.items, { caption: t('duty.history') }),
    older ? h('button', { type: 'button', class: 'btn no-print', on: { click: async () => {
      const d = await api('GET', `/public/duty-lists/${l.id}/diff`, { query: { from: older.id }, auth401: false });
      const line = (i) => h('li', null, `${t(`duty.section.${i.section}`)}：${i.title}`);
      fill(diffBox,
        h('h3', null, t('duty.changesSince', { n: older.version })),
        h('p', null, t('duty.added', { n: d.added.length })), h('ul', null, d.added.map(line)),
        h('p', null, t('duty.removed', { n: d.removed.length })), h('ul', null, d.removed.map(line)),
        h('p', null, t('duty.changed', { n: d.changed.length })),
        h('ul', null, d.changed.map((c) => h('li', null, `${c.to.title} (${c.fields.map((f) => t(`duty.field.${f}`)).join(t('common.listSep'))})`))));
    } } }, t('duty.compare', { n: older.version })) : null,
    diffBox));
}

/* ---------- the banned-certificate list (public) ---------- */

async function renderBanned(view, ctx) {
  ctx.setTitle(t('duty.bannedTitle'));
  const res = await api('GET', '/public/banned-certificates', { auth401: false });
  if (!ctx.isCurrent()) return;
  add(view, h('h1', { class: 'page-title' }, t('duty.bannedTitle')), tabs('banned'),
    h('p', { class: 'lead' }, t('duty.bannedIntro')),
    dataTable([
      { label: t('duty.certificate'), cell: (b) => h('div', null, h('strong', null, en() ? b.name_en : b.name), h('div', { class: 'muted' }, en() ? b.name : b.name_en)) },
      { label: t('duty.goTo'), cell: (b) => (en() ? b.go_to_en : b.go_to) },
      { label: t('duty.scope'), cell: (b) => (b.scope_code ? b.scope_name || b.scope_code : t('duty.national')) },
      { label: t('duty.basis'), cell: (b) => b.basis || '—' },
    ], res.items, { caption: t('duty.bannedTitle') }));
  if (currentUser() && can('duty.publish')) add(view, panel(t('duty.extend'), bannedForm(ctx)));
}

function bannedForm(ctx) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('duty.f.orgCode'), name: 'org_code', required: true, hint: t('duty.orgCodeHint'), attrs: { inputmode: 'numeric', maxlength: 12 } }),
    field({ label: t('duty.f.name'), name: 'name', required: true, attrs: { maxlength: 64 } }),
    field({ label: t('duty.f.nameEn'), name: 'name_en', required: true, attrs: { maxlength: 128 } }),
    field({ label: t('duty.f.keywords'), name: 'keywords', required: true, hint: t('duty.keywordsHint') }),
    field({ label: t('duty.goTo'), name: 'go_to', required: true }),
    field({ label: t('duty.goToEn'), name: 'go_to_en', required: true }),
    field({ label: t('duty.basis'), name: 'basis' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('duty.extend'))));
  return onSubmit(form, async (fd) => {
    const code = String(fd.get('org_code') || '').trim();
    const orgs = await api('GET', '/orgs', { query: { code } });
    if (!orgs.items.length) throw invalid('org_code', t('duty.noSuchNode'));
    const body = { org_id: orgs.items[0].id };
    for (const k of ['name', 'name_en', 'keywords', 'go_to', 'go_to_en', 'basis']) {
      const v = String(fd.get(k) || '').trim();
      if (v) body[k] = v;
    }
    await api('POST', '/banned-certificates', { body });
    toast(t('common.saved'));
    ctx.reload();
  }, { org_id: 'org_code' });
}

/* ---------- drafts (duty.publish) ---------- */

async function renderManage(view, ctx) {
  ctx.setTitle(t('duty.tab.manage'));
  const res = await api('GET', '/duty-lists');
  if (!ctx.isCurrent()) return;
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('duty.f.kind'), name: 'kind', control: selectEl('kind', [['community', t('duty.kind.community')], ['power', t('duty.kind.power')]], 'community'), required: true }),
    field({ label: t('duty.f.orgCode'), name: 'org_code', required: true, hint: t('duty.ownerHint'), attrs: { inputmode: 'numeric', maxlength: 12 } }),
    field({ label: t('duty.f.body'), name: 'body', hint: t('duty.bodyHint'), attrs: { maxlength: 64 } }),
    field({ label: t('duty.f.copy'), name: 'copy', control: selectEl('copy', [['1', t('duty.copyInForce')], ['0', t('duty.copyEmpty')]], '1') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('duty.newDraft'))));
  onSubmit(form, async (fd) => {
    const code = String(fd.get('org_code') || '').trim();
    const kind = String(fd.get('kind'));
    const orgs = await api('GET', '/orgs', { query: { code } });
    if (!orgs.items.length) throw invalid('org_code', t('duty.noSuchNode'));
    const body = { kind, org_id: orgs.items[0].id };
    const b = String(fd.get('body') || '').trim();
    if (b) body.body = b;
    if (fd.get('copy') === '1') {
      // The version in force there now: the owner's own, else the nearest above.
      try {
        const cur = await api('GET', '/public/duty-lists/in-force', { query: { kind, code, body: b || undefined } });
        body.copy_from = cur.id;
      } catch (err) {
        if (err.status !== 404) throw err;
      }
    }
    const l = await api('POST', '/duty-lists', { body });
    ctx.go(`/duties/${l.id}`);
  }, { org_id: 'org_code' });
  add(view, h('h1', { class: 'page-title' }, t('duty.tab.manage')), tabs('manage'),
    panel(t('duty.newDraft'), form, res.items.length === 0),
    res.items.length ? dataTable([
      { label: t('duty.list'), cell: (l) => h('a', { href: `#/duties/${l.id}` }, listName(l)) },
      { label: t('duty.owner'), cell: (l) => ownerLabel(l) },
      { label: t('duty.versionLabel'), cell: (l) => versionLine(l) },
      { label: t('duty.state'), cell: (l) => (l.status === 'draft' ? badge(t('duty.draft'), 'warn') : (l.in_force ? badge(t('duty.inForce'), 'ok') : '')) },
    ], res.items, { caption: t('duty.tab.manage') }) : empty(t('duty.none')));
}

/* ---------- the certificate desk (certificate.issue) ---------- */

function residentPicker(who) {
  const results = h('ul', { class: 'sv-picks' });
  const chosen = h('p', { class: 'muted', 'aria-live': 'polite' }, t('duty.noResident'));
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
        on: { click: () => { who.id = r.id; fill(chosen, `${r.name} · ${r.birth_date || ''}`); fill(results); } },
      }, `${r.name} (${r.birth_date || ''})`))));
    }, 250);
  });
  return h('div', null, field({ label: t('duty.searchResident'), control: input, required: true }), results, chosen);
}

async function renderDesk(view, ctx) {
  ctx.setTitle(t('duty.deskTitle'));
  const offset = Number(ctx.query.offset) || 0;
  const [tpl, reg] = await Promise.all([
    api('GET', '/certificate-templates'),
    api('GET', '/certificates', { query: { limit: PAGE, offset } }),
  ]);
  if (!ctx.isCurrent()) return;
  const who = { id: 0 };
  const refusal = h('div', { 'aria-live': 'assertive' });
  const guidance = h('p', { class: 'field-hint' });
  const tplSelect = selectEl('template_id', [['', t('duty.noTemplate')], ...tpl.items.map((x) => [String(x.id), en() ? x.name_en : x.name])], '');
  tplSelect.addEventListener('change', () => {
    const x = tpl.items.find((i) => String(i.id) === tplSelect.value);
    fill(guidance, x ? (en() ? x.guidance_en : x.guidance) : '');
  });
  const form = h('form', { class: 'form', novalidate: true },
    residentPicker(who),
    field({ label: t('duty.f.asked'), name: 'title', hint: t('duty.askedHint'), attrs: { maxlength: 64 } }),
    field({ label: t('duty.f.template'), name: 'template_id', control: tplSelect }), guidance,
    field({ label: t('duty.f.purpose'), name: 'purpose', required: true, attrs: { maxlength: 100 } }),
    field({ label: t('duty.f.content'), name: 'content', type: 'textarea', hint: t('duty.contentHint'), attrs: { maxlength: 2000 } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('duty.issue'))));
  onSubmit(form, async (fd) => {
    fill(refusal);
    if (!who.id) throw invalid('q', t('duty.pickResident'));
    const body = { resident_id: who.id, purpose: String(fd.get('purpose') || '').trim() };
    const title = String(fd.get('title') || '').trim();
    if (title) body.title = title;
    if (fd.get('template_id')) body.template_id = Number(fd.get('template_id'));
    const content = String(fd.get('content') || '').trim();
    if (content) body.content = content;
    try {
      const c = await api('POST', '/certificates', { body });
      toast(t('duty.issued', { no: c.register_no }));
      ctx.go(`/certificates/${c.id}`);
    } catch (err) {
      if (err.code !== 'certificate_banned') throw err;
      // The rule, bilingual from the public list, and where to go.
      const chk = await api('GET', '/public/banned-certificates/check', { query: { name: title || tplSelect.selectedOptions[0].text } });
      const e = chk.entry;
      fill(refusal, h('div', { class: 'alert alert-error', role: 'alert' },
        h('strong', null, t('duty.refused', { name: e ? (en() ? e.name_en : e.name) : title })),
        e ? h('p', null, t('duty.goThere', { where: en() ? e.go_to_en : e.go_to })) : h('p', null, err.message),
        e && e.basis ? h('p', { class: 'muted' }, e.basis) : null,
        h('p', { class: 'muted' }, t('duty.refusalRecorded'))));
    }
  }, { resident_id: 'q' });
  add(view, h('h1', { class: 'page-title' }, t('duty.deskTitle')),
    h('p', { class: 'lead' }, t('duty.deskIntro'), ' ', h('a', { href: '#/duties/certificates' }, t('duty.tab.banned'))),
    section(t('duty.newCertificate'), form, refusal),
    section(t('duty.register'),
      reg.items.length ? dataTable([
        { label: t('duty.when'), cell: (c) => formatDateTime(new Date(c.at_ms).toISOString()) },
        { label: t('duty.resident'), cell: (c) => c.resident_name },
        { label: t('duty.certificate'), cell: (c) => (c.status === 'issued' ? h('a', { href: `#/certificates/${c.id}` }, c.title) : c.title) },
        { label: t('duty.registerNo'), cell: (c) => c.register_no || '—' },
        { label: t('duty.state'), cell: (c) => (c.status === 'issued' ? badge(t('duty.status.issued'), 'ok') : badge(t('duty.status.refused'), 'danger')) },
      ], reg.items, { caption: t('duty.register') }) : empty(t('duty.noCertificates')),
      pager({ total: reg.total, limit: reg.limit, offset: reg.offset }, (o) => ctx.go('/certificates', { offset: o }))));
}

async function renderCertificate(view, ctx, id) {
  const c = await api('GET', `/certificates/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${c.title} ${c.register_no || ''}`);
  if (c.status !== 'issued') {
    add(view, h('h1', { class: 'page-title' }, c.title), errorBox({ code: 'certificate_banned', message: c.refused_by ? c.refused_by.go_to : '' }));
    return;
  }
  const lines = c.body.split('\n');
  add(view,
    h('div', { class: 'no-print toolbar' },
      h('a', { href: '#/certificates', class: 'btn' }, t('duty.backToDesk')),
      h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => window.print() } }, t('duty.print'))),
    h('article', { class: 'print-doc cert-doc' },
      h('h1', { class: 'doc-title' }, lines[0]),
      ...lines.slice(1).map((line) => (line ? h('p', null, line) : null)),
      h('div', { class: 'doc-seal' }, h('span', null, c.community), h('span', null, t('duty.seal')))),
    h('p', { class: 'muted no-print' }, t('duty.issuedBy', { who: c.issued_by, no: c.register_no })));
}

