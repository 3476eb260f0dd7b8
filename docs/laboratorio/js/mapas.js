// La rejilla de mapas de características (una sección por capa tras ReLU o
// pooling, leídas de la arquitectura), el detalle del mapa elegido con su
// filtro y los filtros de la primera convolución. Los mapas y los filtros se
// numeran desde 0, como en las páginas y en PyTorch.
// Los mapas de una capa se pintan en un solo lienzo y encima van sus botones,
// transparentes. Todos los botones son una sola parada del tabulador: dentro
// se navega con las flechas.
import { DIVERGENTE, VIRIDIS, nivel, pintar, ponerImagen } from "./colores.js";
import { $, COLUMNAS, ui } from "./estado.js";
import { decimal } from "./numeros.js";

const contenedor = $("lab-layers");

function absMax(v) {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

// Una vez: los eventos de todos los botones los atiende el contenedor
export function prepararMapas() {
  const botonDe = (e) => {
    const b = e.target.closest && e.target.closest(".lab-map");
    return b ? ui.botones[Number(b.dataset.boton)] : null;
  };
  contenedor.addEventListener("pointerover", (e) => {
    const b = botonDe(e);
    if (b && e.pointerType === "mouse") elegir(b.capa, b.indice, false);
  });
  contenedor.addEventListener("focusin", (e) => { const b = botonDe(e); if (b) elegir(b.capa, b.indice, true); });
  contenedor.addEventListener("click", (e) => { const b = botonDe(e); if (b) elegir(b.capa, b.indice, true); });
  contenedor.addEventListener("keydown", teclaMapas);
  contenedor.addEventListener("pointerleave", (e) => {
    if (e.pointerType === "mouse" && ui.fijado.capa) elegir(ui.fijado.capa, ui.fijado.indice, false);
  });
}

// Las secciones de mapas del modelo (al cargar otro modelo, se rehacen)
export function construirMapas(modelo) {
  contenedor.replaceChildren();
  const arq = modelo.arquitectura;
  ui.capasMapa = {};
  ui.botones = [];
  ui.seleccion = { capa: null, indice: 0 };
  arq.forEach((c, i) => {
    if (!(c.tipo === "relu" || c.tipo === "maxpool") || c.salida.length !== 3) return;
    const conv = [...arq.slice(0, i)].reverse().find((a) => a.tipo === "conv");
    if (!conv) return;
    const [C, H, W] = c.salida;
    const titulo = c.tipo === "relu" ? `${conv.nombre} + ReLU` : c.nombre;
    const seccion = document.createElement("section");
    seccion.className = "lab-panel";
    const h = document.createElement("h3");
    h.textContent = c.tipo === "relu" ? `${titulo}: ${C} mapas de ${H}×${W}`
      : `${titulo} (max pooling ${c.ventana}×${c.ventana}): ${C} mapas de ${H}×${W}`;
    const caja = document.createElement("div");
    caja.className = "lab-maps-wrap";
    const filas = Math.ceil(C / COLUMNAS);
    const lienzo = document.createElement("canvas");
    lienzo.className = "lab-maps-canvas";
    lienzo.width = COLUMNAS * (W + 1) - 1;
    lienzo.height = filas * (H + 1) - 1;
    lienzo.setAttribute("aria-hidden", "true");
    const rejilla = document.createElement("div");
    rejilla.className = "lab-maps";
    rejilla.style.gridTemplateColumns = `repeat(${COLUMNAS}, minmax(0, 1fr))`;
    rejilla.style.gridTemplateRows = `repeat(${filas}, 1fr)`;
    caja.append(lienzo, rejilla);
    seccion.append(h, caja);
    contenedor.appendChild(seccion);
    const capa = { nombre: c.nombre, titulo, conv: conv.nombre, pool: c.tipo === "maxpool", C, H, W, lienzo, botones: [],
                   post: c.tipo === "relu" ? "tras ReLU" : "tras max pooling" };
    rejilla.innerHTML = Array.from({ length: C }, (_, m) =>
      `<button type="button" class="lab-map" tabindex="-1" aria-pressed="false" ` +
      `data-boton="${ui.botones.length + m}" aria-label="${titulo}, mapa ${m}: ver su filtro" ` +
      `title="${titulo} · mapa ${m}"></button>`).join("");
    for (const [m, b] of Array.from(rejilla.children).entries()) {
      capa.botones.push(b);
      ui.botones.push({ boton: b, capa: c.nombre, indice: m, rejilla });
    }
    ui.capasMapa[c.nombre] = capa;
  });
  const primera = Object.keys(ui.capasMapa)[0];
  ui.fijado = { capa: primera, indice: 0 };
  ui.botones[0].boton.tabIndex = 0;
  elegir(primera, 0, true);
}

function teclaMapas(e) {
  const actual = ui.botones.findIndex((b) => b.boton === document.activeElement);
  if (actual < 0) return;
  const columnas = getComputedStyle(ui.botones[actual].rejilla).gridTemplateColumns.split(" ").length;
  const destino = { ArrowRight: actual + 1, ArrowLeft: actual - 1, ArrowDown: actual + columnas,
                    ArrowUp: actual - columnas, Home: 0, End: ui.botones.length - 1 }[e.key];
  if (destino === undefined) return;
  e.preventDefault();
  moverFoco(Math.max(0, Math.min(ui.botones.length - 1, destino)));
}

function moverFoco(i) {
  for (const b of ui.botones) b.boton.tabIndex = -1;
  ui.botones[i].boton.tabIndex = 0;
  ui.botones[i].boton.focus();
}

const boton = (sel) => ui.capasMapa[sel.capa].botones[sel.indice];

function elegir(capa, indice, fijar) {
  if (fijar) {
    if (ui.fijado.capa && ui.capasMapa[ui.fijado.capa]) boton(ui.fijado).setAttribute("aria-pressed", "false");
    ui.fijado = { capa, indice };
    const b = boton(ui.fijado);
    b.setAttribute("aria-pressed", "true");
    for (const x of ui.botones) x.boton.tabIndex = x.boton === b ? 0 : -1;
  }
  if (ui.seleccion.capa) boton(ui.seleccion).classList.remove("is-shown");
  ui.seleccion = { capa, indice };
  boton(ui.seleccion).classList.add("is-shown");
  if (ui.actual) pintarDetalle();
}

// Los mapas de todas las capas, con los colores que ya calculó el trabajador
export function pintarCapas(m) {
  for (const capa of Object.values(ui.capasMapa)) {
    const img = m.imagenes.capas[capa.nombre];
    capa.max = img.max;
    ponerImagen(capa.lienzo, img.rgba, img.ancho, img.alto);
  }
}

// El mapa elegido, ampliado, y el filtro que lo produce
export function pintarDetalle() {
  const { capa: nombre, indice } = ui.seleccion;
  const capa = ui.capasMapa[nombre], m = ui.actual;
  if (!capa || !m.capas[nombre]) return;
  const lienzo = $("lab-detail-map"), kernel = $("lab-detail-kernel");
  const plano = capa.H * capa.W;
  pintar(lienzo, m.capas[nombre].subarray(indice * plano, (indice + 1) * plano), capa.W, capa.H, (v) => nivel(v, capa.max), VIRIDIS);
  lienzo.setAttribute("aria-label", `Mapa ${indice} de ${capa.titulo} ${capa.post}, ampliado`);
  const { w, b } = m.pesos[capa.conv];
  const conv = ui.modelo.arquitectura.find((a) => a.nombre === capa.conv);
  const k = conv.kernel, entradas = w.length / (conv.salida[0] * k * k);
  const pesos = w.subarray(indice * entradas * k * k, (indice + 1) * entradas * k * k);
  const s = absMax(pesos) || 1;
  let texto, pie;
  if (entradas === 1) {
    pintar(kernel, pesos, k, k, (v) => nivel(v + s, 2 * s), DIVERGENTE);
    pie = `kernel ${k}×${k}`;
    texto = `${capa.conv}: ReLU(entrada ⋆ kernel ${k}×${k} + sesgo). `;
  } else {
    // Un kernel por mapa de entrada, en una cuadrícula con un píxel de separación
    const lado = Math.ceil(Math.sqrt(entradas)), celda = k + 1, px = lado * celda - 1;
    const rejilla = new Float32Array(px * px).fill(NaN);
    for (let c = 0; c < entradas; c++) {
      const gx = (c % lado) * celda, gy = Math.floor(c / lado) * celda;
      for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) rejilla[(gy + y) * px + gx + x] = pesos[(c * k + y) * k + x];
    }
    pintar(kernel, rejilla, px, px, (v) => (Number.isNaN(v) ? -1 : nivel(v + s, 2 * s)), DIVERGENTE);
    pie = `${entradas} kernels ${k}×${k}`;
    texto = `${capa.conv}: ReLU(suma de ${entradas} convoluciones + sesgo), un kernel ${k}×${k} por mapa de entrada, en orden de lectura. `;
  }
  let min = Infinity, max = -Infinity;
  for (const v of pesos) { min = Math.min(min, v); max = Math.max(max, v); }
  texto += `Sesgo ${decimal(b[indice], 3)}; pesos de ${decimal(min, 3)} a ${decimal(max, 3)}.`;
  if (capa.pool) {
    texto = `${nombre}: máximo de cada ventana del mapa ${indice} de ${capa.conv}, sin pesos propios. ` + texto;
  }
  $("lab-detail-title").textContent = `${capa.titulo} · mapa ${indice}`;
  $("lab-detail-kcap").textContent = pie;
  kernel.setAttribute("aria-label", `${pie} de ${capa.conv} que producen el mapa ${indice}; azul negativo, rojo positivo, blanco cero`);
  $("lab-detail-text").textContent = texto;
}

// Los filtros de la primera convolución de la red actual, con una escala común
export function pintarFiltros(pesos) {
  const primera = ui.modelo.arquitectura.find((a) => a.tipo === "conv");
  const { w } = pesos[primera.nombre], k = primera.kernel, n = primera.salida[0];
  const lado = Math.ceil(Math.sqrt(n)), celda = k + 1, px = lado * celda - 1;
  const rejilla = new Float32Array(px * px).fill(NaN);
  for (let f = 0; f < n; f++) {
    const gx = (f % lado) * celda, gy = Math.floor(f / lado) * celda;
    for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) rejilla[(gy + y) * px + gx + x] = w[(f * k + y) * k + x];
  }
  const s = absMax(w) || 1, lienzo = $("lab-filters");
  pintar(lienzo, rejilla, px, px, (v) => (Number.isNaN(v) ? -1 : nivel(v + s, 2 * s)), DIVERGENTE);
  lienzo.setAttribute("aria-label", `Los ${n} filtros de ${k}×${k} de ${primera.nombre} (del 0 al ${n - 1}, en orden ` +
    "de lectura) en esta época: azul negativo, rojo positivo, blanco cero");
}
