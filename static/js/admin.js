/* The office's additions to Django's admin behaviour (templates/admin/base_site.html).

   On a narrow screen Django's admin lets an inline's table scroll sideways (.inline-group,
   overflow: auto). On a read-only page that table holds nothing a keyboard can focus, so a keyboard
   could not scroll it (WCAG 2.1.1; axe-core scrollable-region-focusable). Such a region, while it
   scrolls, takes the focus itself and is named by its heading. */
(function () {
  "use strict";

  const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex=\"-1\"])";

  function update() {
    for (const group of document.querySelectorAll(".inline-group")) {
      const scrolls = group.scrollWidth > group.clientWidth;
      if (scrolls && !group.querySelector(FOCUSABLE)) {
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

  // The script comes after Django's responsive.css (templates/admin/base_site.html): its rules apply.
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
})();
