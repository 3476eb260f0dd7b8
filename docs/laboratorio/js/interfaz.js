// La interfaz del laboratorio: el lienzo, los controles y el dibujo de los
// resultados. Las cuentas las hace el trabajador (trabajador.js); aquí solo se
// piden y se pintan. Para las pruebas y las medidas se expone window.cnnLab.
import { DIVERGENTE, GRISES, VIRIDIS, nivel, pintar, ponerImagen } from "./colores.js";

const raiz = document.getElementById("cnn-lab");
const $ = (id) => document.getElementById(id);
// Números en español: coma decimal y signo menos «−» (no el guion). Todos
// tienen menos de cinco cifras enteras: sin separador de miles (RAE)
const fmt = (x, d) => {
  const texto = x.toFixed(d).replace(".", ",");
  return /^-0(,0*)?$/.test(texto) ? texto.slice(1) : texto.replace("-", "−");
};
const pct = (p) => `${fmt(100 * p, 1)} %`;
const SVG = "http://www.w3.org/2000/svg";
// Los métodos en el orden en que los calcula el trabajador: primero los rápidos
const ORDEN_CALCULO = ["saliencia", "gradcam", "guiada", "smoothgrad", "integrados", "oclusion"];
const NOMBRES_PASO = (capas) => (capas.length ? `${capas.join(", ")} al azar` : "ninguna: la red sin aleatorizar");

const ui = {
  modelo: null, trabajador: null, siguienteId: 0,
  epoca: 0, paso: 0, lineaBase: "negra", fuente: "", dibujando: false,
  enVuelo: null, pendiente: false, actual: null, mapas: {}, rho: {}, exactitudes: null,
  seleccion: { capa: null, indice: 0 }, fijado: { capa: null, indice: 0 }, botones: [],
  aleatorioOk: false, epocasOk: false,
};
const api = window.cnnLab = {
  ready: false, updates: 0, mapsDone: 0, lastProbabilities: null, lastPrediction: null,
  lastInput: null, lastMaps: {}, lastRho: {}, timings: {},
};

// ---------------------------------------------------------------- trabajador
const esperando = new Map();   // id -> {resolver, resultado} de los cálculos de cnnLab.compute

function iniciarTrabajador() {
  const t = new Worker(new URL("trabajador.js", import.meta.url), { type: "module" });
  t.onmessage = (e) => recibir(e.data);
  t.onerror = (e) => mostrarError(`el trabajador del laboratorio falló (${e.message || "sin mensaje"})`);
  const base = new URL(".", document.baseURI);
  const url = (atributo, defecto) => new URL(raiz.dataset[atributo] || defecto, base).href;
  t.postMessage({ tipo: "iniciar", urls: { modelo: url("model", "modelo.json"),
    aleatorio: url("random", "aleatorio.bin"), epocas: url("epochs", "epocas.bin") } });
  return t;
}

function recibir(m) {
  if (esperando.has(m.id)) { recibirPrueba(m); return; }
  switch (m.tipo) {
    case "listo": arrancar(m.modelo); break;
    case "error": mostrarError(m.mensaje); break;
    case "extra": extraListo(m); break;
    case "red": if (m.id === ui.enVuelo) pintarRed(m); break;
    case "mapa": if (m.id === ui.enVuelo) pintarMapa(m); break;
    case "fin": case "cancelado": case "fallo":
      if (m.tipo === "fallo" && m.id === ui.enVuelo) avisoCalculo(m.mensaje);
      if (m.tipo === "fin" && m.id === ui.enVuelo) { api.mapsDone += 1; api.timings.total = m.ms; }
      if (m.id === ui.enVuelo) { ui.enVuelo = null; if (ui.pendiente) solicitar(); }
      break;
    default: break;
  }
}

