// Home: who I am, the roles I hold and where, and quick links to my work.
import { h, icon, section, add } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser, can } from '../session.js';

export function roleLine(r, linkNodes) {
  const where = r.org_id
    ? [t(`levels.${r.org_level}`), ' ', linkNodes ? h('a', { href: `#/orgs/${r.org_id}` }, r.org_name) : r.org_name,
      h('span', { class: 'code' }, r.org_code)]
    : [t('home.wholeDeployment')];
  return h('li', { class: 'role-item' },
    h('span', { class: 'badge badge-role' }, t(`roles.${r.role}`)),
    h('span', { class: 'role-where' }, ...where));
}

export async function render(view, ctx) {
  const user = currentUser();
  ctx.setTitle(t('nav.home'));
  const links = [
    can('registry.read') && ['#/people', 'building', t('home.linkPeople'), t('home.linkPeopleHint')],
    can('registry.read') && ['#/visits', 'visit', t('home.linkVisits'), can('visit.write') ? t('home.linkVisitsHintWorker') : t('home.linkVisitsHint')],
    can('event.read') && ['#/events', 'flag', t('home.linkEvents'), t('home.linkEventsHint')],
    can('event.report') && ['#/events/new', 'pin', t('home.linkReport'), t('home.linkReportHint')],
    can('event.report') && !can('event.read') && ['#/events/mine', 'list', t('home.linkMine'), t('home.linkMineHint')],
    ['#/inbox', 'bell', t('home.linkInbox'), t('home.linkInboxHint')],
    can('org.read') && ['#/orgs', 'tree', t('home.linkOrgs'), t('home.linkOrgsHint')],
    can('user.read') && ['#/users', 'users', t('home.linkUsers'), t('home.linkUsersHint')],
    can('audit.read') && ['#/audit', 'audit', t('home.linkAudit'), t('home.linkAuditHint')],
    ['#/me', 'key', t('home.linkMe'), t('home.linkMeHint')],
  ].filter(Boolean);
  add(view, 
    h('h1', { class: 'page-title' }, t('home.greeting', { name: user.display_name })),
    h('p', { class: 'lead' }, t('home.intro')),
    section(t('home.myRoles'),
      user.roles.length
        ? h('ul', { class: 'role-list' }, user.roles.map((r) => roleLine(r, can('org.read'))))
        : h('p', { class: 'muted' }, t('home.noRoles')),
      h('p', { class: 'muted small' }, t('home.signedInAs', { username: user.username }))),
    h('section', { class: 'quick', 'aria-label': t('home.quickLinks') },
      links.map(([href, ic, title, hint]) => h('a', { href, class: 'quick-link' },
        icon(ic, 'icon icon-lg'),
        h('span', { class: 'quick-text' }, h('strong', null, title), h('span', { class: 'muted' }, hint))))));
}
