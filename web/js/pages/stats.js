// Population statistics of a node (GET /registry/stats): totals, a table
// per child node (drill down by clicking a child), age bands and group
// tags, and ECharts charts above the tables. The tables are the page: when
// ECharts cannot load, a note says so and nothing else is missing.
import { api } from '../api.js';
import { h, add, fill, dataTable, section, loading, empty } from '../dom.js';
import { t, language } from '../i18n.js';
import {
  label, tagLabel, num, scopeId, scopeBar, tabHref, loadEcharts, keepCharts, linkButton, AGE_BANDS, ENUMS,
} from '../registry.js';

const PALETTE = ['#1f4e8c', '#3f8f6b', '#d08b1e', '#8a5bb5', '#c8553d', '#2f8fa3', '#6b7b8f', '#b0456e'];

export async function render(view, ctx) {
  add(view, loading());
  const orgId = await scopeId(ctx);
  const st = await api('GET', '/registry/stats', { query: { org_id: orgId } });
  if (!ctx.isCurrent()) return;
  const node = await api('GET', `/orgs/${st.node.id}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('reg.tab.stats')} · ${node.name}`);
  const total = st.total;
  const children = st.children || [];
  const tags = Object.keys(total.by_tag || {}).sort((a, b) => total.by_tag[b] - total.by_tag[a]);
  const drill = (c) => tabHref('stats', c.id);
  const elderly = (total.by_age_band['60-79'] || 0) + (total.by_age_band['80+'] || 0);

  const chartSlots = {
    children: children.length ? h('div', { class: 'chart chart-tall', role: 'img', 'aria-label': t('reg.chartByChild') }) : null,
    age: h('div', { class: 'chart', role: 'img', 'aria-label': t('reg.chartAge') }),
    tags: tags.length ? h('div', { class: 'chart', role: 'img', 'aria-label': t('reg.chartTags') }) : null,
  };
  const chartNote = h('div', { 'aria-live': 'polite' });

  fill(view,
    scopeBar(node, 'stats'),
    h('h1', { class: 'page-title' }, t('reg.statsOf', { name: node.name })),
    h('ul', { class: 'totals' },
      totalItem(t('reg.residents'), total.residents, tabHref('residents', node.id)),
      totalItem(t('reg.households'), total.households, tabHref('households', node.id)),
      totalItem(t('reg.buildings'), total.buildings, node.level === 'county' ? null : tabHref('buildings', node.id)),
      totalItem(t('reg.elderly'), elderly, tabHref('residents', node.id, { age_min: 60 })),
      totalItem(label('residence', 'floating'), total.by_residence_type.floating || 0,
        tabHref('residents', node.id, { residence_type: 'floating' }))),
    chartNote,
    h('div', { class: 'chart-grid' },
      chartSlots.children ? h('figure', { class: 'chart-box chart-wide' },
        h('figcaption', null, t('reg.chartByChild')), chartSlots.children,
        h('p', { class: 'muted small' }, t('reg.chartDrillHint'))) : null,
      h('figure', { class: 'chart-box' }, h('figcaption', null, t('reg.chartAge')), chartSlots.age),
      chartSlots.tags ? h('figure', { class: 'chart-box' }, h('figcaption', null, t('reg.chartTags')), chartSlots.tags) : null),
    children.length ? section(t('reg.byChild', { level: t(`levels.${children[0].level}`) }),
      childTable(children, total, drill),
      h('p', { class: 'muted small' }, t('reg.tableDrillHint'))) : null,
    !children.length ? h('div', { class: 'button-row' },
      linkButton(tabHref('buildings', node.id), t('reg.tab.buildings'), 'building', 'btn btn-primary'),
      linkButton(tabHref('residents', node.id), t('reg.tab.residents'), 'users')) : null,
    section(t('reg.byAgeAndType'), breakdownTable(children, total, drill)),
    section(t('reg.byTag'), tags.length ? tagTable(children, total, tags, drill) : empty(t('reg.noTagged'))));

  try {
    const echarts = await loadEcharts();
    if (!ctx.isCurrent()) return;
    drawCharts(echarts, ctx, chartSlots, children, total, tags);
  } catch (err) {
    if (!ctx.isCurrent()) return;
    for (const slot of Object.values(chartSlots)) if (slot) slot.closest('figure').hidden = true;
    fill(chartNote, h('div', { class: 'alert alert-info', role: 'status' }, t('reg.chartsUnavailable')));
  }
}

function totalItem(text, value, href) {
  const body = [h('span', { class: 'total-value' }, num(value)), h('span', { class: 'total-label' }, text)];
  return h('li', { class: 'total' }, h(href ? 'a' : 'div', { href, class: 'total-body' }, body));
}

function nameCell(c, drill) {
  return c.id ? h('a', { href: drill(c), class: 'strong-link' }, c.name) : h('strong', null, c.name);
}

