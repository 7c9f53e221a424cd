// Import a CSV file into the registry (registry.import): choose the kind,
// pick the file, check it (a dry run that changes nothing and reports
// every bad row), then import it — all rows or none. The documented
// columns of each kind are listed on the page.
import { api } from '../api.js';
import {
  h, add, fill, icon, field, selectEl, dataTable, facts, section, panel, empty, errorBox, toast, localMessage, badge,
} from '../dom.js';
import { t, tOr, formatNumber } from '../i18n.js';
import { scopeBar } from '../registry.js';

const MAX_BYTES = 64 * 1024 * 1024;
const SHOWN_PROBLEMS = 500;
const ADDRESS_COLUMNS = [['grid_code', true], ['street', true], ['number', true], ['building'], ['unit'], ['room']];
const COLUMNS = {
  residents: [['household_number'], ['relation'], ['name', true], ['gender', true], ['birth_date', true], ['id_type', true],
    ['id_number', true], ['phone'], ['ethnicity'], ['residence_type', true], ['employment'], ['moved_in_on'], ['tags']],
  addresses: [['lon'], ['lat']],
  houses: [['area'], ['use', true], ['ownership', true], ['occupancy', true]],
  units: [['name', true, 'unit_name'], ['credit_code'], ['type', true, 'unit_type'], ['contact_name'], ['phone', false, 'unit_phone']],
};
const KINDS = ['residents', 'addresses', 'houses', 'units'];

export async function render(view, ctx) {
  ctx.setTitle(t('imp.title'));
  const kindParam = ctx.query.get('kind');
  let kind = KINDS.includes(kindParam) ? kindParam : 'residents';
  let checked = null; // the file and kind of the last clean check

  const kindSelect = selectEl('kind', KINDS.map((k) => [k, t(`imp.kinds.${k}`)]), kind);
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true });
  const checkBtn = h('button', { type: 'submit', class: 'btn btn-primary', value: 'check' }, icon('search', 'icon icon-sm'), t('imp.check'));
  const importBtn = h('button', { type: 'submit', class: 'btn', value: 'import', disabled: true }, icon('upload', 'icon icon-sm'), t('imp.import'));
  const report = h('div', { class: 'import-report', 'aria-live': 'polite' });
  const columnsSlot = h('div');
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('imp.kind'), name: 'kind', control: kindSelect }),
    field({ label: t('imp.file'), name: 'file', control: fileInput, hint: t('imp.fileHint') }),
    h('div', { class: 'form-actions' }, checkBtn, importBtn),
    h('p', { class: 'muted small' }, t('imp.allOrNothing')));

  const reset = () => {
    checked = null;
    importBtn.disabled = true;
    importBtn.classList.remove('btn-primary');
    fill(report);
  };
  kindSelect.addEventListener('change', () => {
    kind = kindSelect.value;
    fill(columnsSlot, columnsView(kind));
    history.replaceState(null, '', `#/people/import?kind=${kind}`);
    reset();
  });
  fileInput.addEventListener('change', reset);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const dryRun = !ev.submitter || ev.submitter.value !== 'import';
    const file = fileInput.files[0];
    if (!file) {
      fill(report, h('div', { class: 'alert alert-error', role: 'alert' }, t('imp.noFile')));
      fileInput.focus();
      return;
    }
    if (file.size > MAX_BYTES) {
      fill(report, h('div', { class: 'alert alert-error', role: 'alert' }, t('imp.tooLarge')));
      return;
    }
    if (!dryRun && !(checked && checked.file === file && checked.kind === kind)) return;
    checkBtn.disabled = true;
    importBtn.disabled = true;
    form.setAttribute('aria-busy', 'true');
    fill(report, h('div', { class: 'state state-loading', role: 'status' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), dryRun ? t('imp.checking') : t('imp.importing')));
    try {
      const r = await api('POST', `/imports/${kind}`, {
        query: dryRun ? { dry_run: 'true' } : {},
        raw: { data: file, type: 'text/csv' },
      });
      fill(report, reportView(r, file.name));
      if (dryRun && r.bad_rows === 0 && r.rows > 0) {
        checked = { file, kind };
        importBtn.disabled = false;
        importBtn.classList.add('btn-primary');
        importBtn.focus();
      } else {
        checked = null;
      }
      if (!dryRun && r.committed) {
        toast(t('imp.done', { rows: formatNumber(r.rows) }));
        checked = null;
      }
    } catch (err) {
      if (err.status === 401) return;
      fill(report, errorBox(err));
      checked = null;
    } finally {
      checkBtn.disabled = false;
      if (checked) importBtn.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  fill(columnsSlot, columnsView(kind));
  add(view,
    scopeBar(null, 'import'),
    h('h1', { class: 'page-title' }, t('imp.title')),
    h('p', { class: 'lead' }, t('imp.intro')),
    section(t('imp.step'), form),
    report,
    columnsSlot);
}

