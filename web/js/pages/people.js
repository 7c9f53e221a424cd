// People and places, the grid worker's way in (phone first): the buildings
// of a grid → a building with its addresses, houses and households → a
// household card with its members, visits and forms (log a visit, add a
// member) → the resident page (resident.js). Also the registry's landing
// page and an address on its own (a search result).
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, onSubmit, invalid, pager, facts, badge, section, panel,
  loading, empty, toast, toastError, nextId,
} from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { can } from '../session.js';
import {
  label, choices, tagChips, statusBadge, plate, unitRoom, naturalCompare, today, citizenFacts,
  startNodes, scopeId, scopeNode, scopeBar, tabHref, linkButton,
} from '../registry.js';

const BUILDINGS_PAGE = 200;

export async function render(view, ctx) {
  switch (ctx.view) {
    case 'buildings': return renderBuildings(view, ctx);
    case 'building': return renderBuilding(view, ctx, Number(ctx.params[0]));
    case 'address': return renderAddress(view, ctx, Number(ctx.params[0]));
    case 'household': return renderHousehold(view, ctx, Number(ctx.params[0]));
    default: return renderHome(view, ctx);
  }
}

/* ---------- landing ---------- */

/*
 * One starting node: a grid opens on its buildings, a larger area on its
 * statistics. Several: the user picks one.
 */
async function renderHome(view, ctx) {
  ctx.setTitle(t('reg.title'));
  add(view, loading());
  const nodes = await startNodes();
  if (!ctx.isCurrent()) return;
  if (nodes.length === 1) {
    const n = nodes[0];
    history.replaceState(null, '', tabHref(n.level === 'grid' ? 'buildings' : 'stats', n.id));
    ctx.reload();
    return;
  }
  fill(view,
    h('h1', { class: 'page-title' }, t('reg.title')),
    searchBox(ctx, null),
    nodes.length ? section(t('reg.chooseArea'),
      h('ul', { class: 'org-list' }, nodes.map((o) => h('li', { class: 'org-row' },
        h('a', { href: tabHref(o.level === 'grid' ? 'buildings' : 'stats', o.id), class: 'org-name stretched' }, o.name),
        h('span', { class: 'org-meta' }, badge(t(`levels.${o.level}`), `level-${o.level}`), h('span', { class: 'code' }, o.code)),
        icon('chevron', 'icon org-chevron')))))
      : empty(t('orgs.noScope')),
    h('div', { class: 'button-row' },
      linkButton(tabHref('residents'), t('reg.tab.residents'), 'users'),
      linkButton(tabHref('households'), t('reg.tab.households'), 'home'),
      linkButton(tabHref('units'), t('reg.tab.units'), 'building'),
      can('registry.import') ? linkButton('#/people/import', t('reg.tab.import'), 'upload') : null));
}

/* The search over names and addresses (GET /search), leading to #/people/search. */
export function searchBox(ctx, orgId, value = '') {
  const form = h('form', { class: 'search-form', role: 'search' },
    field({ label: t('reg.searchLabel'), name: 'q', type: 'search', value,
      attrs: { placeholder: t('reg.searchPlaceholder'), maxlength: '32', enterkeyhint: 'search' } }),
    h('div', { class: 'field field-action' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search', 'icon icon-sm'), t('common.search'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = form.elements.q.value.trim();
    if (q) ctx.go('/people/search', { q, org: orgId || '' });
  });
  return form;
}

/* ---------- buildings of a node ---------- */

async function renderBuildings(view, ctx) {
  add(view, loading());
  const orgId = await scopeId(ctx);
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const [node, page] = await Promise.all([
    scopeNode(orgId),
    api('GET', '/buildings', { query: { org_id: orgId, limit: BUILDINGS_PAGE, offset } }),
  ]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('reg.tab.buildings')} · ${node ? node.name : t('reg.title')}`);
  const isGrid = node && node.level === 'grid';
  // The server orders plates as text (100号 before 2号); within a page they read naturally.
  const items = [...page.items].sort((a, b) => naturalCompare(a.street, b.street) || naturalCompare(a.number, b.number)
    || naturalCompare(a.name || '', b.name || ''));
  fill(view,
    scopeBar(node, 'buildings'),
    h('h1', { class: 'page-title' }, node ? t('reg.buildingsOf', { name: node.name }) : t('reg.tab.buildings')),
    searchBox(ctx, orgId),
    h('p', { class: 'muted' }, t('reg.buildingCount', { total: formatNumber(page.total) })),
    items.length ? h('ul', { class: 'org-list', 'aria-label': t('reg.tab.buildings') }, items.map((b) => h('li', { class: 'org-row' },
      h('a', { href: `#/people/b/${b.id}`, class: 'org-name stretched' }, plate(b)),
      h('span', { class: 'org-meta' },
        b.households ? h('span', null, t('reg.householdsCount', { count: formatNumber(b.households) })) : h('span', null, t('reg.noHouseholds')),
        b.households ? h('span', null, t('reg.residentsCount', { count: formatNumber(b.residents) })) : null,
        b.addresses > 1 ? h('span', null, t('reg.addressesCount', { count: formatNumber(b.addresses) })) : null,
        isGrid ? null : h('span', { class: 'code' }, b.code)),
      icon('chevron', 'icon org-chevron'))))
      : empty(t('reg.noBuildings')),
    pager(page, (o) => ctx.go('/people/buildings', { org: orgId, offset: o })),
    can('registry.write') && isGrid ? newBuildingPanel(ctx, node) : null,
    can('registry.write') && node && !isGrid ? h('p', { class: 'muted small' }, t('reg.newBuildingInGrid')) : null);
}

