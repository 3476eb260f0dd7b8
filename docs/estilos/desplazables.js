// Contenedores que se desplazan en horizontal (fórmulas, tablas, código):
// - data-mas="izquierda derecha" dice por qué lados sigue el contenido, y el
//   CSS (extra.css) difumina ese borde;
// - las fórmulas y tablas que se desplazan se pueden enfocar con el teclado
//   (y desplazar con las flechas); si caben, no son una parada más del
//   tabulador. Los bloques de código los hace enfocables Material.
// Material envuelve las tablas al arrancar: se espera al evento «load».
addEventListener("load", () => {
  const update = box => {
    const max = box.scrollWidth - box.clientWidth;
    const sides = [];
    if (max > 1 && box.scrollLeft > 1) sides.push("izquierda");
    if (max > 1 && box.scrollLeft < max - 1) sides.push("derecha");
    // Solo se escribe lo que cambia: cada cambio obliga a recalcular estilos
    const more = sides.join(" ");
    if (more !== (box.dataset.mas || "")) {
      if (more) box.dataset.mas = more;
      else delete box.dataset.mas;
    }
    if (box.matches("code") || (max > 1) === box.hasAttribute("tabindex")) return;
    if (max > 1) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  };
  const resized = new ResizeObserver(entries => entries.forEach(e => update(e.target)));
  const watch = box => {
    resized.observe(box);
    box.addEventListener("scroll", () => update(box), { passive: true });
    // Bloque que no se dibuja hasta acercarse a la pantalla (content-visibility):
    // al dibujarse puede no cambiar de tamaño, y el observador no avisaría
    box.closest(".highlight")?.addEventListener("contentvisibilityautostatechange",
      () => update(box));
  };
  // Fórmulas y tablas (pocas): desde el principio, por el tabulador
  document.querySelectorAll(".md-typeset .formula, .md-typeset__scrollwrap").forEach(watch);
  // Bloques de código (muchos): cuando se acercan a la pantalla, para no
  // cargar de trabajo el arranque de la página en un teléfono
  const near = new IntersectionObserver(entries => entries.forEach(e => {
    if (!e.isIntersecting) return;
    near.unobserve(e.target);
    watch(e.target);
  }), { rootMargin: "50% 0px" });
  document.querySelectorAll(".md-typeset pre > code").forEach(code => near.observe(code));
});
