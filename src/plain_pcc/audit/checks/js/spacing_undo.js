// Each element's own style attribute put back; then whether the page is as it was.
// arguments[0]: whether the page can run script of its own.
const kept = window.__a11ySpacing || [];
delete window.__a11ySpacing;
for (const [el, style] of kept) {
  // Reading the attribute first brings it up to date with the CSSOM writes: removed before
  // that, Chromium would still write out an empty style="" afterwards.
  el.getAttribute('style');
  if (style === null) el.removeAttribute('style'); else el.setAttribute('style', style);
}
pageKept(arguments[arguments.length - 1], arguments[0]);