// Pide un cálculo para lo que hay ahora en el lienzo (o el dígito de prueba).
// Si hay uno en marcha se le avisa (lo abandona en la próxima pausa) y se pide el nuevo.
function solicitar() {
  if (!ui.modelo) return;
  ui.pendiente = false;
  const id = ++ui.siguienteId;
  const peticion = { tipo: "calcular", id, epoca: ui.epoca, paso: ui.paso, lineaBase: ui.lineaBase,
                     metodos: ORDEN_CALCULO, comparar: true, cancelable: true, columnas: COLUMNAS };
  if (ui.pixeles) {
    peticion.pixeles = ui.pixeles;
  } else {
    const datos = padCtx.getImageData(0, 0, LADO, LADO).data;
    const tinta = new Uint8Array(LADO * LADO);
    for (let i = 0; i < tinta.length; i++) tinta[i] = datos[4 * i];
    peticion.tinta = tinta;
    peticion.lado = LADO;
  }
  ui.enVuelo = id;
  for (const fig of Object.values(ui.figuras)) fig.el.classList.add("is-stale");
  $("lab-attr").setAttribute("aria-busy", "true");
  ui.trabajador.postMessage(peticion);
}

let cuadroPendiente = 0;
function programar() {
  if (!cuadroPendiente) cuadroPendiente = requestAnimationFrame(() => { cuadroPendiente = 0; solicitar(); });
}

// ---------------------------------------------------------------- lienzo
const pad = $("lab-pad"), padCtx = pad.getContext("2d", { willReadFrequently: true });
const LADO = pad.width;

function limpiarLienzo() {
  padCtx.fillStyle = "#000";
  padCtx.fillRect(0, 0, LADO, LADO);
}

function prepararLienzo() {
  let ultimo = null;
  const punto = (e) => {
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * LADO / r.width, (e.clientY - r.top) * LADO / r.height];
  };
  const trazo = (a, b) => {
    padCtx.strokeStyle = "#fff";
    padCtx.lineWidth = LADO / 14;
    padCtx.lineCap = padCtx.lineJoin = "round";
    padCtx.beginPath();
    padCtx.moveTo(a[0], a[1]);
    padCtx.lineTo(b[0], b[1]);
    padCtx.stroke();
  };
  pad.addEventListener("pointerdown", (e) => {
    if (!ui.modelo || (e.button !== 0 && e.pointerType === "mouse")) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    $("lab-pred").setAttribute("aria-live", "off");   // no anunciar cada trazo
    ultimo = punto(e);
    padCtx.fillStyle = "#fff";
    padCtx.beginPath();
    padCtx.arc(ultimo[0], ultimo[1], LADO / 28, 0, 2 * Math.PI);
    padCtx.fill();
    ui.pixeles = null;
    if (ui.fuente) { ui.fuente = ""; $("lab-digit").value = ""; }
    programar();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!ultimo) return;
    const eventos = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of (eventos.length ? eventos : [e])) {
      const p = punto(ev);
      trazo(ultimo, p);
      ultimo = p;
    }
    programar();
  });
  const fin = () => {
    if (!ultimo) return;
    ultimo = null;
    $("lab-pred").setAttribute("aria-live", "polite");
    programar();
  };
  pad.addEventListener("pointerup", fin);
  pad.addEventListener("pointercancel", fin);
}

function cargarDigito(posicion) {
  const d = ui.modelo.digitos[posicion];
  const chico = document.createElement("canvas");
  chico.width = chico.height = 28;
  pintar(chico, d.pixeles, 28, 28, (v) => nivel(v, 1), GRISES);
  limpiarLienzo();
  padCtx.imageSmoothingEnabled = true;
  padCtx.drawImage(chico, 0, 0, LADO, LADO);
  ui.pixeles = d.pixeles;
  ui.fuente = ` · dígito de prueba n.º ${d.indice} (es un ${d.etiqueta})`;
  $("lab-digit").value = String(posicion);
  solicitar();
}

function borrar() {
  limpiarLienzo();
  ui.pixeles = null;
  ui.fuente = "";
  $("lab-digit").value = "";
  solicitar();
}

