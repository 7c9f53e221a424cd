// Needs matched to providers (#/needs): for a node, each rule's people in
// need, served, unserved and overdue for a visit per child node, with the
// free places of providers in the coming two weeks; a row drills down to the
// child, a count opens the people (#/needs/people) with their matches.
import { api } from '../api.js';
import { h, add, fill, loading, empty, badge, section, dataTable, pager, selectEl, field } from '../dom.js';
import { t, language, formatNumber } from '../i18n.js';

const ruleName = (r) => (language() === 'en' ? r.name_en : r.name);

export async function render(view, ctx) {
  if (ctx.view === 'people') return people(view, ctx);
  return coverage(view, ctx);
}

async function coverage(view, ctx) {
  ctx.setTitle(t('nd.title'));
  const org = Number(ctx.query.get('org')) || 0;
  add(view, loading());
  const res = await api('GET', '/needs/coverage', { query: { org_id: org || '' } });
  if (!ctx.isCurrent()) return;
  const link = (r, row, status, n) => (n > 0 && row.org_id ? h('a', { href: `#/needs/people?rule=${r.id}&org=${row.org_id}&status=${status}` }, formatNumber(n)) : formatNumber(n));
  fill(view,
    h('h1', { class: 'page-title' }, t('nd.titleOf', { name: res.node.name })),
    h('p', { class: 'muted' }, t('nd.intro')),
    res.rules.length ? res.rules.map((r) => section(ruleName(r),
      h('p', { class: 'muted' }, r.item_id ? t('nd.byItem', { item: r.item_name }) : null, r.item_id && r.visit_days ? ' · ' : null,
        r.visit_days ? t('nd.visitEvery', { n: r.visit_days }) : null),
      h('p', null, t('nd.totals', {
        need: formatNumber(r.total.in_need), served: formatNumber(r.total.served), unserved: formatNumber(r.total.unserved), overdue: formatNumber(r.total.visit_overdue),
      })),
      r.rows.length ? dataTable([
        { label: t('nd.area'), cell: (row) => (row.org_id && row.code.length > res.node.code.length && row.code.length < 15 ? h('a', { href: `#/needs?org=${row.org_id}` }, row.name) : row.name) },
        { label: t('nd.inNeed'), cell: (row) => link(r, row, 'all', row.in_need) },
        { label: t('nd.served'), cell: (row) => formatNumber(row.served) },
        { label: t('nd.unserved'), cell: (row) => link(r, row, 'unserved', row.unserved) },
        { label: t('nd.overdue'), cell: (row) => (r.visit_days ? link(r, row, 'overdue', row.visit_overdue) : '—') },
        { label: t('nd.freePlaces'), cell: (row) => (r.item_id ? formatNumber(row.free_places ?? 0) : '—') },
      ], r.rows) : empty(t('nd.nobody')))) : empty(t('nd.noRules')));
}

async function people(view, ctx) {
  const rule = Number(ctx.query.get('rule')) || 0;
  const org = Number(ctx.query.get('org')) || 0;
  const status = ctx.query.get('status') || 'all';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  add(view, loading());
  const [rules, page] = await Promise.all([
    api('GET', '/need-rules'),
    api('GET', '/needs', { query: { rule_id: rule, org_id: org || '', status, limit: 50, offset } }),
  ]);
  if (!ctx.isCurrent()) return;
  const r = rules.items.find((x) => x.id === rule);
  ctx.setTitle(r ? ruleName(r) : t('nd.title'));
  const filter = selectEl('status', ['all', 'unserved', 'overdue'].map((s) => [s, t(`nd.status.${s}`)]), status);
  filter.addEventListener('change', () => ctx.go('/needs/people', { rule, org, status: filter.value }));
  fill(view,
    h('p', null, h('a', { href: `#/needs${org ? `?org=${org}` : ''}` }, '← ', t('nd.title'))),
    h('h1', { class: 'page-title' }, r ? ruleName(r) : `#${rule}`),
    h('div', { class: 'toolbar' }, field({ label: t('nd.show'), control: filter })),
    h('p', { class: 'muted' }, t('nd.count', { total: formatNumber(page.total) })),
    page.items.length ? dataTable([
      { label: t('nd.person'), cell: (p) => h('a', { href: `#/people/r/${p.id}` }, p.name) },
      { label: t('nd.born'), cell: (p) => p.birth_date },
      { label: t('nd.state'), cell: (p) => [p.served ? badge(t('nd.served'), 'ok') : badge(t('nd.unserved'), 'warn'), p.visit_overdue ? [' ', badge(t('nd.overdue'), 'danger')] : null] },
      { label: t('nd.lastVisit'), cell: (p) => p.last_visit || t('nd.never') },
      {
        label: t('nd.matches'), cell: (p) => (p.matches.length ? h('ul', { class: 'sv-picks' }, p.matches.map((m) => h('li', null,
          r && r.item_id ? h('a', { href: `#/services/${r.item_id}?resident=${p.id}` }, t('nd.bookWith', { name: m.name, free: formatNumber(m.free_places) })) : m.name)))
          : (r && r.item_id ? t('nd.noMatch') : '—')),
      },
    ], page.items) : empty(t('nd.nobody')),
    pager(page, (o) => ctx.go('/needs/people', { rule, org, status, offset: o })));
}
