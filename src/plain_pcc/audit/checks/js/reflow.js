// WCAG 1.4.10: does the page scroll sideways, or cut off what sticks out, and which outermost
// boxes stick out past the right edge?
const root = document.documentElement;
const width = root.clientWidth;
const clips = [root, document.body].some((el) => {
  if (!el) return false;
  const x = getComputedStyle(el).overflowX;
  return x === 'hidden' || x === 'clip';
});
const result = { width, scrollWidth: root.scrollWidth, clips, offenders: [] };
const sticksOut = (el) => el.getBoundingClientRect().right > width + 1;
for (const el of ROOT.querySelectorAll('*')) {
  if (!isRendered(el) || isVisuallyHidden(el) || !sticksOut(el)) continue;
  const parent = el.parentElement;
  if (parent && parent !== ROOT && sticksOut(parent)) continue;
  const r = el.getBoundingClientRect();
  result.offenders.push({
    selector: cssPath(el),
    snippet: snippet(el),
    detail: `${describeEl(el)} reaches ${Math.round(r.right)} px in a ${width} px viewport`,
  });
  if (result.offenders.length >= 10) break;
}
return result;
