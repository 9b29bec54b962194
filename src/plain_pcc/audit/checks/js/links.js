// The page's links in the order of the document: each one's address and whether it is drawn;
// and where the page is.
return [[...document.querySelectorAll('a[href]')].map((a) => [a.href, isRendered(a)]),
        location.href];
