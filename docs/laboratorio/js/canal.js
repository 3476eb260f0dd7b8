// El canal con el trabajador (trabajador.js): lo arranca, le envía mensajes y
// reparte los que llegan. Los cálculos directos de las pruebas
// (window.cnnLab.compute) van por aquí con su propia promesa.
import { raiz } from "./estado.js";

let trabajador = null, siguiente = 1e9;   // ids de las pruebas, lejos de los de la interfaz
const esperando = new Map();               // id -> {resolver, rechazar, resultado}

// `manejadores`: tipo de mensaje -> función. `alFallar`: el trabajador se cayó.
export function iniciarTrabajador(manejadores, alFallar) {
  trabajador = new Worker(new URL("trabajador.js", import.meta.url), { type: "module" });
  trabajador.onmessage = (e) => {
    const m = e.data;
    if (esperando.has(m.id)) { recibirPrueba(m); return; }
    const manejar = manejadores[m.tipo];
    if (manejar) manejar(m);
  };
  trabajador.onerror = (e) => alFallar(`el trabajador del laboratorio falló (${e.message || "sin mensaje"})`);
  const base = new URL(".", document.baseURI);
  const url = (atributo, defecto) => new URL(raiz.dataset[atributo] || defecto, base).href;
  enviar({ tipo: "iniciar", urls: { modelo: url("model", "modelo.json"),
    aleatorio: url("random", "aleatorio.bin"), epocas: url("epochs", "epocas.bin") } });
}

export function enviar(mensaje) {
  trabajador.postMessage(mensaje);
}

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

// Un cálculo de un tirón (no cancelable) cuyo resultado devuelve una promesa
export function calcularDirecto(peticion) {
  return new Promise((resolver, rechazar) => {
    const id = ++siguiente;
    esperando.set(id, { resolver, rechazar, resultado: { mapas: {}, ms: {}, rho: {} } });
    enviar({ ...peticion, tipo: "calcular", id, cancelable: false, comparar: false });
  });
}
