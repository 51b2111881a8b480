/* The office's additions to Django's admin behaviour (templates/admin/base_site.html).

   On a narrow screen Django's admin lets an inline's table scroll sideways (.inline-group,
   overflow: auto). On a read-only page that table holds nothing a keyboard can focus, so a keyboard
   could not scroll it (WCAG 2.1.1; axe-core scrollable-region-focusable). Such a region, while it
   scrolls, takes the focus itself and is named by its heading.

   The search icons of a many-to-many chooser (filter_horizontal: Django's SelectFilter2.js, at
   "load") are spans with an aria-label and no role, which a span may not carry (axe-core
   aria-prohibited-attr): they become images, named as Django names them. */
(function () {
  "use strict";

  const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex=\"-1\"])";

  function update() {
    for (const group of document.querySelectorAll(".inline-group")) {
      const scrolls = group.scrollWidth > group.clientWidth;
      // Shown ones only: Django's inlines.js adds a hidden "Add another" link to a read-only inline.
      const focusable = [...group.querySelectorAll(FOCUSABLE)].some((el) => el.getClientRects().length);
      if (scrolls && !focusable) {
        const heading = group.querySelector("h2");
        group.tabIndex = 0;
        group.setAttribute("role", "region");
        if (heading) group.setAttribute("aria-label", heading.textContent.trim());
      } else if (group.hasAttribute("tabindex")) {
        group.removeAttribute("tabindex");
        group.removeAttribute("role");
        group.removeAttribute("aria-label");
      }
    }
  }

  function nameIcons() {
    for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
  }

  // The script comes after Django's responsive.css (templates/admin/base_site.html): its rules apply.
  // A group may begin or stop scrolling after DOMContentLoaded without a window resize (late layout:
  // fonts, images; seen once in CI at 390 px): a ResizeObserver on each group and its table says so,
  // and "load" looks once more.
  document.addEventListener("DOMContentLoaded", () => {
    update();
    if ("ResizeObserver" in window) {
      const observer = new ResizeObserver(update);
      for (const group of document.querySelectorAll(".inline-group")) {
        observer.observe(group);
        const table = group.querySelector("table");
        if (table) observer.observe(table);
      }
    }
  });
  window.addEventListener("resize", update);
  window.addEventListener("load", () => {
    update();
    nameIcons();  // after SelectFilter2's own "load" handler, added first
  });
})();
