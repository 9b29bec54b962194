"""The accessibility audit: any site's pages in headless Chromium, against WCAG 2.2 AA, with
axe-core and checks of its own; what a site offers beyond plain pages comes from its profile."""
