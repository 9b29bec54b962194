// WCAG 2.5.8: each target at least 24x24 CSS px, unless inline in text, or spaced so that a
// 24 px circle on its centre touches no other target nor another small target's circle.
const MIN = 24;
const targets = interactive().filter((el) => !isVisuallyHidden(el) && el.localName !== 'iframe');
const info = targets.map((el) => {
  const r = el.getBoundingClientRect();
  return { el, r, cx: (r.left + r.right) / 2, cy: (r.top + r.bottom) / 2,
    small: r.width < MIN - 0.01 || r.height < MIN - 0.01 };
});
const blockOf = (el) => {
  let b = el.parentElement;
  while (b && getComputedStyle(b).display.startsWith('inline')) b = b.parentElement;
  return b;
};
const inline = (el) => {
  const display = getComputedStyle(el).display;
  if (!display.startsWith('inline') || display === 'inline-block') return false;
  const block = blockOf(el);
  if (!block) return false;
  const own = (el.innerText || el.textContent || '').replace(/\s+/g, '');
  const all = (block.innerText || block.textContent || '').replace(/\s+/g, '');
  // Other text in the same block means the link sits in a sentence.
  return all.length > own.length;
};
const circleHitsRect = (cx, cy, r) => {
  const x = Math.max(r.left, Math.min(cx, r.right));
  const y = Math.max(r.top, Math.min(cy, r.bottom));
  return (x - cx) ** 2 + (y - cy) ** 2 < (MIN / 2) ** 2;
};
const found = [];
for (const t of info) {
  if (!t.small || t.r.width === 0 || t.r.height === 0) continue;
  if (inline(t.el)) continue;
  const clash = info.find((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && (
    circleHitsRect(t.cx, t.cy, o.r)
    || (o.small && (o.cx - t.cx) ** 2 + (o.cy - t.cy) ** 2 < MIN ** 2)));
  if (!clash) continue;
  found.push({
    selector: cssPath(t.el),
    snippet: snippet(t.el),
    detail: `${describeEl(t.el)} is ${Math.round(t.r.width * 10) / 10}x`
      + `${Math.round(t.r.height * 10) / 10} px and too close to ${describeEl(clash.el)} `
      + `at ${cssPath(clash.el)}`,
  });
}
return { targets: targets.length, found };
