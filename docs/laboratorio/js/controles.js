// Los controles del laboratorio: la lista de dígitos de prueba, la línea de
// base, los deslizadores de la prueba de aleatorización y de la repetición
// del entrenamiento (con su estado según lleguen sus archivos) y el botón
// «Cargar tu red», que lee un archivo del lector en este navegador.
import { $, esFinal, raiz, ui } from "./estado.js";
import { pintarExactitud, pintarRho } from "./graficas.js";
import { decimal, porcentaje } from "./numeros.js";

const TAMANO_MAXIMO = 50e6;   // bytes: una red de la familia DigitCNN exportada ocupa unos pocos MB

let acciones = null;   // {solicitar, cargarDigito, borrar, enviarModelo}

// --- Textos de los deslizadores ----------------------------------------------------

function textoPaso() {
  const capas = ui.paso === 0 ? [] : ui.modelo.cascada[ui.paso - 1];
  return capas.length ? `${capas.join(", ")} al azar` : "ninguna: la red sin aleatorizar";
}

function textoEpoca() {
  if (ui.modelo.epocas === null) return "";
  const ex = ui.exactitudes ? `: ${porcentaje(ui.exactitudes[ui.epoca])} de acierto en prueba` : "";
  const final = esFinal() ? " (la red entrenada)" : (ui.epoca === 0 ? " (sin entrenar)" : "");
  return `época ${ui.epoca} de ${ui.modelo.epocas}${final}${ex}`;
}

function ponerTexto(control, salida, texto) {
  $(salida).textContent = texto;
  $(control).setAttribute("aria-valuetext", texto);
}

function cambiarPaso() {
  ui.paso = Number($("lab-step").value);
  ponerTexto("lab-step", "lab-step-text", textoPaso());
  ui.rho = {};
  pintarRho();
  acciones.solicitar();
}

function cambiarEpoca() {
  ui.epoca = Number($("lab-epoch").value);
  ponerTexto("lab-epoch", "lab-epoch-text", textoEpoca());
  pintarExactitud();
  acciones.solicitar();
}

// --- Los archivos extra: aleatorio (pesos al azar) y épocas ---------------------------

const PARTES = {
  aleatorio: { control: "lab-step", aviso: "lab-random-status", ocultar: ["lab-random-body"],
               listo: "randomReady", error: "randomError",
               falla: "La prueba de aleatorización no está disponible",
               ausente: "Tu archivo no trae los pesos al azar de la prueba de aleatorización " +
                        "(los escribe export_lab): esta parte no se muestra con tu red." },
  epocas: { control: "lab-epoch", aviso: "lab-epoch-status", ocultar: ["lab-epoch-body"],
            listo: "epochsReady", error: "epochsError",
            falla: "La repetición del entrenamiento no está disponible",
            ausente: "Tu archivo no trae los pesos de cada época (export_lab los escribe si le " +
                     "pasas checkpoints y accuracies): esta parte no se muestra con tu red." },
};

export function extraListo(m) {
  const p = PARTES[m.parte];
  const aviso = $(p.aviso);
  if (m.ok) {
    $(p.control).disabled = false;
    aviso.hidden = true;
    if (m.parte === "epocas") {
      ui.exactitudes = m.exactitudes;
      ui.epocasOk = true;
      ponerTexto("lab-epoch", "lab-epoch-text", textoEpoca());
      pintarExactitud();
    } else {
      ui.aleatorioOk = true;
    }
  } else {
    $(p.control).disabled = true;
    aviso.hidden = false;
    if (m.ausente) {
      aviso.textContent = p.ausente;
      for (const id of p.ocultar) $(id).hidden = true;
    } else {
      aviso.textContent = `${p.falla}: ${m.mensaje}. El resto del laboratorio funciona.`;
      raiz.dataset[p.error] = "true";
    }
  }
  raiz.dataset[p.listo] = String(m.ok);
}

// --- Cargar tu red --------------------------------------------------------------------

function avisoArchivo(texto, error) {
  const aviso = $("lab-file-status");
  aviso.hidden = false;
  aviso.textContent = texto;
  aviso.classList.toggle("is-error", Boolean(error));
  raiz.dataset.fileError = String(Boolean(error));
}

