// Progressive enhancement only: every page works without it. "/" focuses the first filter field,
// so the console can be driven from the keyboard; Escape leaves a field.
// Review queue: j / k move between held scans, a / r approve / reject the focused one, n writes
// its note (Escape returns to the scan), x selects it; a chosen CSV file fills the upload's text.
const heldScans = () => [...document.querySelectorAll('li.held')];

function moveFocus(step) {
  const scans = heldScans();
  if (scans.length === 0) return;
  const at = scans.indexOf(document.activeElement);
  const next = scans[Math.max(0, Math.min(scans.length - 1, at < 0 ? 0 : at + step))];
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
}

const reviewKeys = {
  j: () => moveFocus(1),
  k: () => moveFocus(-1),
  a: (scan) => scan?.querySelector('form.settle button.approve')?.click(),
  r: (scan) => scan?.querySelector('form.settle button.reject')?.click(),
  n: (scan) => scan?.querySelector('form.settle input.note-field')?.focus(),
  x: (scan) => scan?.querySelector('input[type="checkbox"][name="scan"]')?.click(),
};

document.addEventListener('keydown', (event) => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
  if (event.key === '/' && !typing) {
    const field = document.querySelector('form.filters input');
    if (field) {
      event.preventDefault();
      field.focus();
    }
  } else if (event.key === 'Escape' && typing) {
    const scan = target.closest('li.held');
    if (scan) scan.focus();
    else target.blur();
  } else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && event.key in reviewKeys) {
    const scan = document.activeElement?.closest?.('li.held') ?? null;
    if (heldScans().length === 0) return;
    event.preventDefault();
    reviewKeys[event.key](scan);
  }
});

document.addEventListener('change', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.classList.contains('csv-file') || !input.files?.[0]) return;
  const text = input.form?.querySelector('textarea[name="csv"]');
  if (text) input.files[0].text().then((content) => (text.value = content));
});
