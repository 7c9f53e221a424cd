// One account: its facts; for user.manage rename, disable/enable, unlock and
// password reset; for role.grant its roles with revoke and a grant form whose
// node picker offers only nodes of the levels the chosen role may be held at.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, onSubmit, invalid, dataTable, facts, badge, section, panel,
  loading, empty, toast, confirmDialog, errorText, toastError, nextId,
} from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { can, currentUser } from '../session.js';
import { stateBadges, validPassword } from './users.js';

const PICK_PAGE = 20;
const CODE_RE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12}|\d{15})$/;

export async function render(view, ctx) {
  const id = Number(ctx.params[0]);
  add(view, loading());
  const [u, catalogue] = await Promise.all([api('GET', `/users/${id}`), api('GET', '/roles')]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(u.display_name);
  const adminRoles = new Set(catalogue.items.filter((r) => r.admin).map((r) => r.role));
  const isAdminAccount = u.roles.some((g) => adminRoles.has(g.role));
  const self = u.id === currentUser().id;

  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') },
      h('ol', null, h('li', null, h('a', { href: '#/users' }, t('users.title'))),
        h('li', null, h('span', { 'aria-current': 'page' }, u.username)))),
    h('div', { class: 'node-title' }, h('h1', { class: 'page-title' }, u.display_name), stateBadges(u)),
    facts([
      [t('users.username'), h('span', { class: 'code' }, u.username)],
      [t('users.displayName'), u.display_name],
      [t('users.createdAt'), formatDateTime(u.created_at)],
      [t('users.lastLogin'), u.last_login_at ? formatDateTime(u.last_login_at) : t('users.never')],
    ]));

  if (can('user.manage')) {
    if (isAdminAccount && !self) add(view, h('div', { class: 'alert alert-info' }, t('users.adminNote')));
    else add(view, manageSection(ctx, u, self));
  }
  add(view, rolesSection(ctx, u, catalogue.items, adminRoles, self));
}

/* ---------- user.manage ---------- */