function reportView(r, fileName) {
  const ok = r.bad_rows === 0;
  const head = r.committed
    ? h('div', { class: 'alert alert-ok', role: 'status' }, h('strong', null, t('imp.committed')),
      h('span', { class: 'alert-detail' }, t('imp.committedDetail', { rows: formatNumber(r.rows) })))
    : ok
      ? h('div', { class: 'alert alert-ok', role: 'status' }, h('strong', null, t('imp.clean')),
        h('span', { class: 'alert-detail' }, r.rows ? t('imp.cleanDetail', { rows: formatNumber(r.rows) }) : t('imp.noRows')))
      : h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, t('imp.bad', { bad: formatNumber(r.bad_rows) })),
        h('span', { class: 'alert-detail' }, t('imp.badDetail')));
  const problems = r.problems || [];
  const cols = [
    { label: t('imp.row'), class: 'num', cell: (p) => String(p.row) },
    { label: t('imp.column'), cell: (p) => (p.column ? h('code', { class: 'code-plain' }, p.column) : '—') },
    { label: t('imp.reason'), cell: (p) => {
      const local = localMessage({ message: p.reason });
      return local === p.reason ? p.reason : [local, h('span', { class: 'muted small block' }, p.reason)];
    } },
  ];
  return section(t('imp.report', { file: fileName }),
    head,
    facts([
      [t('imp.kind'), t(`imp.kinds.${r.kind}`)],
      [t('imp.mode'), r.dry_run ? badge(t('imp.dryRun'), 'role') : badge(t('imp.realRun'), r.committed ? 'ok' : 'danger')],
      [t('imp.rows'), formatNumber(r.rows)],
      [t('imp.badRows'), formatNumber(r.bad_rows)],
      r.created !== undefined ? [t('imp.created'), formatNumber(r.created)] : null,
      r.addresses !== undefined ? [t('imp.newAddresses'), formatNumber(r.addresses)] : null,
      r.households !== undefined && r.kind === 'residents' ? [t('imp.newHouseholds'), formatNumber(r.households)] : null,
    ]),
    problems.length ? [
      dataTable(cols, problems.slice(0, SHOWN_PROBLEMS), { caption: t('imp.problems') }),
      problems.length > SHOWN_PROBLEMS ? h('p', { class: 'muted' }, t('imp.moreProblems', { shown: SHOWN_PROBLEMS, total: formatNumber(problems.length) })) : null,
    ] : null);
}

/* The documented columns of a kind (docs/registry.md), with a header-only template to start from. */
function columnsView(kind) {
  const rows = [...ADDRESS_COLUMNS, ...COLUMNS[kind]].map(([name, required, key]) => ({ name, required: !!required, key: key || name }));
  const template = () => {
    const blob = new Blob([`\ufeff${rows.map((r) => r.name).join(',')}\n`], { type: 'text/csv' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `${kind}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const cols = [
    { label: t('imp.column'), cell: (r) => h('code', { class: 'code-plain' }, r.name) },
    { label: t('imp.required'), cell: (r) => (r.required ? badge(t('imp.requiredYes'), 'warn') : h('span', { class: 'muted' }, t('imp.requiredNo'))) },
    { label: t('imp.meaning'), cell: (r) => tOr(`imp.col.${r.key}`, r.name) },
  ];
  // Open on wide screens; on a phone the long list waits behind its summary.
  return panel(t('imp.columns', { kind: t(`imp.kinds.${kind}`) }), [
    h('p', { class: 'muted' }, t('imp.columnsIntro')),
    rows.length ? dataTable(cols, rows, { caption: t('imp.columns', { kind: t(`imp.kinds.${kind}`) }) }) : empty(),
    h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'btn', on: { click: template } },
      icon('download', 'icon icon-sm'), t('imp.template')))], window.matchMedia('(min-width: 720px)').matches);
}
