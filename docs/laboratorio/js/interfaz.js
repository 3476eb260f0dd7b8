// La interfaz del laboratorio: arranca el trabajador (canal.js), pide cálculos
// para lo que hay en el lienzo y los pinta. Las cuentas las hace el trabajador
// (trabajador.js); el resto de la interfaz vive en lienzo.js (dibujar),
// mapas.js (mapas de características y filtros), graficas.js (barras y
// gráficos), controles.js (listas, deslizadores y «Cargar tu red") y
// pruebas.js (window.cnnLab, para las pruebas y las medidas).
import { ponerImagen } from "./colores.js";
import { enviar, iniciarTrabajador } from "./canal.js";
import { aplicarControles, archivoAceptado, archivoRechazado, extraListo, prepararControles } from "./controles.js";
import { $, api, COLUMNAS, esFinal, ORDEN_CALCULO, raiz, ui } from "./estado.js";
import { construirBarras, olvidarMedidas, pintarBarras, pintarExactitud, pintarRho } from "./graficas.js";
import { LADO, limpiarLienzo, pintarPixeles, prepararLienzo, tintaDelLienzo } from "./lienzo.js";
import { construirMapas, pintarCapas, pintarDetalle, pintarFiltros, prepararMapas } from "./mapas.js";
import { decimal, porcentaje } from "./numeros.js";
import { prepararPruebas } from "./pruebas.js";

// --- Pedir cálculos ------------------------------------------------------------------

// Pide un cálculo para lo que hay ahora en el lienzo (o el dígito de prueba).
// Si hay uno en marcha, el trabajador lo abandona en su próxima pausa.
function solicitar() {
  if (!ui.modelo) return;
  ui.pendiente = false;
  const id = ++ui.siguienteId;
  const peticion = { tipo: "calcular", id, epoca: ui.epoca, paso: ui.paso, lineaBase: ui.lineaBase,
                     metodos: ORDEN_CALCULO, comparar: true, cancelable: true, columnas: COLUMNAS };
  if (ui.pixeles) {
    peticion.pixeles = ui.pixeles;
  } else {
    peticion.tinta = tintaDelLienzo();
    peticion.lado = LADO;
  }
  ui.enVuelo = id;
  for (const fig of Object.values(ui.figuras)) fig.el.classList.add("is-stale");
  $("lab-attr").setAttribute("aria-busy", "true");
  enviar(peticion);
}

