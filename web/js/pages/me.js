// My account: who I am, change my password, sign out.
import { api } from '../api.js';
import { h, icon, field, onSubmit, invalid, section, toast, add } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser, can } from '../session.js';
import { roleLine } from './home.js';
import { validPassword } from './users.js';

export async function render(view, ctx) {
  const user = currentUser();
  ctx.setTitle(t('me.title'));
  const form = h('form', { class: 'form', novalidate: true },
    h('input', { type: 'text', name: 'username', value: user.username, autocomplete: 'username', hidden: true, readonly: true, tabindex: '-1', 'aria-hidden': 'true' }),
    field({ label: t('me.currentPassword'), name: 'current_password', type: 'password', required: true,
      autocomplete: 'current-password', attrs: { maxlength: '1024' } }),
    field({ label: t('me.newPassword'), name: 'new_password', type: 'password', required: true,
      hint: t('users.passwordRule'), autocomplete: 'new-password', attrs: { maxlength: '128' } }),
    field({ label: t('users.passwordConfirm'), name: 'new_password2', type: 'password', required: true,
      autocomplete: 'new-password', attrs: { maxlength: '128' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('me.changePassword'))));
  onSubmit(form, async (fd, f) => {
    const current = String(fd.get('current_password'));
    if (!current) throw invalid('current_password', t('common.required'));
    const next = validPassword(fd, 'new_password', 'new_password2');
    if (next === current) throw invalid('new_password', t('me.samePassword'));
    await api('POST', '/me/password', { body: { current_password: current, new_password: next } });
    f.reset();
    toast(t('me.passwordChanged'));
  });
  const signOut = h('button', { type: 'button', class: 'btn', on: { click: () => ctx.signOut() } },
    icon('out', 'icon icon-sm'), t('nav.signOut'));
  add(view, 
    h('h1', { class: 'page-title' }, t('me.title')),
    section(t('me.profile'),
      h('p', null, h('strong', null, user.display_name), ' ', h('span', { class: 'code' }, user.username)),
      user.roles.length ? h('ul', { class: 'role-list' }, user.roles.map((r) => roleLine(r, can('org.read'))))
        : h('p', { class: 'muted' }, t('home.noRoles')),
      h('h3', { class: 'sub-title' }, t('me.permissions')),
      h('ul', { class: 'perm-list' }, user.permissions.map((p) => h('li', null,
        h('span', { class: 'badge' }, t(`perms.${p.replace(/\./g, '_')}`)))))),
    section(t('me.changePassword'), h('p', { class: 'muted' }, t('me.passwordHint')), form),
    section(t('me.session'),
      user.idle_timeout ? h('p', null, t('me.idle', { minutes: Math.round(user.idle_timeout / 60) })) : null,
      h('p', { class: 'muted' }, t('me.sessionHint')), signOut));
}
