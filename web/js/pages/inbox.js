// My notices (#/inbox), newest first: new assignments, returns, rework,
// postponements, deadline warnings and overdue cases, and news of one's own
// reports. Unread ones are marked in words and weight, not colour alone;
// opening one (or "mark read") marks it read and updates the count in the
// navigation.
import { api } from '../api.js';
import { h, add, fill, pager, loading, empty, toast, toastError, badge } from '../dom.js';
import { t, tOr, formatDateTime, formatNumber } from '../i18n.js';
import * as inboxCount from '../inbox-count.js';
import { stateBadge, eventHref } from '../events.js';
import { stateBadge as couStateBadge } from './counselling.js';

const PAGE = 50;

export async function render(view, ctx) {
  ctx.setTitle(t('inbox.title'));
  const unreadOnly = ctx.query.get('unread') === '1';
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  add(view, loading());
  const page = await api('GET', '/inbox', { query: { unread: unreadOnly ? 'true' : '', limit: PAGE, offset } });
  if (!ctx.isCurrent()) return;
  const tab = (only, text) => h('li', null, h('a', {
    href: only ? '#/inbox?unread=1' : '#/inbox', class: 'tab', 'aria-current': only === unreadOnly ? 'page' : null,
  }, text));
  const unread = page.items.filter((n) => !n.read);
  // One request per notice (the API marks one at a time); a page holds at most 50.
  const markPage = unread.length > 1 ? h('button', {
    type: 'button', class: 'btn btn-small',
    on: {
      click: async (ev) => {
        ev.currentTarget.disabled = true;
        const results = await Promise.allSettled(unread.map((n) => api('POST', `/inbox/${n.id}/read`)));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) toastError(failed.reason);
        else toast(t('inbox.markedPage', { count: formatNumber(unread.length) }));
        ctx.reload();
      },
    },
  }, t('inbox.markPage')) : null;
  fill(view,
    h('h1', { class: 'page-title' }, t('inbox.title')),
    h('nav', { class: 'tabs', 'aria-label': t('inbox.title') }, h('ul', null,
      tab(false, t('inbox.all')), tab(true, t('inbox.unread')))),
    h('div', { class: 'inbox-bar' },
      h('p', { class: 'muted' }, t(unreadOnly ? 'inbox.countUnread' : 'inbox.count', { total: formatNumber(page.total) })),
      markPage),
    page.items.length ? h('ul', { class: 'notice-list' }, page.items.map((n) => notice(n))) : empty(unreadOnly ? t('inbox.noneUnread') : t('inbox.none')),
    pager(page, (o) => ctx.go('/inbox', { unread: unreadOnly ? '1' : '', offset: o })));
}

function caseHref(n) {
  if (n.case_kind === 'application') return `#/applications/${n.case_id}`;
  if (n.case_kind === 'counselling') return `#/counselling/cases/${n.case_id}`;
  if (n.case_kind === 'mediation') return `#/mediation/${n.case_id}`;
  if (n.case_kind === 'access') return n.kind === 'task' ? '#/tasks' : `#/access/${n.case_id}`;
  return n.case_kind === 'event' ? eventHref(n.case_id) : null;
}

/* Counselling notices keep their neutral title and speak their own words. */
const isCou = (n) => n.case_kind === 'counselling';
const noticeTitle = (n) => (isCou(n) ? t('cou.title') : n.title);
const noticeKind = (n) => (isCou(n) ? tOr(`cou.inboxKind.${n.kind}`, n.kind) : tOr(`inbox.kind.${n.kind}`, n.kind));

async function markRead(n) {
  await api('POST', `/inbox/${n.id}/read`);
  n.read = true;
  inboxCount.refresh();
}

function notice(n) {
  const href = caseHref(n);
  const item = h('li', { class: ['notice', n.read ? 'is-read' : 'is-unread'] });
  const draw = () => {
    const link = href ? h('a', { href, class: 'notice-link' }, `#${n.case_id} ${noticeTitle(n)}`) : h('span', null, `#${n.case_id} ${noticeTitle(n)}`);
    // Opening a notice reads it; the page opens whether or not the mark succeeds.
    if (href && !n.read) {
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        markRead(n).catch(() => {}).finally(() => { location.hash = href; });
      });
    }
    const mark = n.read ? null : h('button', {
      type: 'button', class: 'btn btn-small',
      on: {
        click: async (ev) => {
          ev.currentTarget.disabled = true;
          try {
            await markRead(n);
            draw();
            // The button is gone: keep the keyboard on this notice.
            const l = item.querySelector('.notice-link');
            if (l) l.focus();
          } catch (err) {
            toastError(err);
            draw();
          }
        },
      },
    }, t('inbox.markRead'));
    item.className = ['notice', n.read ? 'is-read' : 'is-unread'].join(' ');
    fill(item,
      h('div', { class: 'notice-head' },
        n.read ? null : badge(t('inbox.unreadMark'), 'unread'),
        h('strong', { class: 'notice-kind' }, n.case_kind === 'mediation' ? tOr(`med.inbox.${n.kind}`, n.kind)
          : n.case_kind === 'access' ? tOr(`acc.inbox.${n.kind}`, n.kind) : noticeKind(n)),
        h('time', { datetime: n.at, class: 'muted small' }, formatDateTime(n.at))),
      h('div', { class: 'notice-body' }, link,
        isCou(n) ? couStateBadge(n.state)
          : n.case_kind === 'application' ? badge(t(`sv.state.${n.state}`))
            : n.case_kind === 'mediation' ? badge(tOr(`med.state.${n.state}`, n.state))
              : n.case_kind === 'access' ? badge(tOr(`acc.state.${n.state}`, n.state)) : stateBadge(n.state)),
      mark ? h('div', { class: 'notice-actions' }, mark) : null);
  };
  draw();
  return item;
}
