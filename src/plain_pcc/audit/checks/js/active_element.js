const el = document.activeElement;
const main = document.querySelector('main, [role="main"]');
const inMain = !!(el && main && (el === main || main.contains(el)));
// What Tab can stop at: a link taken out of the order (tabindex="-1") is not.
const targets = interactive().filter((node) => node.tabIndex >= 0);
const follows = (node) => !!(main && !main.contains(node)
  && (main.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING));
const target = document.querySelector(':target');
return {
  active: el && el !== document.body ? cssPath(el) : null,
  inMain,
  // Past the end of the main content; whether the main content, or anything after it, has
  // something Tab could stop at; and whether the address now points into the main content (the
  // link was followed), which is all there is to see when nothing there can take focus.
  afterMain: !!(el && !inMain && follows(el)),
  mainFocusable: !!main && targets.some((node) => main.contains(node)),
  focusableAfterMain: targets.some(follows),
  targetInMain: !!(target && main && (target === main || main.contains(target))),
};
