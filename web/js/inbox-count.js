// The number of unread notices shown beside the inbox link and on the menu
// button. Read again on every page change (not on a timer: a request every
// minute would keep an idle session alive for ever).
import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

let slots = [];
let seq = 0;

/* Elements (each a .nav-count) that show the count; replaces the previous ones. */
export function attach(...elements) {
  slots = elements.filter(Boolean);
  for (const el of slots) el.hidden = true;
}

export function show(total) {
  for (const el of slots) {
    el.hidden = !total;
    el.replaceChildren(h('span', { 'aria-hidden': 'true' }, total > 99 ? '99+' : String(total)),
      h('span', { class: 'sr-only' }, t('inbox.unreadCount', { count: total })));
  }
}

/* Asks the server; a failure leaves the count as it was. */
export async function refresh() {
  if (!slots.length) return;
  const mine = ++seq;
  try {
    const page = await api('GET', '/inbox', { query: { unread: 'true', limit: 1 } });
    if (mine === seq) show(page.total);
  } catch {
    // the page itself reports a broken connection or an ended session
  }
}
