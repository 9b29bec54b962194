const el = document.activeElement;
const main = document.querySelector('main, [role="main"]');
const inMain = !!(el && main && (el === main || main.contains(el)));
return {
  active: el && el !== document.body ? cssPath(el) : null,
  inMain,
  // Past the end of the main content, and whether the main content has anything Tab could stop
  // at: a main with nothing to focus hands the next Tab to what follows it.
  afterMain: !!(el && main && !inMain
    && (main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)),
  mainFocusable: !!main && interactive().some((target) => main.contains(target)),
};
