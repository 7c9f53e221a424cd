// Sign-in page: username, password, language switch and clear messages for
// wrong credentials, a locked account (423) and too many attempts (429).
import { h, field, errorBox, add, fill } from '../dom.js';
import { t } from '../i18n.js';
import * as session from '../session.js';

let lastUsername = '';

function minutes(seconds, fallback) {
  return seconds ? Math.max(1, Math.ceil(seconds / 60)) : fallback;
}

function failureMessage(err) {
  switch (err.code) {
    case 'invalid_credentials':
      return h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, t('login.invalid')));
    case 'account_locked':
      return h('div', { class: 'alert alert-error', role: 'alert' },
        h('strong', null, t('errors.account_locked')),
        h('span', { class: 'alert-detail' }, t('login.locked', { minutes: minutes(err.retryAfter, 10) })));
    case 'rate_limited':
      return h('div', { class: 'alert alert-error', role: 'alert' },
        h('strong', null, t('errors.rate_limited')),
        h('span', { class: 'alert-detail' }, t('login.rateLimited', { minutes: minutes(err.retryAfter, 10) })));
    default:
      return errorBox(err);
  }
}

export function render(view, { notice, languageSwitch, onSignedIn }) {
  const status = h('div', { class: 'login-status', 'aria-live': 'assertive' });
  const user = field({ label: t('login.username'), name: 'username', required: true, value: lastUsername,
    autocomplete: 'username', attrs: { autocapitalize: 'none', spellcheck: 'false', maxlength: '64' } });
  const pass = field({ label: t('login.password'), name: 'password', type: 'password', required: true,
    autocomplete: 'current-password', attrs: { maxlength: '1024' } });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
  const form = h('form', { class: 'login-form', novalidate: true }, status, user, pass, submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    lastUsername = username;
    fill(status);
    if (!username || !password) {
      add(status, h('div', { class: 'alert alert-error', role: 'alert' }, t('login.missing')));
      (username ? form.elements.password : form.elements.username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.signingIn');
    try {
      await session.signIn(username, password);
      lastUsername = '';
      onSignedIn();
    } catch (err) {
      submit.disabled = false;
      submit.textContent = t('login.submit');
      add(status, failureMessage(err));
      form.elements.password.value = '';
      form.elements.password.focus();
    }
  });

  add(view, h('div', { class: 'login-card' },
    h('div', { class: 'login-head' },
      h('span', { class: 'brand-mark brand-mark-lg', 'aria-hidden': 'true' }),
      h('h1', { class: 'login-title' }, t('app.name')),
      h('p', { class: 'login-sub' }, t('app.tagline'))),
    notice ? h('div', { class: 'alert alert-info', role: 'status' }, notice) : null,
    form,
    h('div', { class: 'login-foot' }, languageSwitch())));
  const first = lastUsername ? form.elements.password : form.elements.username;
  first.focus();
}
