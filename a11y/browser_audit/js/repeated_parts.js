// WCAG 3.2.3 and 3.2.6: the main navigation and the contact details, in document order.
const outsideContent = (el) => !el.closest('main, article, aside, section');
const nav = document.querySelector('nav[aria-label="Main"]');
const contacts = Array.from(document.querySelectorAll('header, footer'))
  .filter(outsideContent)
  .flatMap((part) => Array.from(part.querySelectorAll('a[href^="tel:"], a[href^="mailto:"]')));
const navBeforeContacts = nav && contacts.length
  ? !!(nav.compareDocumentPosition(contacts[0]) & Node.DOCUMENT_POSITION_FOLLOWING) : null;
return {
  nav: nav ? Array.from(nav.querySelectorAll('a')).map((a) => a.textContent.trim()) : null,
  contacts: contacts.map((a) => a.getAttribute('href').trim()),
  navBeforeContacts,
};
