// Las gráficas del laboratorio: las barras de probabilidad de cada dígito, la
// correlación de rangos de cada mapa con el de la red sin aleatorizar y la
// exactitud en prueba por época. Los SVG se dibujan en px CSS: el texto se ve
// del tamaño de la letra de la página.
import { $, ui } from "./estado.js";
import { decimal, porcentaje } from "./numeros.js";

const SVG = "http://www.w3.org/2000/svg";

// --- Barras de probabilidad -----------------------------------------------------

export function construirBarras() {
  const lista = $("lab-bars");
  lista.replaceChildren();
  ui.barras = [];
  for (let k = 0; k < 10; k++) {
    const li = document.createElement("li");
    li.innerHTML = `<span class="lab-bar-label">${k}</span><span class="lab-bar" aria-hidden="true"><span></span></span><span class="lab-bar-value"></span>`;
    lista.appendChild(li);
    ui.barras.push({ li, relleno: li.querySelector(".lab-bar > span"), valor: li.querySelector(".lab-bar-value") });
  }
}

export function pintarBarras(p, mejor) {
  ui.barras.forEach((b, k) => {
    b.relleno.style.width = `${(100 * p[k]).toFixed(2)}%`;   // CSS: punto decimal
    b.valor.textContent = porcentaje(p[k]);
    b.li.classList.toggle("is-pred", k === mejor);
    b.li.setAttribute("aria-label", `${k}: ${porcentaje(p[k])}`);
  });
}

// --- Utilidades de SVG ------------------------------------------------------------

// Medidas de un gráfico (px CSS): ancho, letra y ancho del más largo de
// `textos`. Se guardan: leerlas obliga al navegador a recalcular estilos;
// `olvidarMedidas` las borra cuando cambia el ancho.
const medidas = new Map();
function medir(el, textos = []) {
  if (!medidas.has(el)) {
    const estilo = getComputedStyle(el), regla = document.createElement("canvas").getContext("2d");
    regla.font = `${estilo.fontSize} ${estilo.fontFamily}`;
    medidas.set(el, { ancho: el.clientWidth, letra: parseFloat(estilo.fontSize) || 12,
                      texto: Math.max(0, ...textos.map((t) => regla.measureText(t).width)) });
  }
  return medidas.get(el);
}

export const olvidarMedidas = () => medidas.clear();

function svg(tipo, atributos, texto) {
  const el = document.createElementNS(SVG, tipo);
  for (const [k, v] of Object.entries(atributos)) el.setAttribute(k, v);
  if (texto !== undefined) el.textContent = texto;
  return el;
}

const rhoTexto = (rho) => (Number.isNaN(rho) ? "—" : decimal(rho, 2));

// --- Correlación de rangos de la prueba de aleatorización --------------------------