function manageSection(ctx, u, self) {
  const actions = h('div', { class: 'button-row' });
  if (!self) {
    add(actions, h('button', {
      type: 'button', class: u.disabled ? 'btn' : 'btn btn-danger-quiet',
      on: { click: () => setDisabled(ctx, u, !u.disabled) },
    }, u.disabled ? t('users.enable') : t('users.disable')));
  }
  if (u.locked) {
    add(actions, h('button', { type: 'button', class: 'btn', on: { click: () => unlock(ctx, u) } }, t('users.unlock')));
  }

  const rename = h('form', { class: 'form', novalidate: true },
    field({ label: t('users.displayName'), name: 'display_name', required: true, value: u.display_name, attrs: { maxlength: '64' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
  onSubmit(rename, async (fd) => {
    const name = String(fd.get('display_name')).trim();
    if (!name) throw invalid('display_name', t('common.required'));
    if (name === u.display_name) {
      toast(t('common.noChanges'), 'info');
      return;
    }
    await api('PATCH', `/users/${u.id}`, { body: { display_name: name } });
    toast(t('common.saved'));
    ctx.reload();
  });

  const reset = h('form', { class: 'form', novalidate: true },
    h('p', { class: 'muted' }, t('users.resetHint')),
    field({ label: t('users.newPassword'), name: 'password', type: 'password', required: true,
      hint: t('users.passwordRule'), autocomplete: 'new-password', attrs: { maxlength: '128' } }),
    field({ label: t('users.passwordConfirm'), name: 'password2', type: 'password', required: true,
      autocomplete: 'new-password', attrs: { maxlength: '128' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.resetPassword'))));
  onSubmit(reset, async (fd, form) => {
    const password = validPassword(fd, 'password', 'password2');
    await api('POST', `/users/${u.id}/password`, { body: { password } });
    form.reset();
    toast(t('users.passwordReset', { username: u.username }));
  });

  return section(t('users.manage'),
    actions.childElementCount ? actions : null,
    panel(t('users.rename'), rename),
    panel(t('users.resetPassword'), reset));
}

async function setDisabled(ctx, u, disabled) {
  if (disabled) {
    const ok = await confirmDialog({
      title: t('users.disableTitle'),
      message: t('users.disableConfirm', { username: u.username }),
      confirmLabel: t('users.disable'),
    });
    if (!ok) return;
  }
  try {
    await api('PATCH', `/users/${u.id}`, { body: { disabled } });
    toast(disabled ? t('users.disabledDone') : t('users.enabledDone'));
    ctx.reload();
  } catch (err) {
    toastError(err);
  }
}

async function unlock(ctx, u) {
  try {
    await api('POST', `/users/${u.id}/unlock`);
    toast(t('users.unlocked'));
    ctx.reload();
  } catch (err) {
    toastError(err);
  }
}

/* ---------- roles ---------- */

function rolesSection(ctx, u, catalogue, adminRoles, self) {
  const granting = can('role.grant') && !self;
  const cols = [
    { label: t('users.role'), cell: (g) => badge(t(`roles.${g.role}`), 'role') },
    { label: t('users.node'), cell: (g) => (g.org_id
      ? [can('org.read') ? h('a', { href: `#/orgs/${g.org_id}` }, g.org_name) : g.org_name, ' ',
        h('span', { class: 'code' }, g.org_code)]
      : t('home.wholeDeployment')) },
    { label: t('orgs.level'), cell: (g) => (g.org_level ? t(`levels.${g.org_level}`) : '—') },
    { label: t('users.grantedAt'), cell: (g) => formatDateTime(g.granted_at) },
  ];
  if (granting) {
    cols.push({ label: t('common.actions'), cell: (g) => h('button', {
      type: 'button', class: 'btn btn-danger-quiet', on: { click: () => revoke(ctx, u, g) },
    }, t('users.revoke')) });
  }
  const body = [u.roles.length ? dataTable(cols, u.roles, { caption: t('users.roles') }) : empty(t('users.noRoles'))];
  if (can('role.grant') && self) body.push(h('p', { class: 'muted' }, t('users.ownRoles')));
  if (granting) {
    const holdsAdmin = u.roles.some((g) => adminRoles.has(g.role));
    body.push(holdsAdmin
      ? h('p', { class: 'muted' }, t('users.adminExclusive'))
      : panel(t('users.grant'), grantForm(ctx, u, catalogue)));
  }
  return section(t('users.roles'), ...body);
}

async function revoke(ctx, u, g) {
  const ok = await confirmDialog({
    title: t('users.revokeTitle'),
    message: t('users.revokeConfirm', { role: t(`roles.${g.role}`), node: g.org_name || t('home.wholeDeployment'), username: u.username }),
    confirmLabel: t('users.revoke'),
  });
  if (!ok) return;
  try {
    await api('DELETE', `/users/${u.id}/roles/${g.id}`);
    toast(t('users.revoked'));
    ctx.reload();
  } catch (err) {
    toastError(err);
  }
}

function grantForm(ctx, u, catalogue) {
  // An account with roles cannot take an administrator role (three-administrator separation).
  const offered = catalogue.filter((r) => !(r.admin && u.roles.length));
  const roleSelect = selectEl('role', [['', t('users.chooseRole')],
    ...offered.map((r) => [r.role, t(`roles.${r.role}`)])], '');
  const picker = nodePicker();
  const hint = h('p', { class: 'muted small' });
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('users.role'), name: 'role', control: roleSelect, required: true }),
    hint, picker.el,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.grant'))));
  const sync = () => {
    const def = offered.find((r) => r.role === roleSelect.value);
    picker.setLevels(def && !def.admin ? def.levels : null);
    hint.textContent = !def ? ''
      : def.admin ? t('users.adminRoleHint')
        : t('users.levelsHint', { levels: def.levels.map((l) => t(`levels.${l}`)).join(t('common.listSep')) });
  };
  roleSelect.addEventListener('change', sync);
  sync();
  onSubmit(form, async (fd) => {
    const role = String(fd.get('role'));
    if (!role) throw invalid('role', t('users.chooseRole'));
    const def = offered.find((r) => r.role === role);
    const body = { role };
    if (!def.admin) {
      const orgId = Number(fd.get('org_id') || 0);
      if (!orgId) throw invalid('org_query', t('users.chooseNode'));
      body.org_id = orgId;
    }
    await api('POST', `/users/${u.id}/roles`, { body });
    toast(t('users.granted'));
    ctx.reload();
  }, { org_id: 'org_query' });
  return form;
}

/*
 * Searches /api/v1/orgs by name or code within the allowed levels and lets
 * the user pick one node (radio buttons named org_id).
 */
function nodePicker() {
  let levels = null;
  let offset = 0;
  const levelSelect = h('select', { name: 'org_level' });
  const levelField = field({ label: t('orgs.level'), name: 'org_level', control: levelSelect });
  const query = field({ label: t('users.nodeSearch'), name: 'org_query', type: 'search',
    hint: t('users.nodeSearchHint'), attrs: { maxlength: '64' } });
  const results = h('div', { class: 'pick-results', 'aria-live': 'polite' });
  const legendId = nextId('leg');
  const run = async (newOffset) => {
    offset = newOffset;
    const term = el.querySelector('[name="org_query"]').value.trim();
    const q = { level: levelSelect.value, limit: PICK_PAGE, offset };
    if (CODE_RE.test(term)) q.code = term;
    else if (term) q.q = term;
    fill(results, loading());
    try {
      const page = await api('GET', '/orgs', { query: q });
      showResults(page);
    } catch (err) {
      fill(results, h('p', { class: 'field-error' }, errorText(err)));
    }
  };
  const showResults = (page) => {
    if (!page.items.length) {
      fill(results, empty(t('orgs.noResults')));
      return;
    }
    const name = 'org_id';
    const list = h('div', { class: 'pick-list', role: 'radiogroup', 'aria-labelledby': legendId },
      page.items.map((o) => {
        const rid = nextId('node');
        return h('div', { class: 'pick-item' },
          h('input', { type: 'radio', name, id: rid, value: String(o.id), checked: page.items.length === 1 }),
          h('label', { for: rid }, h('strong', null, o.name), ' ',
            h('span', { class: 'muted' }, t(`levels.${o.level}`)),
            o.parent_name ? h('span', { class: 'muted' }, ' · ', t('orgs.inParent', { parent: o.parent_name })) : null,
            ' ', h('span', { class: 'code' }, o.code)));
      }));
    const more = [];
    if (page.offset > 0) more.push(h('button', { type: 'button', class: 'btn', on: { click: () => run(Math.max(0, offset - PICK_PAGE)) } }, t('common.prev')));
    if (page.offset + page.limit < page.total) more.push(h('button', { type: 'button', class: 'btn', on: { click: () => run(offset + PICK_PAGE) } }, t('common.next')));
    fill(results,
      h('p', { class: 'muted small' }, t('orgs.results', { total: formatNumber(page.total) })),
      list, more.length ? h('div', { class: 'button-row' }, more) : null);
  };
  const searchBtn = h('button', { type: 'button', class: 'btn', on: { click: () => run(0) } },
    icon('search', 'icon icon-sm'), t('common.search'));
  const el = h('fieldset', { class: 'picker', hidden: true },
    h('legend', { id: legendId }, t('users.node')),
    levelField, query, h('div', { class: 'button-row' }, searchBtn), results);
  el.querySelector('[name="org_query"]').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      run(0);
    }
  });
  levelSelect.addEventListener('change', () => run(0));
  return {
    el,
    setLevels(next) {
      levels = next;
      fill(results);
      el.hidden = !levels;
      if (!levels) return;
      fill(levelSelect, ...levels.map((l) => h('option', { value: l }, t(`levels.${l}`))));
      levelField.hidden = levels.length < 2;
    },
  };
}
