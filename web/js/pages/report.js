// Reporting an event (#/events/new), phone first: the category in two
// steps (大类, then 小类), what is wrong, where (the device's position; a
// point picked on the map of one's grids, for those who report in a grid
// or community; a standard address, for those who read the registry), and
// for staff the source (patrol, hotline, instruction, or fixed on the spot
// with what was done). Before saving at a position, open events of the
// same category nearby are offered as possible duplicates: the user opens
// them, goes on or stops. Residents report as residents, without a source.
import { api } from '../api.js';
import {
  h, fill, icon, field, selectEl, onSubmit, invalid, nextId, loading, empty, toast, errorText,
} from '../dom.js';
import { t, formatDateTime, formatNumber, language } from '../i18n.js';
import { can } from '../session.js';
import { loadEcharts, keepCharts } from '../registry.js';
import {
  categories, categoryName, stateBadge, eventHref, nodesWith, areaFeatures, aspectOf,
} from '../events.js';

const STAFF_SOURCES = ['patrol', 'hotline', 'instruction'];
const ADDRESS_PAGE = 20;

export async function render(view, ctx) {
  ctx.setTitle(t('ev.new'));
  view.append(loading());
  const [cat, reportNodes] = await Promise.all([categories(), nodesWith('event.report')]);
  if (!ctx.isCurrent()) return;
  const staff = can('event.read');
  const canAddress = can('registry.read');
  // Picking on the map is offered where the grids are few: a grid or a community.
  const mapNodes = reportNodes.length && reportNodes.every((n) => n.level === 'grid' || n.level === 'community') ? reportNodes : null;

  // Where: the point found by the device, or the address picked.
  const where = { point: null, addressId: null, confirmed: false };

  /* ---- category: 大类 then 小类 ---- */
  const parentSelect = selectEl('category_parent',
    [['', t('ev.chooseParent')], ...cat.parents.map((p) => [p.code, categoryName(p)])], '');
  const childSelect = selectEl('category', [['', t('ev.chooseParentFirst')]], '');
  childSelect.disabled = true;
  parentSelect.addEventListener('change', () => {
    const kids = cat.children.get(parentSelect.value) || [];
    fill(childSelect, h('option', { value: '' }, kids.length ? t('ev.chooseChild') : t('ev.chooseParentFirst')),
      ...kids.map((c) => h('option', { value: c.code }, categoryName(c))));
    childSelect.disabled = !kids.length;
    where.confirmed = false;
  });
  childSelect.addEventListener('change', () => { where.confirmed = false; });

  /* ---- location ---- */
  const position = h('input', { type: 'text', name: 'position', readonly: true, placeholder: t('ev.noPosition'), autocomplete: 'off' });
  const setPoint = (lat, lon) => {
    where.point = { lat, lon };
    where.confirmed = false;
    position.value = `${lat.toFixed(6)}, ${lon.toFixed(6)}`;
    position.removeAttribute('aria-invalid');
  };
  const geoStatus = h('p', { class: 'geo-status', role: 'status', 'aria-live': 'polite' });
  const locateBtn = h('button', { type: 'button', class: 'btn', on: { click: () => locate() } },
    icon('locate', 'icon icon-sm'), t('ev.locate'));
  const gpsBox = h('div', { class: 'loc-gps' }, h('div', { class: 'button-row' }, locateBtn), geoStatus);
  const mapBox = mapNodes ? pickMap(ctx, mapNodes, setPoint) : null;
  const otherWays = [mapNodes ? t('ev.geo.orMap') : null, canAddress ? t('ev.geo.orAddress') : null].filter(Boolean);
  const fallback = otherWays.length ? otherWays.join(' ') : t('ev.geo.orLater');

  const setGeo = (text, kind) => {
    geoStatus.className = ['geo-status', kind ? `geo-${kind}` : ''].join(' ');
    geoStatus.textContent = text;
  };
  const locate = () => {
    if (!window.isSecureContext) {
      setGeo(`${t('ev.geo.insecure')} ${fallback}`, 'error');
      return;
    }
    if (!navigator.geolocation) {
      setGeo(`${t('ev.geo.unsupported')} ${fallback}`, 'error');
      return;
    }
    locateBtn.disabled = true;
    setGeo(t('ev.geo.locating'), '');
    navigator.geolocation.getCurrentPosition((pos) => {
      locateBtn.disabled = false;
      setPoint(Math.round(pos.coords.latitude * 1e6) / 1e6, Math.round(pos.coords.longitude * 1e6) / 1e6);
      const accuracy = Math.round(pos.coords.accuracy || 0);
      setGeo(accuracy > 0 ? t('ev.geo.found', { accuracy: formatNumber(accuracy) }) : t('ev.geo.foundPlain'), 'ok');
    }, (err) => {
      locateBtn.disabled = false;
      const key = err.code === 1 ? 'denied' : err.code === 3 ? 'timeout' : 'unavailable';
      setGeo(`${t(`ev.geo.${key}`)} ${fallback}`, 'error');
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  };

  const addressBox = canAddress ? addressPicker(where) : null;
  const pointBox = h('div', { class: 'loc-point' },
    field({ label: t('ev.position'), name: 'position', control: position, hint: mapNodes ? t('ev.positionHintMap') : t('ev.positionHint') }),
    gpsBox, mapBox ? mapBox.el : null);
  const choices = [['gps', t('ev.byPosition')], mapNodes ? ['map', t('ev.byMap')] : null, canAddress ? ['address', t('ev.byAddress')] : null]
    .filter(Boolean);
  const modes = choices.length > 1 ? h('div', { class: 'seg', role: 'radiogroup', 'aria-label': t('ev.where') },
    ...choices.map(([v, text], i) => {
      const id = nextId('loc');
      return h('span', { class: 'seg-item' },
        h('input', { type: 'radio', name: 'loc_mode', id, value: v, checked: i === 0 }),
        h('label', { for: id }, text));
    })) : null;
  const mode = () => (modes ? modes.querySelector('input:checked').value : 'gps');
  const byAddress = () => mode() === 'address';
  const showMode = () => {
    const m = mode();
    pointBox.hidden = m === 'address';
    gpsBox.hidden = m !== 'gps';
    if (addressBox) addressBox.el.hidden = m !== 'address';
    if (mapBox) {
      mapBox.el.hidden = m !== 'map';
      if (m === 'map') mapBox.show();
    }
    where.confirmed = false;
  };
  if (modes) modes.addEventListener('change', showMode);
  showMode();

  /* ---- source (staff) ---- */
  const sources = [...STAFF_SOURCES, ...(can('event.handle') ? ['self'] : [])];
  const sourceSelect = staff ? selectEl('source', sources.map((s) => [s, t(`ev.source.${s}`)]), 'patrol') : null;
  const feedbackField = staff ? field({ label: t('ev.selfFeedback'), name: 'feedback', type: 'textarea', required: true,
    hint: t('ev.selfFeedbackHint'), attrs: { rows: '3', maxlength: '2000' } }) : null;
  if (staff) {
    feedbackField.hidden = true;
    sourceSelect.addEventListener('change', () => { feedbackField.hidden = sourceSelect.value !== 'self'; });
  }

  const dupSlot = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-wide' }, t('ev.submit'));
  const form = h('form', { class: 'form report-form', novalidate: true },
    h('fieldset', { class: 'picker' },
      h('legend', null, t('ev.field.category')),
      field({ label: t('ev.parent'), name: 'category_parent', control: parentSelect, required: true }),
      field({ label: t('ev.child'), name: 'category', control: childSelect, required: true })),
    field({ label: t('ev.description'), name: 'description', type: 'textarea', required: true, hint: t('ev.descriptionHint'),
      attrs: { rows: '4', maxlength: '2000' } }),
    h('fieldset', { class: 'picker' },
      h('legend', null, t('ev.where')),
      modes, pointBox, addressBox ? addressBox.el : null),
    staff ? field({ label: t('ev.field.source'), name: 'source', control: sourceSelect, hint: t('ev.sourceHint') }) : null,
    feedbackField,
    field({ label: t('ev.photo'), name: 'photo', hint: t('ev.photoHint'),
      control: h('input', { type: 'file', name: 'photo', id: 'ev-report-photo', accept: 'image/jpeg,image/png',
        capture: 'environment' }) }),
    dupSlot,
    h('div', { class: 'form-actions' }, submit));

  onSubmit(form, async (fd) => {
    const body = {
      category: String(fd.get('category') || ''),
      description: String(fd.get('description') || '').trim(),
    };
    if (!parentSelect.value) throw invalid('category_parent', t('ev.chooseParent'));
    if (!body.category) throw invalid('category', t('ev.chooseChild'));
    if ([...body.description].length < 2) throw invalid('description', t('msg.tooShort'));
    if (byAddress()) {
      if (!where.addressId) throw invalid('address_q', t('ev.needAddress'));
      body.address_id = where.addressId;
    } else {
      if (!where.point) throw invalid('position', t('ev.needPosition'));
      body.lat = where.point.lat;
      body.lon = where.point.lon;
    }
    if (staff) {
      body.source = sourceSelect.value;
      if (body.source === 'self') {
        body.feedback = String(fd.get('feedback') || '').trim();
        if (!body.feedback) throw invalid('feedback', t('common.required'));
      }
    }
    // Possible duplicates first: the same category within 100 m, still open.
    if (!where.confirmed) {
      // At an address the server compares from its building's position, when it has one.
      const at = body.address_id ? { address_id: body.address_id } : { lat: body.lat, lon: body.lon };
      const near = await api('GET', '/events/nearby', { query: { category: body.category, ...at } });
      if (near.items.length) {
        showDuplicates(dupSlot, near.items, {
          onGo: () => { where.confirmed = true; form.requestSubmit(submit); },
          onStop: () => ctx.go(staff ? '/events' : '/events/mine'),
        });
        return;
      }
    }
    const photo = fd.get('photo');
    if (photo && photo.size > 5 * 1024 * 1024) throw invalid('photo', t('ev.photoTooLarge'));
    const ev = await api('POST', '/events', { body });
    toast(ev.state === 'closed' ? t('ev.reportedClosed', { id: ev.id }) : t('ev.reported', { id: ev.id }));
    // The report stands even when its photo is refused; the event page can take another.
    if (photo && photo.size) {
      try {
        await api('POST', `/events/${ev.id}/photos`, {
          query: { stage: 'report' }, raw: { data: photo, type: photo.type || 'application/octet-stream' },
        });
      } catch (err) {
        if (err.status === 401) throw err;
        toast(err.status === 415 ? t('ev.photoNotImage') : t('ev.photoFailed'), 'error');
      }
    }
    ctx.go(`/events/${ev.id}`);
  }, { lat: 'position', lon: 'position', address_id: 'address_q', category: 'category' });

  fill(view,
    h('h1', { class: 'page-title' }, t('ev.new')),
    h('p', { class: 'muted' }, staff ? t('ev.newHintStaff') : t('ev.newHint')),
    form);

  // Where the user already allowed the position, find it at once.
  if (navigator.permissions && window.isSecureContext && navigator.geolocation) {
    navigator.permissions.query({ name: 'geolocation' })
      .then((p) => { if (p.state === 'granted' && ctx.isCurrent() && !where.point) locate(); })
      .catch(() => {});
  }
}

/*
 * A map of the user's grids on which a tap or click sets the point (for a
 * device that cannot or may not locate). The map is drawn the first time
 * it is shown; onPick(lat, lon) receives the point.
 */
function pickMap(ctx, nodes, onPick) {
  const chartEl = h('div', { class: 'chart pick-map' });
  const note = h('div', { 'aria-live': 'polite' });
  const el = h('div', { class: 'loc-map' }, h('p', { class: 'muted small' }, t('ev.pickHint')), chartEl, note);
  let chart = null;
  let drawing = null;
  const draw = async () => {
    const [echarts, features] = await Promise.all([loadEcharts(), areaFeatures(nodes)]);
    if (!ctx.isCurrent()) return;
    if (!features.length) {
      chartEl.hidden = true;
      fill(note, h('div', { class: 'alert alert-info', role: 'status' }, t('ev.mapNoGrids')));
      return;
    }
    echarts.registerMap('grassroots-pick', { type: 'FeatureCollection', features });
    chart = echarts.init(chartEl, null, { renderer: 'canvas', locale: language() === 'en' ? 'EN' : 'ZH' });
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      geo: {
        map: 'grassroots-pick',
        roam: true,
        aspectScale: aspectOf(features),
        top: 8,
        bottom: 8,
        left: 8,
        right: 8,
        label: { show: true, fontSize: 11, color: '#3d4b5c' },
        itemStyle: { areaColor: '#e6eef7', borderColor: '#1f4e8c', borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: '#d3e1f2' } },
        select: { disabled: true },
      },
      series: [{ type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 34, itemStyle: { color: '#c0261b' }, data: [] }],
    });
    // A click without dragging sets the point where it falls.
    chart.getZr().on('click', (e) => {
      const p = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]);
      if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return;
      const lon = Math.round(p[0] * 1e6) / 1e6;
      const lat = Math.round(p[1] * 1e6) / 1e6;
      chart.setOption({ series: [{ data: [[lon, lat]] }] });
      onPick(lat, lon);
      fill(note, h('p', { class: 'geo-status geo-ok', role: 'status' }, t('ev.picked')));
    });
    keepCharts(ctx, [chart]);
  };
  return {
    el,
    show() {
      if (chart) {
        chart.resize();
        return;
      }
      if (!drawing) {
        drawing = draw().catch((err) => {
          if (err && err.status === 401) return;
          drawing = null;
          fill(note, h('div', { class: 'alert alert-info', role: 'status' }, t('ev.mapUnavailable')));
        });
      }
    },
  };
}

