"""The browser accessibility audit: matrix, browser, axe runner, checks and reports."""