export const archivoRechazado = (nombre, mensaje) =>
  avisoArchivo(`No se pudo usar «${nombre}»: ${mensaje}. El laboratorio sigue con la red que tenía.`, true);

async function leerArchivo(archivo) {
  if (!archivo) return;
  if (archivo.size > TAMANO_MAXIMO) {
    archivoRechazado(archivo.name, `pesa ${decimal(archivo.size / 1e6, 0)} MB; ` +
      "una red de la familia DigitCNN exportada con export_lab ocupa unos pocos MB");
    return;
  }
  let json;
  try {
    json = JSON.parse(await archivo.text());
  } catch {
    archivoRechazado(archivo.name, "no es JSON válido; se esperaba el archivo .json que escribe " +
      "cnnviz.lab_format.export_lab o python -m cnnviz export-lab");
    return;
  }
  avisoArchivo(`Leyendo «${archivo.name}»…`, false);
  acciones.enviarModelo(json, archivo.name);
}

// --- Una vez, al arrancar ----------------------------------------------------------------

export function prepararControles(a) {
  acciones = a;
  $("lab-digit").addEventListener("change", (e) => { if (e.target.value !== "") acciones.cargarDigito(Number(e.target.value)); });
  $("lab-clear").addEventListener("click", acciones.borrar);
  const base = $("lab-baseline");
  base.addEventListener("change", () => { ui.lineaBase = base.value; acciones.solicitar(); });
  $("lab-step").addEventListener("input", cambiarPaso);
  $("lab-epoch").addEventListener("input", cambiarEpoca);
  const entrada = $("lab-file");
  $("lab-load").addEventListener("click", () => entrada.click());
  entrada.addEventListener("change", () => {
    const archivo = entrada.files[0];
    entrada.value = "";           // elegir el mismo archivo otra vez vuelve a leerlo
    leerArchivo(archivo);
  });
}

// --- Con cada modelo (el del sitio o el del lector) -------------------------------------

export function aplicarControles(modelo) {
  const lista = $("lab-digit");
  lista.replaceChildren(new Option("—", ""));
  lista.append(...modelo.digitos.map((d, i) => new Option(`un ${d.etiqueta} (n.º ${d.indice})`, String(i))));
  lista.disabled = modelo.digitos.length === 0;
  $("lab-digit-note").hidden = modelo.digitos.length > 0;
  const base = $("lab-baseline");
  base.replaceChildren(...Object.keys(modelo.metodos.integrados.lineas_base).map((n) => new Option(n, n)));
  if (!(ui.lineaBase in modelo.metodos.integrados.lineas_base)) ui.lineaBase = base.options[0].value;
  base.value = ui.lineaBase;
  ui.paso = 0;
  ui.rho = {};
  ui.exactitudes = null;
  ui.aleatorioOk = ui.epocasOk = false;
  const paso = $("lab-step");
  paso.max = String(modelo.cascada.length);
  paso.value = "0";
  paso.disabled = true;
  ponerTexto("lab-step", "lab-step-text", textoPaso());
  const epoca = $("lab-epoch");
  epoca.max = String(modelo.epocas ?? 0);
  epoca.value = String(modelo.epocas ?? 0);
  epoca.disabled = true;
  ponerTexto("lab-epoch", "lab-epoch-text", textoEpoca());
  for (const p of Object.values(PARTES)) {
    $(p.aviso).hidden = true;
    for (const id of p.ocultar) $(id).hidden = false;
    delete raiz.dataset[p.listo];
    delete raiz.dataset[p.error];
  }
  pintarRho();
  pintarExactitud();
}

// Para las pruebas: mover los deslizadores como con el teclado
export function ponerPaso(p) { $("lab-step").value = String(p); cambiarPaso(); }
export function ponerEpoca(e) { $("lab-epoch").value = String(e); cambiarEpoca(); }
// Tu red ya se ve: el aviso de «Leyendo…» sobra (lo dice el texto de la red)
export function archivoAceptado() {
  $("lab-file-status").hidden = true;
  raiz.dataset.fileError = "false";
}
