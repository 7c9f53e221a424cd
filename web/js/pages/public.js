// What residents see: a grid's public card (name, place, grid workers and
// their phones, supervision phone) from the public endpoint, no sign-in.
import { api } from '../api.js';
import { h, telLink, loading, errorBox, empty, add, fill } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser } from '../session.js';

export async function render(view, ctx) {
  const code = ctx.params[0];
  add(view, loading());
  let g;
  try {
    g = await api('GET', `/public/grids/${code}`, { auth401: false });
  } catch (err) {
    fill(view, h('h1', { class: 'page-title' }, t('public.title')),
      err.status === 404 ? h('div', { class: 'alert alert-error', role: 'alert' }, t('public.notFound', { code })) : errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(g.name);
  const place = (g.ancestors || []).map((a) => a.name).join(' · ');
  fill(view,
    h('article', { class: 'public-card', 'aria-labelledby': 'public-name' },
      h('p', { class: 'public-kicker' }, t('public.kicker')),
      h('h1', { id: 'public-name', class: 'public-name' }, g.name),
      place ? h('p', { class: 'muted' }, place) : null,
      h('p', { class: 'code' }, t('public.code', { code: g.code })),
      h('h2', { class: 'public-sub' }, t('public.workers')),
      g.grid_workers.length
        ? h('ul', { class: 'public-workers' }, g.grid_workers.map((w) => h('li', null,
          h('span', { class: 'public-worker-name' }, w.name), telLink(w.phone))))
        : empty(t('public.noWorkers')),
      h('h2', { class: 'public-sub' }, t('public.supervision')),
      h('p', { class: 'public-phone' }, g.supervision_phone ? telLink(g.supervision_phone) : t('public.noSupervision')),
      h('p', { class: 'muted small' }, t('public.note'))),
    currentUser() ? h('p', null, h('a', { href: `#/orgs?code=${g.code}` }, t('public.back'))) : null);
}
