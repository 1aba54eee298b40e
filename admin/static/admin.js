// Progressive enhancement only: every page works without it. "/" focuses the first filter field,
// so the console can be driven from the keyboard; Escape leaves a field.
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
    target.blur();
  }
});
