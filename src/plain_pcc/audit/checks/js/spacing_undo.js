// Each element's own style attribute put back, and the scroll; then, once the page has had a
// frame to react in (its observers run after this script, its resize observers at the next
// frame), whether the document is again exactly what it was before the spacing.
const done = arguments[arguments.length - 1];
const kept = window.__a11ySpacing;
if (!kept) { done(false); return; }
delete window.__a11ySpacing;
for (const [el, style] of kept.styles) {
  // Reading the attribute first brings it up to date with the CSSOM writes: removed before
  // that, Chromium would still write out an empty style="" afterwards.
  el.getAttribute('style');
  if (style === null) el.removeAttribute('style'); else el.setAttribute('style', style);
}
window.scrollTo(kept.scroll[0], kept.scroll[1]);
let answered = false;
const answer = () => {
  if (answered) return;
  answered = true;
  done(document.documentElement.outerHTML === kept.html
    && window.scrollX === kept.scroll[0] && window.scrollY === kept.scroll[1]);
};
requestAnimationFrame(() => setTimeout(answer, 0));
// A page that draws no frames (hidden) still answers.
setTimeout(answer, 100);
