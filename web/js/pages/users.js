// Accounts: a searchable, paginated list with each account's state and
// roles, and (for user.manage) the form that creates an account.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, onSubmit, invalid, pager, dataTable, badge, panel, loading, empty, toast,
} from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { can } from '../session.js';

const PAGE = 50;

export function stateBadges(u) {
  const out = [];
  if (u.disabled) out.push(badge(t('users.stateDisabled'), 'danger'));
  if (u.locked) out.push(badge(t('users.stateLocked'), 'warn'));
  if (!u.disabled && !u.locked) out.push(badge(t('users.stateActive'), 'ok'));
  return h('span', { class: 'badges' }, out);
}

export function grantText(g) {
  const role = t(`roles.${g.role}`);
  return g.org_id ? `${role} · ${g.org_name}` : role;
}

export function validPassword(fd, name, confirmName) {
  const pw = String(fd.get(name) || '');
  const chars = [...pw].length;
  if (chars < 10 || chars > 128) throw invalid(name, t('users.passwordRule'));
  if (confirmName && pw !== String(fd.get(confirmName) || '')) throw invalid(confirmName, t('users.passwordMismatch'));
  return pw;
}

function createPanel(ctx) {
  const form = h('form', { class: 'form form-grid', novalidate: true },
    field({ label: t('users.username'), name: 'username', required: true, hint: t('users.usernameHint'),
      autocomplete: 'off', attrs: { maxlength: '32', autocapitalize: 'none', spellcheck: 'false' } }),
    field({ label: t('users.displayName'), name: 'display_name', required: true, attrs: { maxlength: '64' } }),
    field({ label: t('users.initialPassword'), name: 'password', type: 'password', required: true,
      hint: t('users.passwordRule'), autocomplete: 'new-password', attrs: { maxlength: '128' } }),
    field({ label: t('users.passwordConfirm'), name: 'password2', type: 'password', required: true,
      autocomplete: 'new-password', attrs: { maxlength: '128' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.create'))));
  onSubmit(form, async (fd) => {
    const username = String(fd.get('username')).trim();
    const displayName = String(fd.get('display_name')).trim();
    if (!/^[a-z][a-z0-9._-]{2,31}$/.test(username)) throw invalid('username', t('users.usernameHint'));
    if (!displayName) throw invalid('display_name', t('common.required'));
    const password = validPassword(fd, 'password', 'password2');
    const u = await api('POST', '/users', { body: { username, display_name: displayName, password } });
    toast(t('users.created', { username: u.username }));
    ctx.go(`/users/${u.id}`);
  });
  return panel(t('users.new'), form);
}

export async function render(view, ctx) {
  ctx.setTitle(t('users.title'));
  const q = ctx.query.get('q') || '';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const search = h('form', { class: 'search-form', role: 'search' },
    field({ label: t('users.search'), name: 'q', type: 'search', value: q,
      attrs: { placeholder: t('users.searchPlaceholder'), maxlength: '64' } }),
    h('div', { class: 'field field-action' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('common.search'))));
  search.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.go('/users', { q: search.elements.q.value.trim() });
  });
  const list = h('div', null, loading());
  add(view, h('h1', { class: 'page-title' }, t('users.title')), search,
    can('user.manage') ? createPanel(ctx) : null, list);
  const page = await api('GET', '/users', { query: { q, limit: PAGE, offset } });
  if (!ctx.isCurrent()) return;
  const cols = [
    { label: t('users.username'), cell: (u) => h('a', { href: `#/users/${u.id}`, class: 'strong-link' }, u.username) },
    { label: t('users.displayName'), cell: (u) => u.display_name },
    { label: t('users.state'), cell: stateBadges },
    { label: t('users.roles'), cell: (u) => (u.roles.length
      ? h('ul', { class: 'plain-list' }, u.roles.map((g) => h('li', null, grantText(g))))
      : h('span', { class: 'muted' }, t('users.noRoles'))) },
    { label: t('users.lastLogin'), cell: (u) => (u.last_login_at ? formatDateTime(u.last_login_at) : t('users.never')) },
  ];
  fill(list,
    h('p', { class: 'muted' }, t('users.count', { total: formatNumber(page.total) })),
    page.items.length ? dataTable(cols, page.items, { caption: t('users.title') }) : empty(t('users.none')),
    pager(page, (o) => ctx.go('/users', { q, offset: o })));
}