/* The open events nearby, each opening in a new tab, with "report anyway" and "do not report". */
function showDuplicates(slot, items, { onGo, onStop }) {
  const titleId = nextId('dup');
  const go = h('button', { type: 'button', class: 'btn btn-primary', on: { click: onGo } }, t('ev.dupGo'));
  fill(slot, h('section', { class: 'alert alert-info dup-box', 'aria-labelledby': titleId },
    h('strong', { id: titleId }, t('ev.dupTitle', { count: items.length })),
    h('p', { class: 'small' }, t('ev.dupHint')),
    h('ul', { class: 'dup-list' }, items.map((e) => h('li', null,
      h('a', { href: eventHref(e.id), target: '_blank', rel: 'noopener' }, `#${e.id} ${e.title}`),
      ' ', stateBadge(e.state),
      h('span', { class: 'muted small' }, ` ${t('ev.metres', { metres: formatNumber(e.metres) })} · ${formatDateTime(e.reported_at)}`)))),
    h('div', { class: 'button-row' },
      go,
      h('button', { type: 'button', class: 'btn', on: { click: onStop } }, t('ev.dupStop')))));
  go.focus();
}

/*
 * Standard addresses by search (GET /search, the address hits), picked as
 * radio buttons named address_id; where.addressId follows the choice.
 */