/* A new door plate (and its first address) in a grid: POST /addresses with grid_id, street, number. */
function newBuildingPanel(ctx, grid) {
  const form = h('form', { class: 'form form-grid', novalidate: true },
    field({ label: t('reg.street'), name: 'street', required: true, hint: t('reg.streetHint'), attrs: { maxlength: '64' } }),
    field({ label: t('reg.number'), name: 'number', required: true, hint: t('reg.numberHint'), attrs: { maxlength: '32' } }),
    field({ label: t('reg.buildingName'), name: 'building', hint: t('reg.buildingNameHint'), attrs: { maxlength: '32' } }),
    field({ label: t('reg.unit'), name: 'unit', attrs: { maxlength: '16' } }),
    field({ label: t('reg.room'), name: 'room', attrs: { maxlength: '16' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.createBuilding'))));
  onSubmit(form, async (fd) => {
    const body = { grid_id: grid.id };
    for (const k of ['street', 'number', 'building', 'unit', 'room']) body[k] = String(fd.get(k)).trim();
    if (!body.street) throw invalid('street', t('common.required'));
    if (!body.number) throw invalid('number', t('common.required'));
    const a = await api('POST', '/addresses', { body });
    toast(t('reg.addressCreated', { text: a.text }));
    ctx.go(`/people/b/${a.building_id}`);
  }, { grid_id: 'street', name: 'building' });
  return panel(t('reg.newBuilding'), form);
}

/* ---------- one building ---------- */

function placeCrumbs(gridId, gridName, items) {
  const list = [h('li', null, h('a', { href: '#/people' }, t('reg.title')))];
  if (gridId) list.push(h('li', null, h('a', { href: tabHref('buildings', gridId) }, gridName || t('levels.grid'))));
  for (const [href, text] of items) {
    list.push(h('li', null, href ? h('a', { href }, text) : h('span', { 'aria-current': 'page' }, text)));
  }
  return h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null, list));
}

async function renderBuilding(view, ctx, id) {
  add(view, loading());
  const b = await api('GET', `/buildings/${id}`);
  if (!ctx.isCurrent()) return;
  const name = plate(b);
  ctx.setTitle(name);
  const households = b.addresses.reduce((n, a) => n + a.households.length, 0);
  const residents = b.addresses.reduce((n, a) => n + a.households.reduce((m, hh) => m + (hh.members || 0), 0), 0);
  const addresses = [...b.addresses].sort((x, y) => naturalCompare(x.unit, y.unit) || naturalCompare(x.room, y.room));
  fill(view,
    placeCrumbs(b.grid_id, b.grid_name, [[null, name]]),
    h('div', { class: 'node-title' }, h('h1', { class: 'page-title' }, name)),
    facts([
      [t('levels.grid'), h('a', { href: tabHref('buildings', b.grid_id) }, b.grid_name)],
      [t('orgs.code'), h('span', { class: 'code' }, b.code)],
      [t('reg.addresses'), formatNumber(b.addresses.length)],
      [t('reg.households'), formatNumber(households)],
      [t('reg.residents'), formatNumber(residents)],
      b.lon !== null && b.lat !== null && b.lon !== undefined ? [t('reg.position'), `${b.lon}, ${b.lat}`] : null,
    ]),
    h('h2', { class: 'section-title' }, t('reg.addressesAndHouseholds')),
    addresses.length ? addresses.map((a) => addressCard(ctx, a, { title: unitRoom(a) })) : empty(t('reg.noAddresses')),
    can('registry.write') ? newAddressPanel(ctx, b) : null);
}

/*
 * One address: its house (occupancy), its households (number, head,
 * members) and, for registry.write, a button that opens a new household.
 */
function addressCard(ctx, a, opts) {
  const occupancy = a.house ? a.house.occupancy : null;
  const list = a.households.length
    ? h('ul', { class: 'org-list hh-list' }, a.households.map((hh) => h('li', { class: 'org-row' },
      h('a', { href: `#/people/h/${hh.id}`, class: 'org-name stretched' },
        hh.head_name ? t('reg.headIs', { name: hh.head_name }) : t('reg.noHead')),
      h('span', { class: 'org-meta' },
        hh.number ? h('span', null, t('reg.householdNo', { number: hh.number })) : null,
        h('span', null, t('reg.membersCount', { count: formatNumber(hh.members || 0) }))),
      icon('chevron', 'icon org-chevron'))))
    : h('p', { class: 'muted' }, t('reg.noHouseholds'));
  return h('section', { class: 'card addr-card' },
    h('div', { class: 'addr-head' },
      h('h3', { class: 'addr-title' }, opts.title),
      occupancy ? badge(label('occupancy', occupancy), occupancy === 'vacant' ? 'muted' : occupancy === 'rented' ? 'warn' : 'ok')
        : h('span', { class: 'muted small' }, t('reg.noHouse'))),
    a.house && a.house.area ? h('p', { class: 'muted small' }, t('reg.area', { area: a.house.area })) : null,
    list,
    can('registry.write') ? newHouseholdPanel(ctx, a) : null);
}

function newHouseholdPanel(ctx, a) {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('reg.householdNumber'), name: 'number', hint: t('reg.householdNumberHint'), attrs: { maxlength: '32' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.createHousehold'))));
  onSubmit(form, async (fd) => {
    const body = { address_id: a.id };
    const number = String(fd.get('number')).trim();
    if (number) body.number = number;
    const hh = await api('POST', '/households', { body });
    toast(t('reg.householdCreated'));
    ctx.go(`/people/h/${hh.id}`);
  }, { address_id: 'number' });
  return panel(t('reg.newHousehold'), form);
}

function newAddressPanel(ctx, b) {
  const form = h('form', { class: 'form form-grid', novalidate: true },
    field({ label: t('reg.unit'), name: 'unit', hint: t('reg.unitHint'), attrs: { maxlength: '16' } }),
    field({ label: t('reg.room'), name: 'room', hint: t('reg.roomHint'), attrs: { maxlength: '16' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.createAddress'))));
  onSubmit(form, async (fd) => {
    const unit = String(fd.get('unit')).trim();
    const room = String(fd.get('room')).trim();
    if (!unit && !room) throw invalid('room', t('reg.unitOrRoom'));
    const a = await api('POST', '/addresses', { body: { building_id: b.id, unit, room } });
    toast(t('reg.addressCreated', { text: a.text }));
    ctx.reload();
  }, { building_id: 'room' });
  return panel(t('reg.newAddress'), form);
}

/* ---------- one address (from a search) ---------- */

async function renderAddress(view, ctx, id) {
  add(view, loading());
  const a = await api('GET', `/addresses/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(a.text);
  const buildingName = [a.street, a.number, a.building].filter(Boolean).join(' ');
  let house = null;
  if (a.house_id) {
    try {
      house = await api('GET', `/houses/${a.house_id}`);
    } catch (err) {
      if (err.status === 401) throw err;
    }
    if (!ctx.isCurrent()) return;
  }
  fill(view,
    placeCrumbs(a.grid_id, a.grid_name, [[`#/people/b/${a.building_id}`, buildingName], [null, unitRoom(a)]]),
    h('h1', { class: 'page-title' }, a.text),
    facts([
      [t('levels.grid'), h('a', { href: tabHref('buildings', a.grid_id) }, a.grid_name)],
      [t('reg.building'), h('a', { href: `#/people/b/${a.building_id}` }, buildingName)],
      [t('orgs.code'), h('span', { class: 'code' }, a.code)],
      house ? [t('reg.field.occupancy'), label('occupancy', house.occupancy)] : null,
      house ? [t('reg.field.use'), label('houseUse', house.use)] : null,
      house ? [t('reg.field.ownership'), label('ownership', house.ownership)] : null,
      house && house.area ? [t('reg.areaLabel'), t('reg.area', { area: house.area })] : null,
    ]),
    addressCard(ctx, { ...a, house: house ? { occupancy: house.occupancy } : null }, { title: t('reg.households') }));
}

/* ---------- the household card ---------- */

async function renderHousehold(view, ctx, id) {
  add(view, loading());
  const hh = await api('GET', `/households/${id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(hh.address);
  const head = hh.members.find((m) => m.id === hh.head_id);
  const active = hh.members.filter((m) => m.status === 'active');
  const gone = hh.members.filter((m) => m.status !== 'active');
  fill(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': t('orgs.breadcrumbs') }, h('ol', null,
      h('li', null, h('a', { href: '#/people' }, t('reg.title'))),
      h('li', null, h('a', { href: `#/people/b/${hh.building_id}` }, hh.address)),
      h('li', null, h('span', { 'aria-current': 'page' }, t('reg.household'))))),
    h('div', { class: 'node-title' },
      h('h1', { class: 'page-title' }, hh.address),
      hh.number ? badge(t('reg.householdNo', { number: hh.number }), 'role') : null),
    facts([
      [t('reg.head'), head ? h('a', { href: `#/people/r/${head.id}` }, head.name) : '—'],
      [t('reg.members'), formatNumber(active.length)],
      [t('reg.field.occupancy'), hh.house ? label('occupancy', hh.house.occupancy) : t('reg.noHouse')],
      hh.house && hh.house.area ? [t('reg.areaLabel'), t('reg.area', { area: hh.house.area })] : null,
      [t('levels.grid'), hh.grid_name || '—'],
      [t('reg.building'), h('a', { href: `#/people/b/${hh.building_id}` }, t('reg.openBuilding'))],
    ]),
    section(t('reg.members'),
      active.length ? memberList(active) : empty(t('reg.noMembers')),
      gone.length ? panel(t('reg.formerMembers', { count: gone.length }), memberList(gone)) : null,
      can('registry.write') ? panel(t('reg.addMember'), newResidentForm(ctx, hh)) : null),
    visitsSection(ctx, hh));
}

function memberList(members) {
  return h('ul', { class: 'member-list' }, members.map((m) => h('li', { class: 'member' },
    h('div', { class: 'member-head' },
      h('a', { href: `#/people/r/${m.id}`, class: 'member-name' }, m.name),
      badge(label('relation', m.relation), 'role'),
      statusBadge(m.status)),
    h('div', { class: 'member-facts' },
      h('span', null, `${label('gender', m.gender)} · ${t('reg.ageYears', { age: m.age })}`),
      h('span', null, label('residence', m.residence_type))),
    h('div', { class: 'member-numbers' },
      h('span', { class: 'masked', title: t('reg.idNumber') }, m.id_number),
      m.phone ? h('span', { class: 'masked', title: t('reg.phone') }, icon('phone', 'icon icon-sm'), m.phone) : null),
    tagChips(m.tags))));
}

/* A new member of the household: POST /residents with household_id. */
function newResidentForm(ctx, hh) {
  const idField = field({ label: t('reg.idNumber'), name: 'id_number', required: true, hint: t('reg.idNumberHint'),
    attrs: { maxlength: '32', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' } });
  const form = h('form', { class: 'form form-grid', novalidate: true },
    field({ label: t('reg.name'), name: 'name', required: true, attrs: { maxlength: '64', autocomplete: 'off' } }),
    field({ label: t('reg.field.relation'), name: 'relation', control: selectEl('relation', choices('relation'), hh.members.length ? 'child' : 'self') }),
    field({ label: t('reg.field.id_type'), name: 'id_type', control: selectEl('id_type', choices('idType'), 'citizen') }),
    idField,
    field({ label: t('reg.field.gender'), name: 'gender', required: true, control: selectEl('gender', choices('gender', t('reg.choose')), '') }),
    field({ label: t('reg.birthDate'), name: 'birth_date', type: 'date', required: true }),
    field({ label: t('reg.phone'), name: 'phone', type: 'tel', hint: t('msg.mobile'), attrs: { maxlength: '11', inputmode: 'numeric', autocomplete: 'off' } }),
    field({ label: t('reg.ethnicity'), name: 'ethnicity', value: '汉族', attrs: { maxlength: '16' } }),
    field({ label: t('reg.residenceType'), name: 'residence_type', control: selectEl('residence_type', choices('residence'), 'registered') }),
    field({ label: t('reg.field.employment'), name: 'employment', control: selectEl('employment', choices('employment', t('reg.notGiven')), '') }),
    field({ label: t('reg.movedInOn'), name: 'moved_in_on', type: 'date' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.addMember'))));
  // A citizen number states the birth date and gender: fill them in when still empty.
  form.elements.id_number.addEventListener('change', () => {
    if (form.elements.id_type.value !== 'citizen') return;
    const f = citizenFacts(form.elements.id_number.value.trim());
    if (!f) return;
    if (!form.elements.birth_date.value) form.elements.birth_date.value = f.birth_date;
    if (!form.elements.gender.value) form.elements.gender.value = f.gender;
  });
  onSubmit(form, async (fd) => {
    const body = { household_id: hh.id };
    for (const k of ['name', 'relation', 'id_type', 'id_number', 'gender', 'birth_date', 'phone', 'ethnicity',
      'residence_type', 'employment', 'moved_in_on']) {
      const v = String(fd.get(k) || '').trim();
      if (v) body[k] = k === 'id_number' ? v.toUpperCase() : v;
    }
    for (const k of ['name', 'id_number', 'gender', 'birth_date']) if (!body[k]) throw invalid(k, t('common.required'));
    const r = await api('POST', '/residents', { body });
    toast(t('reg.memberAdded', { name: r.name }));
    ctx.reload();
  }, { household_id: 'name', address_id: 'name' });
  return form;
}

/* ---------- visits ---------- */

function visitsSection(ctx, hh) {
  const visits = hh.visits || [];
  return section(t('reg.visits'),
    can('visit.write') ? panel(t('reg.logVisit'), visitForm(ctx, hh), !visits.length) : null,
    visits.length ? visitList(ctx, visits) : empty(t('reg.noVisits')));
}

function visitForm(ctx, hh) {
  const form = h('form', { class: 'form visit-form', novalidate: true },
    field({ label: t('reg.visitedOn'), name: 'visited_on', type: 'date', required: true, value: today(), attrs: { max: today() } }),
    field({ label: t('reg.notes'), name: 'notes', type: 'textarea', required: true, hint: t('reg.notesHint'),
      attrs: { rows: '4', maxlength: '2000' } }),
    field({ label: t('reg.followUp'), name: 'follow_up', type: 'textarea', hint: t('reg.followUpHint'),
      attrs: { rows: '2', maxlength: '500' } }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, t('reg.saveVisit'))));
  onSubmit(form, async (fd) => {
    const body = {
      visited_on: String(fd.get('visited_on')),
      notes: String(fd.get('notes')).trim(),
    };
    if (!body.visited_on) throw invalid('visited_on', t('common.required'));
    if (!body.notes) throw invalid('notes', t('common.required'));
    const follow = String(fd.get('follow_up')).trim();
    if (follow) body.follow_up = follow;
    await api('POST', `/households/${hh.id}/visits`, { body });
    toast(t('reg.visitSaved'));
    ctx.reload();
  });
  return form;
}

/* Visits as cards: date, visitor, notes, the follow-up and its state (closable with visit.write). */
export function visitList(ctx, visits, opts = {}) {
  return h('ul', { class: 'visit-list' }, visits.map((v) => {
    const id = nextId('visit');
    return h('li', { class: 'visit', 'aria-labelledby': id },
      h('div', { class: 'visit-head' },
        h('strong', { id }, v.visited_on),
        h('span', { class: 'muted' }, v.visitor_name),
        opts.withAddress ? h('a', { href: `#/people/h/${v.household_id}`, class: 'visit-address' }, v.address || t('reg.openHousehold')) : null),
      h('p', { class: 'visit-notes' }, v.notes),
      v.follow_up ? h('div', { class: ['visit-follow', v.follow_up_done ? 'is-done' : 'is-open'] },
        h('span', { class: 'visit-follow-label' }, t('reg.followUp')),
        h('span', { class: 'visit-follow-text' }, v.follow_up),
        v.follow_up_done ? badge(t('reg.followUpDone'), 'ok') : badge(t('reg.followUpOpen'), 'warn'),
        !v.follow_up_done && can('visit.write') ? h('button', {
          type: 'button', class: 'btn btn-small', on: { click: (ev) => closeFollowUp(ctx, v, ev.currentTarget) },
        }, icon('check', 'icon icon-sm'), t('reg.markDone')) : null) : null);
  }));
}

async function closeFollowUp(ctx, v, button) {
  button.disabled = true;
  try {
    await api('PATCH', `/visits/${v.id}`, { body: { follow_up_done: true } });
    toast(t('reg.followUpClosed'));
    ctx.reload();
  } catch (err) {
    button.disabled = false;
    toastError(err);
  }
}