function cargarDigito(posicion) {
  const d = ui.modelo.digitos[posicion];
  if (!d) return;
  pintarPixeles(d.pixeles);
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

// --- Lo que llega del trabajador ------------------------------------------------------

function pintarRed(m) {
  ui.actual = m;
  // Los píxeles de colores ya vienen calculados del trabajador
  ponerImagen($("lab-input"), m.imagenes.entrada, 28, 28);
  pintarCapas(m);
  const p = m.probs, mejor = p.indexOf(Math.max(...p));
  pintarBarras(p, mejor);
  const vacio = !m.entrada.some((v) => v > 0);
  const red = ui.paso > 0 ? "La red con capas al azar" : (esFinal() ? "La red" : `La red de la época ${ui.epoca}`);
  $("lab-pred").textContent = vacio
    ? `Lienzo vacío. Aun así ${red.toLowerCase()} elige el ${mejor} (${porcentaje(p[mejor])}).`
    : `${red} dice: ${mejor} (${porcentaje(p[mejor])})${ui.fuente}`;
  $("lab-target").textContent = `Cada mapa explica la puntuación del ${m.clase}, la clase que predice ` +
    (esFinal() ? "la red entrenada" : `la red de la época ${ui.epoca}`) +
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
  if (!fig) return;
  ponerImagen(fig.lienzo, m.rgba, 28, 28);
  fig.el.classList.remove("is-stale");
  const rho = m.rho === null ? "" : ` · ρ = ${Number.isNaN(m.rho) ? "—" : decimal(m.rho, 2)}`;
  fig.info.textContent = `${decimal(m.ms, 0)} ms${rho}`;
  fig.lienzo.setAttribute("aria-label", `Mapa de ${fig.nombre} para la clase ${ui.actual.clase}` +
    (m.rho === null ? "" : `; correlación de rangos con la red sin aleatorizar: ${Number.isNaN(m.rho) ? "indefinida" : decimal(m.rho, 2)}`));
  api.lastMaps[m.metodo] = Array.from(m.mapa);
  api.lastRho[m.metodo] = m.rho;
  api.timings[m.metodo] = m.ms;
  ui.rho[m.metodo] = m.rho;
  if (Object.keys(api.lastMaps).length === ORDEN_CALCULO.length) $("lab-attr").setAttribute("aria-busy", "false");
  if (ui.paso > 0) pintarRho();
}

function finCalculo(m) {
  if (m.id !== ui.enVuelo) return;
  if (m.tipo === "fallo") avisoCalculo(m.mensaje);
  if (m.tipo === "fin") { api.mapsDone += 1; api.timings.total = m.ms; }
  ui.enVuelo = null;
  if (ui.pendiente) solicitar();
}

function avisoCalculo(mensaje) {
  const aviso = $("lab-calc-status");
  aviso.hidden = false;
  aviso.textContent = `No se pudo calcular: ${mensaje}.`;
}

// El modelo del sitio no se pudo usar: nada de predicciones, pero se puede cargar otra red
function mostrarError(mensaje) {
  const estado = $("lab-status");
  estado.hidden = false;
  estado.textContent = `No se pudo usar el modelo: ${mensaje}. El laboratorio no hace predicciones con un archivo dañado; ` +
    "puedes cargar tu red con el botón «Cargar tu red».";
  raiz.dataset.error = "modelo";
  raiz.setAttribute("aria-busy", "false");
  for (const el of raiz.querySelectorAll("button, select, input")) el.disabled = true;
  $("lab-load").disabled = false;
  $("lab-file").disabled = false;
}

// --- Con cada modelo ------------------------------------------------------------------------

function construirAtribucion(modelo) {
  const contenedor = $("lab-attr");
  contenedor.replaceChildren();
  ui.figuras = {};
  for (const [metodo, nombre] of Object.entries(modelo.metodos.etiquetas)) {
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

function aplicarModelo(modelo, nombre) {
  const propio = Boolean(nombre);
  ui.modelo = modelo;
  ui.propio = propio;
  ui.epoca = modelo.epocas;
  ui.enVuelo = null;
  ui.actual = null;
  delete raiz.dataset.error;
  for (const el of raiz.querySelectorAll("button, select")) el.disabled = false;
  api.model = { clave: modelo.clave, media: modelo.media, desv: modelo.desv, epocas: modelo.epocas,
                cascada: modelo.cascada, metodos: Object.keys(modelo.metodos.etiquetas), propio,
                arquitectura: modelo.arquitectura,
                digitos: modelo.digitos.map((d) => ({ indice: d.indice, etiqueta: d.etiqueta })) };
  construirBarras();
  construirAtribucion(modelo);
  construirMapas(modelo);
  aplicarControles(modelo);
  $("lab-input-note").textContent = `28×28 píxeles; la red recibe (x − ${decimal(modelo.media, 4)}) / ${decimal(modelo.desv, 4)}.`;
  const exactitud = modelo.exactitud === null ? "" : `, exactitud en el conjunto de prueba ${porcentaje(modelo.exactitud)}`;
  $("lab-meta").textContent = `${propio ? `Tu red («${nombre}»)` : "La red del sitio"}: pesos ${modelo.clave}${exactitud}.`;
  $("lab-source-text").textContent = propio
    ? `Ahora ves tu red, «${nombre}». Recarga la página para volver a la red del sitio.`
    : "Ahora ves la red entrenada al construir el sitio.";
  if (propio) archivoAceptado();
  limpiarLienzo();
  ui.pixeles = null;
  ui.fuente = "";
  // El primer dígito (un 7 si lo hay), en otra tarea; sin dígitos de prueba, el lienzo vacío
  const siete = modelo.digitos.findIndex((d) => d.etiqueta === 7);
  setTimeout(() => (modelo.digitos.length ? cargarDigito(siete >= 0 ? siete : 0) : solicitar()), 0);
  $("lab-status").hidden = true;
  raiz.setAttribute("aria-busy", "false");
  raiz.dataset.ready = "true";
  raiz.dataset.source = propio ? "propio" : "sitio";
  api.ready = true;
}

// --- Arranque ----------------------------------------------------------------------------

function enviarModelo(json, nombre) {
  enviar({ tipo: "cargar", json, nombre });
}

prepararMapas();
prepararLienzo({
  activo: () => Boolean(ui.modelo),
  alEmpezar: () => {
    ui.pixeles = null;
    if (ui.fuente) { ui.fuente = ""; $("lab-digit").value = ""; }
  },
  alCambiar: solicitar,
});
prepararControles({ solicitar, cargarDigito, borrar, enviarModelo });
prepararPruebas({ cargarDigito, cargarModelo: enviarModelo });
// Los gráficos se dibujan en px CSS: al cambiar el ancho, se vuelven a dibujar
new ResizeObserver(() => { olvidarMedidas(); pintarRho(); pintarExactitud(); }).observe($("lab-rho"));
iniciarTrabajador({
  listo: (m) => aplicarModelo(m.modelo, m.nombre),
  error: (m) => mostrarError(m.mensaje),
  rechazado: (m) => archivoRechazado(m.nombre, m.mensaje),
  extra: extraListo,
  red: (m) => { if (m.id === ui.enVuelo) pintarRed(m); },
  mapa: (m) => { if (m.id === ui.enVuelo) pintarMapa(m); },
  fin: finCalculo, cancelado: finCalculo, fallo: finCalculo,
}, mostrarError);
