// Door-to-door visits in scope: by default the open follow-ups (what is
// still to be done), or every visit; each leads to its household card,
// and a grid or community worker closes a follow-up here too.
import { api } from '../api.js';
import { h, add, fill, pager, loading, empty, errorBox } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { can } from '../session.js';
import { visitList } from './people.js';
import { scopeId, scopeNode } from '../registry.js';

const PAGE = 50;

export async function render(view, ctx) {
  ctx.setTitle(t('visits.title'));
  const all = ctx.query.get('all') === '1';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const list = h('div', { 'aria-live': 'polite' }, loading());
  const tab = (isAll, text) => h('li', null, h('a', {
    href: isAll ? '#/visits?all=1' : '#/visits', class: 'tab', 'aria-current': isAll === all ? 'page' : null,
  }, text));
  add(view,
    h('h1', { class: 'page-title' }, t('visits.title')),
    h('nav', { class: 'tabs', 'aria-label': t('visits.title') }, h('ul', null,
      tab(false, t('visits.pending')), tab(true, t('visits.all')))),
    h('p', { class: 'muted' }, can('visit.write') ? t('visits.hintWorker') : t('visits.hint')),
    list);
  let page;
  let node = null;
  try {
    const orgId = await scopeId(ctx);
    [page, node] = await Promise.all([
      api('GET', '/visits', { query: { org_id: orgId, pending: all ? '' : 'true', limit: PAGE, offset } }),
      scopeNode(orgId),
    ]);
  } catch (err) {
    if (err.status === 401) throw err;
    fill(list, errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  fill(list,
    h('p', null, node ? t('visits.countIn', { total: formatNumber(page.total), name: node.name })
      : t('visits.count', { total: formatNumber(page.total) })),
    page.items.length ? visitList(ctx, page.items, { withAddress: true })
      : empty(all ? t('visits.none') : t('visits.noPending')),
    pager(page, (o) => ctx.go('/visits', { all: all ? '1' : '', offset: o })));
}
