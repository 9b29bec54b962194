const el = document.activeElement;
const main = document.querySelector('main, [role="main"]');
return {
  active: el && el !== document.body ? cssPath(el) : null,
  inMain: !!(el && main && (el === main || main.contains(el))),
};