export function pintarRho() {
  const grafico = $("lab-rho");
  grafico.replaceChildren();
  if (!ui.modelo) return;
  const etiquetas = ui.modelo.metodos.etiquetas, metodos = Object.keys(etiquetas);
  const medida = medir(grafico, Object.values(etiquetas)), letra = medida.letra;
  const total = Math.max(240, medida.ancho || 320);
  const x0 = Math.ceil(medida.texto + letra * 0.8);
  const ancho = total - x0 - letra * 3.5, alto = Math.round(letra * 1.7);
  const umbral = ui.modelo.umbral;
  grafico.setAttribute("viewBox", `0 0 ${total} ${alto * metodos.length + letra * 3}`);
  const y0 = 8;
  metodos.forEach((metodo, i) => {
    const y = y0 + i * alto, rho = ui.rho[metodo];
    const base = y + alto / 2 + letra * 0.35;
    grafico.append(svg("text", { x: x0 - 6, y: base, "text-anchor": "end", class: "lab-chart-label" }, etiquetas[metodo]));
    grafico.append(svg("rect", { x: x0, y: y + 3, width: ancho, height: alto - 6, class: "lab-chart-track" }));
    if (ui.paso > 0 && typeof rho === "number" && !Number.isNaN(rho)) {
      grafico.append(svg("rect", { x: x0, y: y + 3, width: Math.max(0, Math.min(1, rho)) * ancho, height: alto - 6,
                                   class: rho < umbral ? "lab-chart-bar is-pass" : "lab-chart-bar" }));
    }
    const texto = ui.paso === 0 ? "1" : (typeof rho === "number" ? rhoTexto(rho) : "…");
    grafico.append(svg("text", { x: x0 + ancho + 6, y: base, class: "lab-chart-value" }, texto));
  });
  const yb = y0 + metodos.length * alto;
  const xu = x0 + umbral * ancho;
  grafico.append(svg("line", { x1: xu, x2: xu, y1: y0, y2: yb, class: "lab-chart-threshold" }));
  const ye = yb + letra * 1.4;
  grafico.append(svg("text", { x: x0, y: ye, "text-anchor": "middle", class: "lab-chart-axis" }, "0"));
  grafico.append(svg("text", { x: xu, y: ye, "text-anchor": "middle", class: "lab-chart-axis" }, `umbral ${decimal(umbral, 1)}`));
  grafico.append(svg("text", { x: x0 + ancho, y: ye, "text-anchor": "middle", class: "lab-chart-axis" }, "1"));
  const resumen = metodos.map((m) => `${etiquetas[m]} ${typeof ui.rho[m] === "number" && !Number.isNaN(ui.rho[m]) ? decimal(ui.rho[m], 2) : "sin calcular"}`);
  grafico.setAttribute("aria-label", ui.paso === 0
    ? "Correlación de rangos con la red sin aleatorizar: 1 para todos los métodos (ninguna capa al azar)"
    : `Correlación de rangos de Spearman de cada mapa con el de la red sin aleatorizar: ${resumen.join("; ")}`);
}

// --- Exactitud en prueba de cada época, con la época elegida marcada ----------------

export function pintarExactitud() {
  const grafico = $("lab-accuracy"), ex = ui.exactitudes;
  grafico.replaceChildren();
  if (!ex) return;
  const medida = medir(grafico), letra = medida.letra, w = Math.max(160, medida.ancho || 200);
  const h = Math.round(letra * 8), izq = Math.round(letra * 3.6), abajo = Math.round(letra * 1.6), n = ex.length - 1;
  grafico.setAttribute("viewBox", `0 0 ${w} ${h}`);
  // Margen de arriba: la etiqueta «100 %» se centra en su línea y no debe salirse del dibujo
  const arriba = Math.ceil(letra * 0.8);
  const X = (e) => izq + (e / n) * (w - izq - letra * 2.2), Y = (a) => arriba + (1 - a) * (h - abajo - arriba);
  grafico.append(svg("line", { x1: izq, x2: X(n), y1: Y(0), y2: Y(0), class: "lab-chart-track-line" }));
  grafico.append(svg("line", { x1: izq, x2: X(n), y1: Y(1), y2: Y(1), class: "lab-chart-track-line" }));
  grafico.append(svg("text", { x: izq - 4, y: Y(1) + letra * 0.35, "text-anchor": "end", class: "lab-chart-axis" }, porcentaje(1, 0)));
  grafico.append(svg("text", { x: izq - 4, y: Y(0) + letra * 0.35, "text-anchor": "end", class: "lab-chart-axis" }, porcentaje(0, 0)));
  grafico.append(svg("text", { x: X(0), y: h - 3, "text-anchor": "middle", class: "lab-chart-axis" }, "0"));
  grafico.append(svg("text", { x: X(n), y: h - 3, "text-anchor": "middle", class: "lab-chart-axis" }, `época ${n}`));
  grafico.append(svg("polyline", { points: ex.map((a, e) => `${X(e)},${Y(a)}`).join(" "), class: "lab-chart-line" }));
  grafico.append(svg("circle", { cx: X(ui.epoca), cy: Y(ex[ui.epoca]), r: 4, class: "lab-chart-dot" }));
  grafico.setAttribute("aria-label", `Exactitud en prueba por época, de ${porcentaje(ex[0])} en la época 0 a ${porcentaje(ex[n])} en la ${n}; ` +
    `marcada la época ${ui.epoca}: ${porcentaje(ex[ui.epoca])}`);
}
