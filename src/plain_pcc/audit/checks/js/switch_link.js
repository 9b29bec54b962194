// The first link an XPath expression finds (as WebDriver's find by XPath finds it): where it
// is, its opening tag and its address.
const link = document.evaluate(arguments[0], document, null,
                               XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
return link && { selector: cssPath(link), snippet: snippet(link), href: link.href || '' };