// ---------------------------------------------------------------- construir la página
function construirBarras() {
  const lista = $("lab-bars");
  ui.barras = [];
  for (let k = 0; k < 10; k++) {
    const li = document.createElement("li");
    li.innerHTML = `<span class="lab-bar-label">${k}</span><span class="lab-bar" aria-hidden="true"><span></span></span><span class="lab-bar-value"></span>`;
    lista.appendChild(li);
    ui.barras.push({ li, relleno: li.querySelector(".lab-bar > span"), valor: li.querySelector(".lab-bar-value") });
  }
}

function construirAtribucion(modelo) {
  const etiquetas = modelo.metodos.etiquetas;
  ui.figuras = {};
  const contenedor = $("lab-attr");
  for (const [metodo, nombre] of Object.entries(etiquetas)) {
    const fig = document.createElement("figure");
    fig.className = "lab-attr-map is-stale";
    fig.dataset.method = metodo;
    const lienzo = document.createElement("canvas");
    lienzo.width = lienzo.height = 28;
    lienzo.setAttribute("role", "img");
    lienzo.setAttribute("aria-label", `Mapa de ${nombre}`);
    const pie = document.createElement("figcaption");
    pie.innerHTML = `<span class="lab-attr-name">${nombre}</span> <span class="lab-attr-info"></span>`;
    fig.append(lienzo, pie);
    contenedor.appendChild(fig);
    ui.figuras[metodo] = { el: fig, lienzo, info: pie.querySelector(".lab-attr-info"), nombre };
  }
}

// Mapas de características: una sección por capa de 3 dimensiones tras ReLU o pooling,
// leídas de la arquitectura. Los mapas de una capa se pintan en un solo lienzo
// (una llamada por capa) y encima van sus botones, transparentes. Todos los
// botones son una sola parada del tabulador: dentro se navega con las flechas.
const COLUMNAS = 8;

