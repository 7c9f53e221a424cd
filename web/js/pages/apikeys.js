// API keys for machines (#/api-keys, the system administrator): Open311
// clients and other programs. A new key is shown once, here; only its hash
// is kept, so a lost key is revoked and another issued.
import { api } from '../api.js';
import {
  h, add, fill, field, onSubmit, invalid, dataTable, section, loading, empty, toast, badge, icon, confirmDialog,
  toastError,
} from '../dom.js';
import { t, formatDateTime } from '../i18n.js';

function keyForm(ctx, shown) {
  const form = h('form', { class: 'form filter-grid', novalidate: true },
    field({ label: t('keys.name'), name: 'name', required: true, hint: t('keys.nameHint'), attrs: { maxlength: '64' } }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('key', 'icon icon-sm'), t('keys.issue'))));
  onSubmit(form, async (fd) => {
    const name = String(fd.get('name') || '').trim();
    if (!name) throw invalid('name', t('common.required'));
    const k = await api('POST', '/api-keys', { body: { name } });
    form.reset();
    fill(shown, h('div', { class: 'alert alert-ok', role: 'status' },
      h('p', null, t('keys.issued', { name: k.name })),
      h('p', null, h('code', { class: 'mono key-once' }, k.key)),
      h('p', { class: 'small' }, t('keys.once'))));
    toast(t('keys.issuedShort'));
  });
  return form;
}

export async function render(view, ctx) {
  ctx.setTitle(t('keys.title'));
  add(view, loading());
  const page = await api('GET', '/api-keys');
  if (!ctx.isCurrent()) return;
  const shown = h('div', { 'aria-live': 'polite' });
  const revoke = async (k) => {
    const ok = await confirmDialog({ title: t('keys.revoke'), message: t('keys.revokeQ', { name: k.name }),
      confirmLabel: t('keys.revoke') });
    if (!ok) return;
    try {
      await api('DELETE', `/api-keys/${k.id}`);
      toast(t('keys.revoked'));
      ctx.reload();
    } catch (err) {
      toastError(err);
    }
  };
  const cols = [
    { label: t('keys.name'), cell: (k) => k.name },
    { label: t('keys.created'), class: 'nowrap', cell: (k) => formatDateTime(k.created_at) },
    { label: t('keys.lastUsed'), class: 'nowrap', cell: (k) => (k.last_used_at ? formatDateTime(k.last_used_at) : '—') },
    { label: t('keys.state'), class: 'nowrap', cell: (k) => (k.revoked ? badge(t('keys.isRevoked'), 'badge-muted')
      : h('button', { type: 'button', class: 'btn btn-small', on: { click: () => revoke(k) } }, t('keys.revoke'))) },
  ];
  fill(view,
    h('h1', { class: 'page-title' }, t('keys.title')),
    h('p', { class: 'muted' }, t('keys.hint')),
    section(t('keys.new'), keyForm(ctx, shown), shown),
    section(t('keys.list'), page.items.length ? dataTable(cols, page.items, { caption: t('keys.list') })
      : empty(t('keys.none'))));
}