function withTotal(children, total) {
  return children.length ? [...children, { ...total, name: t('reg.sum'), id: null }] : [{ ...total, name: t('reg.sum'), id: null }];
}

function childTable(children, total, drill) {
  const cols = [
    { label: t('orgs.name'), class: 'nowrap', cell: (c) => nameCell(c, drill) },
    { label: t('reg.residents'), class: 'num', cell: (c) => num(c.residents) },
    { label: t('reg.households'), class: 'num', cell: (c) => num(c.households) },
    { label: t('reg.buildings'), class: 'num', cell: (c) => num(c.buildings) },
  ];
  return dataTable(cols, withTotal(children, total), { caption: t('reg.byChild', { level: '' }) });
}

function breakdownTable(children, total, drill) {
  const cols = [
    { label: t('orgs.name'), class: 'nowrap', cell: (c) => nameCell(c, drill) },
    ...ENUMS.residence.map((rt) => ({ label: label('residence', rt), class: 'num', cell: (c) => num((c.by_residence_type || {})[rt]) })),
    ...AGE_BANDS.map((b) => ({ label: t('reg.ageBand', { band: b }), class: 'num', cell: (c) => num((c.by_age_band || {})[b]) })),
  ];
  return dataTable(cols, withTotal(children, total), { caption: t('reg.byAgeAndType') });
}

function tagTable(children, total, tags, drill) {
  const cols = [
    { label: t('orgs.name'), class: 'nowrap', cell: (c) => nameCell(c, drill) },
    ...tags.map((tg) => ({ label: tagLabel(tg), class: 'num', cell: (c) => num((c.by_tag || {})[tg]) })),
  ];
  return dataTable(cols, withTotal(children, total), { caption: t('reg.byTag') });
}

/* ---------- charts ---------- */

function drawCharts(echarts, ctx, slots, children, total, tags) {
  const charts = [];
  const base = {
    animationDuration: 300,
    color: PALETTE,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    aria: { enabled: true },
  };
  const opts = { renderer: 'canvas', locale: language() === 'en' ? 'EN' : 'ZH' };
  // Tooltips as rich text on the canvas: the HTML ones would need inline styles, which the CSP forbids.
  const tooltip = (extra) => ({ renderMode: 'richText', confine: true, ...extra });

  if (slots.children) {
    slots.children.style.height = `${Math.max(220, 56 + children.length * 28)}px`;
    const chart = echarts.init(slots.children, null, opts);
    chart.setOption({
      ...base,
      tooltip: tooltip({ trigger: 'axis', axisPointer: { type: 'shadow' } }),
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 24, top: 30, bottom: 4, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category', inverse: true, triggerEvent: true,
        data: children.map((c) => c.name),
        axisLabel: { width: 110, overflow: 'truncate' },
      },
      series: ENUMS.residence.map((rt) => ({
        name: label('residence', rt), type: 'bar', stack: 'residents', barMaxWidth: 22,
        emphasis: { focus: 'series' },
        data: children.map((c) => (c.by_residence_type || {})[rt] || 0),
      })),
    });
    chart.on('click', (p) => {
      const i = p.componentType === 'yAxis' ? children.findIndex((c) => c.name === p.value) : p.dataIndex;
      const c = children[i];
      if (c) location.hash = tabHref('stats', c.id);
    });
    charts.push(chart);
  }

  const age = echarts.init(slots.age, null, opts);
  age.setOption({
    ...base,
    tooltip: tooltip({ trigger: 'item' }),
    legend: { bottom: 0, itemWidth: 14, itemHeight: 10 },
    series: [{
      type: 'pie', radius: ['38%', '66%'], center: ['50%', '45%'],
      // On a phone the legend names the slices; the labels would be cut off.
      label: { show: slots.age.clientWidth >= 420, formatter: '{b}\n{d}%' }, minShowLabelAngle: 3,
      data: AGE_BANDS.map((b) => ({ name: t('reg.ageBand', { band: b }), value: total.by_age_band[b] || 0 })),
    }],
  });
  charts.push(age);

  if (slots.tags) {
    slots.tags.style.height = `${Math.max(220, 40 + tags.length * 26)}px`;
    const tagChart = echarts.init(slots.tags, null, opts);
    tagChart.setOption({
      ...base,
      tooltip: tooltip({ trigger: 'axis', axisPointer: { type: 'shadow' } }),
      grid: { left: 8, right: 40, top: 8, bottom: 4, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: tags.map(tagLabel) },
      series: [{
        type: 'bar', barMaxWidth: 20, data: tags.map((tg) => total.by_tag[tg]),
        itemStyle: { color: PALETTE[2] }, label: { show: true, position: 'right' },
      }],
    });
    charts.push(tagChart);
  }

  keepCharts(ctx, charts);
}