function construirMapas(modelo) {
  const contenedor = $("lab-layers");
  const arq = modelo.arquitectura;
  ui.capasMapa = {};
  arq.forEach((c, i) => {
    if (!(c.tipo === "relu" || c.tipo === "maxpool") || c.salida.length !== 3) return;
    const conv = [...arq.slice(0, i)].reverse().find((a) => a.tipo === "conv");
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
    // Los botones, de una vez; sus eventos los atiende el contenedor
    rejilla.innerHTML = Array.from({ length: C }, (_, m) =>
      `<button type="button" class="lab-map" tabindex="-1" aria-pressed="false" ` +
      `data-boton="${ui.botones.length + m}" aria-label="${titulo}, mapa ${m + 1}: ver su filtro" ` +
      `title="${titulo} · mapa ${m + 1}"></button>`).join("");
    for (const [m, b] of Array.from(rejilla.children).entries()) {
      capa.botones.push(b);
      ui.botones.push({ boton: b, capa: c.nombre, indice: m, rejilla });
    }
    ui.capasMapa[c.nombre] = capa;
  });
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
    if (e.pointerType === "mouse") elegir(ui.fijado.capa, ui.fijado.indice, false);
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

function boton(sel) {
  return ui.capasMapa[sel.capa].botones[sel.indice];
}

function elegir(capa, indice, fijar) {
  if (fijar) {
    boton(ui.fijado).setAttribute("aria-pressed", "false");
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

// ---------------------------------------------------------------- pintar
function absMax(v) {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function pintarRed(m) {
  ui.actual = m;
  // Los píxeles de colores ya vienen calculados del trabajador
  ponerImagen($("lab-input"), m.imagenes.entrada, 28, 28);
  for (const capa of Object.values(ui.capasMapa)) {
    const img = m.imagenes.capas[capa.nombre];
    capa.max = img.max;
    ponerImagen(capa.lienzo, img.rgba, img.ancho, img.alto);
  }
  const p = m.probs, mejor = p.indexOf(Math.max(...p));
  ui.barras.forEach((b, k) => {
    b.relleno.style.width = `${(100 * p[k]).toFixed(2)}%`;
    b.valor.textContent = pct(p[k]);
    b.li.classList.toggle("is-pred", k === mejor);
    b.li.setAttribute("aria-label", `${k}: ${pct(p[k])}`);
  });
  const vacio = !m.entrada.some((v) => v > 0);
  const red = ui.paso > 0 ? "La red con capas al azar" : (ui.epoca === ui.modelo.epocas ? "La red" : `La red de la época ${ui.epoca}`);
  $("lab-pred").textContent = vacio
    ? `Lienzo vacío. Aun así ${red.toLowerCase()} elige el ${mejor} (${pct(p[mejor])}).`
    : `${red} dice: ${mejor} (${pct(p[mejor])})${ui.fuente}`;
  $("lab-target").textContent = `Cada mapa explica la puntuación del ${m.clase}, la clase que predice ` +
    (ui.epoca === ui.modelo.epocas ? "la red entrenada" : `la red de la época ${ui.epoca}`) +
    (ui.paso > 0 ? " antes de aleatorizar." : ".");
  raiz.dataset.probabilities = JSON.stringify(Array.from(p));
  raiz.dataset.prediction = String(mejor);
  api.lastProbabilities = Array.from(p);
  api.lastPrediction = mejor;
  api.lastInput = Array.from(m.normalizada);
  api.lastClass = m.clase;
  api.timings.red = m.ms;
  api.updates += 1;
  api.lastMaps = {};
  api.lastRho = {};
  // Filtros y detalle en otra tarea: ninguna tarea del hilo principal se alarga
  setTimeout(() => { if (ui.actual === m) { pintarFiltros(m.pesos); pintarDetalle(); } }, 0);
}

function pintarMapa(m) {
  const fig = ui.figuras[m.metodo];
  ponerImagen(fig.lienzo, m.rgba, 28, 28);
  fig.el.classList.remove("is-stale");
  const rho = m.rho === null ? "" : ` · ρ = ${Number.isNaN(m.rho) ? "—" : fmt(m.rho, 2)}`;
  fig.info.textContent = `${fmt(m.ms, 0)} ms${rho}`;
  fig.lienzo.setAttribute("aria-label", `Mapa de ${fig.nombre} para la clase ${ui.actual.clase}` +
    (m.rho === null ? "" : `; correlación de rangos con la red sin aleatorizar: ${Number.isNaN(m.rho) ? "indefinida" : fmt(m.rho, 2)}`));
  api.lastMaps[m.metodo] = Array.from(m.mapa);
  api.lastRho[m.metodo] = m.rho;
  api.timings[m.metodo] = m.ms;
  ui.rho[m.metodo] = m.rho;
  if (Object.keys(api.lastMaps).length === ORDEN_CALCULO.length) $("lab-attr").setAttribute("aria-busy", "false");
  if (ui.paso > 0) pintarRho();
}

function pintarDetalle() {
  const { capa: nombre, indice } = ui.seleccion;
  const capa = ui.capasMapa[nombre], m = ui.actual;
  const lienzo = $("lab-detail-map"), kernel = $("lab-detail-kernel");
  const plano = capa.H * capa.W;
  pintar(lienzo, m.capas[nombre].subarray(indice * plano, (indice + 1) * plano), capa.W, capa.H, (v) => nivel(v, capa.max), VIRIDIS);
  lienzo.setAttribute("aria-label", `Mapa ${indice + 1} de ${capa.titulo} ${capa.post}, ampliado`);
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
  texto += `Sesgo ${fmt(b[indice], 3)}; pesos de ${fmt(min, 3)} a ${fmt(max, 3)}.`;
  if (capa.pool) {
    texto = `${nombre}: máximo de cada ventana del mapa ${indice + 1} de ${capa.conv}, sin pesos propios. ` + texto;
  }
  $("lab-detail-title").textContent = `${capa.titulo} · mapa ${indice + 1}`;
  $("lab-detail-kcap").textContent = pie;
  kernel.setAttribute("aria-label", `${pie} de ${capa.conv} que producen el mapa ${indice + 1}; azul negativo, rojo positivo, blanco cero`);
  $("lab-detail-text").textContent = texto;
}

// Los 16 filtros de la primera convolución de la red actual, con una escala común
function pintarFiltros(pesos) {
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
}

// Medidas de un gráfico (px CSS): ancho, letra y ancho del más largo de
// `textos`. Se guardan: leerlas obliga al navegador a recalcular estilos; el
// ResizeObserver las borra cuando cambia el ancho.
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

function svg(tipo, atributos, texto) {
  const el = document.createElementNS(SVG, tipo);
  for (const [k, v] of Object.entries(atributos)) el.setAttribute(k, v);
  if (texto !== undefined) el.textContent = texto;
  return el;
}

// Gráfico de barras: la correlación de rangos de cada mapa con el de la red sin aleatorizar
function pintarRho() {
  const grafico = $("lab-rho");
  grafico.replaceChildren();
  const etiquetas = ui.modelo.metodos.etiquetas, metodos = Object.keys(etiquetas);
  // Unidades del dibujo = px CSS: el texto se ve del tamaño de la letra de la página
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
    const texto = ui.paso === 0 ? "1" : (typeof rho === "number" ? (Number.isNaN(rho) ? "—" : fmt(rho, 2)) : "…");
    grafico.append(svg("text", { x: x0 + ancho + 6, y: base, class: "lab-chart-value" }, texto));
  });
  const yb = y0 + metodos.length * alto;
  const xu = x0 + umbral * ancho;
  grafico.append(svg("line", { x1: xu, x2: xu, y1: y0, y2: yb, class: "lab-chart-threshold" }));
  const ye = yb + letra * 1.4;
  grafico.append(svg("text", { x: x0, y: ye, "text-anchor": "middle", class: "lab-chart-axis" }, "0"));
  grafico.append(svg("text", { x: xu, y: ye, "text-anchor": "middle", class: "lab-chart-axis" }, `umbral ${fmt(umbral, 1)}`));
  grafico.append(svg("text", { x: x0 + ancho, y: ye, "text-anchor": "middle", class: "lab-chart-axis" }, "1"));
  const resumen = metodos.map((m) => `${etiquetas[m]} ${typeof ui.rho[m] === "number" && !Number.isNaN(ui.rho[m]) ? fmt(ui.rho[m], 2) : "sin calcular"}`);
  grafico.setAttribute("aria-label", ui.paso === 0
    ? "Correlación de rangos con la red sin aleatorizar: 1 para todos los métodos (ninguna capa al azar)"
    : `Correlación de rangos de Spearman de cada mapa con el de la red sin aleatorizar: ${resumen.join("; ")}`);
}

// Exactitud en prueba de cada época, con la época elegida marcada
function pintarExactitud() {
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
  grafico.append(svg("text", { x: izq - 4, y: Y(1) + letra * 0.35, "text-anchor": "end", class: "lab-chart-axis" }, "100 %"));
  grafico.append(svg("text", { x: izq - 4, y: Y(0) + letra * 0.35, "text-anchor": "end", class: "lab-chart-axis" }, "0 %"));
  grafico.append(svg("text", { x: X(0), y: h - 3, "text-anchor": "middle", class: "lab-chart-axis" }, "0"));
  grafico.append(svg("text", { x: X(n), y: h - 3, "text-anchor": "middle", class: "lab-chart-axis" }, `época ${n}`));
  grafico.append(svg("polyline", { points: ex.map((a, e) => `${X(e)},${Y(a)}`).join(" "), class: "lab-chart-line" }));
  grafico.append(svg("circle", { cx: X(ui.epoca), cy: Y(ex[ui.epoca]), r: 4, class: "lab-chart-dot" }));
  grafico.setAttribute("aria-label", `Exactitud en prueba por época, de ${pct(ex[0])} en la época 0 a ${pct(ex[n])} en la ${n}; ` +
    `marcada la época ${ui.epoca}: ${pct(ex[ui.epoca])}`);
}

// ---------------------------------------------------------------- controles
function textoPaso() {
  const capas = ui.paso === 0 ? [] : ui.modelo.cascada[ui.paso - 1];
  return NOMBRES_PASO(capas);
}

function cambiarPaso() {
  ui.paso = Number($("lab-step").value);
  const t = textoPaso();
  $("lab-step-text").textContent = t;
  $("lab-step").setAttribute("aria-valuetext", t);
  ui.rho = {};
  pintarRho();
  solicitar();
}

function textoEpoca() {
  const ex = ui.exactitudes ? `: ${pct(ui.exactitudes[ui.epoca])} de acierto en prueba` : "";
  const final = ui.epoca === ui.modelo.epocas ? " (la red entrenada)" : (ui.epoca === 0 ? " (sin entrenar)" : "");
  return `época ${ui.epoca} de ${ui.modelo.epocas}${final}${ex}`;
}

function cambiarEpoca() {
  ui.epoca = Number($("lab-epoch").value);
  const t = textoEpoca();
  $("lab-epoch-text").textContent = t;
  $("lab-epoch").setAttribute("aria-valuetext", t);
  pintarExactitud();
  solicitar();
}

function extraListo(m) {
  const [control, aviso, qué] = m.parte === "aleatorio"
    ? ["lab-step", "lab-random-status", "La prueba de aleatorización no está disponible"]
    : ["lab-epoch", "lab-epoch-status", "La repetición del entrenamiento no está disponible"];
  if (m.ok) {
    $(control).disabled = false;
    if (m.parte === "epocas") { ui.exactitudes = m.exactitudes; ui.epocasOk = true; cambiarTextoEpoca(); pintarExactitud(); }
    else ui.aleatorioOk = true;
  } else {
    $(control).disabled = true;
    $(aviso).hidden = false;
    $(aviso).textContent = `${qué}: ${m.mensaje}. El resto del laboratorio funciona.`;
    raiz.dataset[m.parte === "aleatorio" ? "randomError" : "epochsError"] = "true";
  }
  raiz.dataset[m.parte === "aleatorio" ? "randomReady" : "epochsReady"] = String(m.ok);
}

function cambiarTextoEpoca() {
  const t = textoEpoca();
  $("lab-epoch-text").textContent = t;
  $("lab-epoch").setAttribute("aria-valuetext", t);
}

function avisoCalculo(mensaje) {
  const aviso = $("lab-calc-status");
  aviso.hidden = false;
  aviso.textContent = `No se pudo calcular: ${mensaje}.`;
}

function mostrarError(mensaje) {
  const estado = $("lab-status");
  estado.hidden = false;
  estado.textContent = `No se pudo usar el modelo: ${mensaje}. El laboratorio no hace predicciones con un archivo dañado.`;
  raiz.dataset.error = "modelo";
  raiz.setAttribute("aria-busy", "false");
  for (const el of raiz.querySelectorAll("button, select, input")) el.disabled = true;
}

// ---------------------------------------------------------------- arranque
function arrancar(modelo) {
  ui.modelo = modelo;
  ui.epoca = modelo.epocas;
  api.model = { clave: modelo.clave, media: modelo.media, desv: modelo.desv, epocas: modelo.epocas,
                cascada: modelo.cascada, metodos: Object.keys(modelo.metodos.etiquetas),
                digitos: modelo.digitos.map((d) => ({ indice: d.indice, etiqueta: d.etiqueta })) };
  const lista = $("lab-digit");
  lista.append(...modelo.digitos.map((d, i) => new Option(`un ${d.etiqueta} (n.º ${d.indice})`, String(i))));
  construirBarras();
  construirAtribucion(modelo);
  construirMapas(modelo);
  prepararLienzo();
  const base = $("lab-baseline");
  for (const nombre of Object.keys(modelo.metodos.integrados.lineas_base)) base.appendChild(new Option(nombre, nombre));
  base.value = ui.lineaBase;
  base.addEventListener("change", () => { ui.lineaBase = base.value; solicitar(); });
  $("lab-clear").addEventListener("click", borrar);
  // Los gráficos se dibujan en px CSS: al cambiar el ancho, se vuelven a dibujar
  new ResizeObserver(() => { medidas.clear(); pintarRho(); pintarExactitud(); }).observe($("lab-rho"));
  lista.addEventListener("change", (e) => { if (e.target.value !== "") cargarDigito(Number(e.target.value)); });
  const paso = $("lab-step");
  paso.max = String(modelo.cascada.length);
  paso.addEventListener("input", cambiarPaso);
  const epoca = $("lab-epoch");
  epoca.max = String(modelo.epocas);
  epoca.value = String(modelo.epocas);
  epoca.addEventListener("input", cambiarEpoca);
  $("lab-step-text").textContent = textoPaso();
  cambiarTextoEpoca();
  $("lab-input-note").textContent = `28×28 píxeles; la red recibe (x − ${fmt(modelo.media, 4)}) / ${fmt(modelo.desv, 4)}.`;
  $("lab-meta").textContent = `Pesos ${modelo.clave}, exactitud en el conjunto de prueba ${pct(modelo.exactitud)}.`;
  limpiarLienzo();
  // El primer dígito, en otra tarea (el gráfico lo dibuja el ResizeObserver)
  const siete = modelo.digitos.findIndex((d) => d.etiqueta === 7);
  setTimeout(() => cargarDigito(siete >= 0 ? siete : 0), 0);
  $("lab-status").hidden = true;
  raiz.setAttribute("aria-busy", "false");
  raiz.dataset.ready = "true";
  api.ready = true;
}

// ---------------------------------------------------------------- pruebas y medidas
function recibirPrueba(m) {
  const p = esperando.get(m.id);
  if (m.tipo === "red") {
    Object.assign(p.resultado, { probs: Array.from(m.probs), logits: Array.from(m.logits), clase: m.clase,
                                 entrada: Array.from(m.entrada), normalizada: Array.from(m.normalizada), msRed: m.ms });
  } else if (m.tipo === "mapa") {
    p.resultado.mapas[m.metodo] = Array.from(m.mapa);
    p.resultado.ms[m.metodo] = m.ms;
    p.resultado.rho[m.metodo] = m.rho;
  } else if (m.tipo === "fin" || m.tipo === "fallo" || m.tipo === "cancelado") {
    esperando.delete(m.id);
    if (m.tipo === "fin") { p.resultado.msTotal = m.ms; p.resolver(p.resultado); } else p.rechazar(new Error(m.mensaje || m.tipo));
  }
}

// Cálculo directo en el trabajador (lo usan las pruebas): mismos métodos, sin pintar
api.compute = (opciones) => new Promise((resolver, rechazar) => {
  const id = ++ui.siguienteId;
  esperando.set(id, { resolver, rechazar, resultado: { mapas: {}, ms: {}, rho: {} } });
  ui.trabajador.postMessage({ tipo: "calcular", id, cancelable: false, comparar: false,
                              epoca: ui.modelo.epocas, paso: 0, lineaBase: "negra", metodos: ORDEN_CALCULO, ...opciones });
});
api.loadTestDigit = (i) => cargarDigito(i);
api.digitPixels = (i) => Array.from(ui.modelo.digitos[i].pixeles);
api.setStep = (p) => { $("lab-step").value = String(p); cambiarPaso(); };
api.setEpoch = (e) => { $("lab-epoch").value = String(e); cambiarEpoca(); };
api.busy = () => ui.enVuelo !== null;

ui.trabajador = iniciarTrabajador();