function addressPicker(where) {
  const results = h('div', { class: 'pick-results', 'aria-live': 'polite' });
  const legendId = nextId('leg');
  const query = field({ label: t('ev.addressSearch'), name: 'address_q', type: 'search', hint: t('ev.addressSearchHint'),
    attrs: { maxlength: '32', autocomplete: 'off' } });
  const input = query.querySelector('input');
  const run = async () => {
    const q = input.value.trim();
    if (!q) return;
    fill(results, loading());
    try {
      const page = await api('GET', '/search', { query: { q, limit: ADDRESS_PAGE } });
      const hits = page.items.filter((x) => x.kind === 'address');
      where.addressId = null;
      if (!hits.length) {
        fill(results, empty(t('ev.noAddresses')));
        return;
      }
      const list = h('div', { class: 'pick-list', role: 'radiogroup', 'aria-labelledby': legendId },
        hits.map((a) => {
          const id = nextId('addr');
          const radio = h('input', { type: 'radio', name: 'address_id', id, value: String(a.id) });
          radio.addEventListener('change', () => { where.addressId = a.id; where.confirmed = false; });
          return h('div', { class: 'pick-item' }, radio,
            h('label', { for: id }, h('strong', null, a.label), a.grid_name ? h('span', { class: 'muted' }, ` · ${a.grid_name}`) : null));
        }));
      fill(results, list);
      if (hits.length === 1) {
        list.querySelector('input').checked = true;
        where.addressId = hits[0].id;
      }
    } catch (err) {
      if (err.status === 401) throw err;
      fill(results, h('p', { class: 'field-error' }, errorText(err)));
    }
  };
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      run();
    }
  });
  const el = h('div', { class: 'loc-address' },
    h('p', { id: legendId, class: 'sr-only' }, t('ev.byAddress')),
    query,
    h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'btn', on: { click: run } },
      icon('search', 'icon icon-sm'), t('common.search'))),
    results);
  return { el };
}
