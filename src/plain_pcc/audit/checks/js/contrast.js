// Non-text contrast (1.4.11) of what axe cannot see: each control's focus indicator and the
// boundary of each control, against the colours next to them, in the colours the page has now
// (a colour scheme, an emulated dark or more-contrast device, forced colours).
// arguments[0]: the minimum ratio (3 for WCAG 1.4.11).
const minimum = arguments[0];

const parse = (value) => {
  const m = /rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\)/.exec(value || '');
  if (!m) return null;
  let alpha = m[4] === undefined ? 1 : parseFloat(m[4]);
  if (m[4] && m[4].endsWith('%')) alpha /= 100;
  return [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), alpha];
};
const over = (top, bottom) => {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
};
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

// The colour behind an element: its own and its ancestors' backgrounds, composited, on the
// canvas. Null when an image or gradient is in the way: then nothing can be said.
const canvas = () => {
  const probe = document.createElement('div');
  probe.style.setProperty('background-color', 'Canvas', 'important');
  document.documentElement.appendChild(probe);
  const colour = parse(getComputedStyle(probe).backgroundColor) || [255, 255, 255, 1];
  probe.remove();
  return colour;
};
const CANVAS = canvas();
const behind = (el) => {
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.backgroundImage !== 'none') return null;
    const colour = parse(style.backgroundColor);
    if (colour && colour[3] > 0) {
      layers.push(colour);
      if (colour[3] >= 1) break;
    }
  }
  return layers.reverse().reduce((below, top) => over(top, below), CANVAS);
};

const shadowColours = (value) => (value && value !== 'none'
  ? (value.match(/rgba?\([^)]*\)/g) || []).map(parse) : []);

const looks = (el) => {
  const s = getComputedStyle(el);
  return {
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
      ? parse(s.outlineColor) : null,
    shadows: shadowColours(s.boxShadow),
    background: parse(s.backgroundColor),
    text: parse(s.color),
  };
};

const found = [];
let focusable = 0;
let shown = 0;
let boundaries = 0;
const previous = document.activeElement;
keepPage();

for (const el of document.querySelectorAll(TARGETS)) {
  if (!isRendered(el) || isVisuallyHidden(el) || el.disabled) continue;
  const around = behind(el.parentElement || el);
  if (!around) continue;

  // The boundary of a control that draws one (native radios and checkboxes are drawn by the
  // browser, whose own colours this cannot read).
  const s = getComputedStyle(el);
  const native = ['radio', 'checkbox'].includes(el.type) && s.appearance !== 'none';
  if (!native && (el.localName === 'button' || el.localName === 'select'
      || el.localName === 'textarea' || (el.localName === 'input' && el.type !== 'radio'
      && el.type !== 'checkbox'))) {
    boundaries += 1;
    const width = parseFloat(s.borderTopWidth);
    const border = width >= 1 ? parse(s.borderTopColor) : null;
    const own = parse(s.backgroundColor);
    const candidates = [];
    if (border && border[3] > 0) candidates.push(['border', over(border, around)]);
    if (own && own[3] > 0) candidates.push(['background', over(own, around)]);
    const best = candidates.map(([what, c]) => [what, c, ratio(c, around)])
      .sort((a, b) => b[2] - a[2])[0];
    if (!best || best[2] < minimum) {
      found.push({
        rule: 'non-text-contrast',
        selector: cssPath(el),
        snippet: snippet(el),
        detail: best
          ? `the ${el.localName}'s boundary (its ${best[0]}, ${hex(best[1])}) is ${best[2].toFixed(2)}:1 against ${hex(around)} next to it, under ${minimum}:1`
          : `the ${el.localName} has no boundary: no border or background differs from ${hex(around)} next to it`,
      });
    }
  }

  // The focus indicator: what focus adds (outline, shadow, a new background) must stand out
  // from the colours next to the control.
  const before = looks(el);
  // Without scrolling to it: the page stays where it was, for the checks after this one.
  el.focus({ preventScroll: true });
  if (document.activeElement !== el) continue;
  focusable += 1;
  if (!el.matches(':focus-visible')) {
    el.blur();
    continue;
  }
  shown += 1;
  const after = looks(el);
  el.blur();
  const same = (a, b) => (a && b ? a.every((v, i) => v === b[i]) : a === b);
  const parts = [];
  if (after.outline && after.outline[3] > 0) parts.push(['outline', over(after.outline, around)]);
  after.shadows.forEach((c, i) => {
    if (c && c[3] > 0 && !same(c, before.shadows[i])) parts.push(['shadow', over(c, around)]);
  });
  if (after.background && after.background[3] > 0 && !same(after.background, before.background)) {
    parts.push(['background', over(after.background, around)]);
  }
  const best = parts.map(([what, c]) => [what, c, ratio(c, around)])
    .sort((a, b) => b[2] - a[2])[0];
  // With no outline, shadow or background added, focus is shown some other way (the text's
  // colour, an underline, a border) or not at all: the keyboard check judges that (2.4.7), so
  // the same fault is not reported twice, and another kind of indicator is not called missing.
  if (best && best[2] < minimum) {
    found.push({
      rule: 'focus-indicator-contrast',
      selector: cssPath(el),
      snippet: snippet(el),
      detail: `the ${el.localName}'s focus indicator (its ${best[0]}, ${hex(best[1])}) is ${best[2].toFixed(2)}:1 against ${hex(around)} next to it, under ${minimum}:1`,
    });
  }
}
if (previous && previous !== document.body && previous.focus) {
  previous.focus({ preventScroll: true });
} else {
  letGoOfFocus();
}
return { found, focusable, shown, boundaries };
