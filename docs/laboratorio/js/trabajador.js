// El trabajador (Web Worker) del laboratorio: lee y comprueba los archivos, y
// hace todas las cuentas (red, mapas de atribución, correlaciones) fuera del
// hilo principal, para que dibujar no se entrecorte.
//
// Mensajes que recibe:
//   {tipo: "iniciar", urls: {modelo, aleatorio, epocas}}
//   {tipo: "cargar", json, nombre}: la red del lector, ya leída de su archivo
//   {tipo: "calcular", id, tinta | pixeles, lado, epoca, paso, metodos, lineaBase,
//    clase?, muestras?, comparar, cancelable}
// Mensajes que envía: "listo" | "error" (modelo del sitio), "listo" | "rechazado"
//   (red del lector: si no vale, sigue la anterior), "extra" (aleatorio, epocas),
//   y por cada cálculo "red", un "mapa" por método y "fin" (o "cancelado").
import { bytesBase64, ErrorArchivo, leerAleatorio, leerEpocas, leerModelo } from "./archivos.js";
import * as A from "./atribucion.js";
import { rgbaCapa, rgbaGrises, rgbaMapa } from "./colores.js";
import { prepararDibujo } from "./preparar.js";
import { Red } from "./red.js";
import { argmax, softmax, spearmanAbs } from "./tensores.js";

const estado = { modelo: null, aleatorio: null, epocas: null, errores: {}, redes: new Map(),
                 ruido: null, cola: [], ocupado: false, ultimo: -1, mapasBase: new Map() };

async function descargar(url, como) {
  let respuesta;
  try {
    respuesta = await fetch(url);
  } catch (err) {
    throw new ErrorArchivo(`no se pudo descargar ${url.split("/").pop()} (${err.message})`);
  }
  if (!respuesta.ok) throw new ErrorArchivo(`no se encontró ${url.split("/").pop()} (HTTP ${respuesta.status})`);
  if (como === "json") {
    try {
      return await respuesta.json();
    } catch {
      throw new ErrorArchivo(`${url.split("/").pop()} no es JSON válido`);
    }
  }
  // Los .bin vienen comprimidos con gzip (los servidores no los comprimen)
  return descomprimir(new Uint8Array(await respuesta.arrayBuffer()), url.split("/").pop());
}

async function descomprimir(bytes, nombre) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ErrorArchivo(`${nombre} no está comprimido con gzip`);
  try {
    const flujo = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return await new Response(flujo).arrayBuffer();
  } catch {
    throw new ErrorArchivo(`${nombre} está cortado o dañado (no se puede descomprimir)`);
  }
}

function mensaje(err) {
  return err instanceof ErrorArchivo ? err.message : `error inesperado: ${err.message}`;
}

// Lo que el hilo principal necesita del modelo (los pesos se quedan aquí)
function resumen(m) {
  return { clave: m.clave, umbral: m.umbral, exactitud: m.exactitud, media: m.media, desv: m.desv,
           entrada: m.entrada, arquitectura: m.arquitectura, cascada: m.cascada,
           epocas: m.epocas, metodos: m.metodos, digitos: m.digitos };
}

// Un modelo nuevo: se olvida todo lo calculado con el anterior y se abandona
// el cálculo en marcha
function usarModelo(m) {
  Object.assign(estado, { modelo: m, aleatorio: null, epocas: null, errores: {}, ultimo: -1 });
  estado.redes.clear();
  estado.mapasBase.clear();
  estado.ruido = A.ruidoSmoothGrad(m.entrada[1] * m.entrada[2], m.metodos.smoothgrad);
}

// Los otros dos archivos (o lo que trae de ellos el archivo del lector): si
// faltan o están dañados, el resto sigue funcionando. `obtener(parte)` da sus
// bytes sin comprimir, o null si el archivo del lector no los trae.
async function extras(m, obtener) {
  const partes = [["aleatorio", (b) => leerAleatorio(b, m)], ["epocas", (b) => leerEpocas(b, m)]];
  await Promise.all(partes.map(async ([parte, leer]) => {
    try {
      const bytes = await obtener(parte);
      if (estado.modelo !== m) return;   // llegó otro modelo mientras tanto
      if (bytes === null) {
        estado.errores[parte] = "el archivo no trae estos pesos";
        postMessage({ tipo: "extra", parte, ok: false, ausente: true, mensaje: estado.errores[parte] });
        return;
      }
      estado[parte] = leer(bytes);
      const info = parte === "epocas" ? { exactitudes: estado.epocas.exactitudes } : {};
      postMessage({ tipo: "extra", parte, ok: true, ...info });
    } catch (err) {
      if (estado.modelo !== m) return;
      estado.errores[parte] = mensaje(err);
      postMessage({ tipo: "extra", parte, ok: false, mensaje: mensaje(err) });
    }
  }));
}

async function iniciar({ urls }) {
  let m;
  try {
    m = leerModelo(await descargar(urls.modelo, "json"));
  } catch (err) {
    postMessage({ tipo: "error", parte: "modelo", mensaje: mensaje(err) });
    return;
  }
  if (estado.modelo) return;   // el lector cargó su red antes de que llegara la del sitio
  usarModelo(m);
  postMessage({ tipo: "listo", modelo: resumen(m) });
  await extras(m, (parte) => descargar(urls[parte], "binario"));
}

// La red del lector: el mismo formato, con los dos extras dentro (en base64,
// comprimidos con gzip) en las claves "aleatorio" y "pesos_epocas"
const CLAVES_EXTRA = { aleatorio: "aleatorio", epocas: "pesos_epocas" };

async function cargar({ json, nombre }) {
  let m;
  try {
    m = leerModelo(json, { archivo: nombre });
  } catch (err) {
    postMessage({ tipo: "rechazado", nombre, mensaje: mensaje(err) });
    return;
  }
  usarModelo(m);
  postMessage({ tipo: "listo", modelo: resumen(m), nombre });
  await extras(m, async (parte) => {
    const texto = json[CLAVES_EXTRA[parte]];
    if (texto === undefined || texto === null) return null;
    const archivo = `${nombre} («${CLAVES_EXTRA[parte]}»)`;
    if (typeof texto !== "string") throw new ErrorArchivo(`${archivo} no es texto en base64`);
    return descomprimir(bytesBase64(texto, archivo), archivo);
  });
}

// La red con los pesos de la época `epoca` y los `paso` primeros pasos de la cascada al azar
function red(epoca, paso) {
  const m = estado.modelo, clave = `${epoca}|${paso}`;
  if (estado.redes.has(clave)) return estado.redes.get(clave);
  let pesos = m.pesos;
  if (epoca !== m.epocas) {
    if (!estado.epocas) throw new ErrorArchivo(estado.errores.epocas || "los pesos por época aún no han llegado");
    if (!(epoca >= 0 && epoca < m.epocas)) throw new ErrorArchivo(`no hay pesos de la época ${epoca}`);
    pesos = estado.epocas.pesosDe(epoca);
  }
  if (paso > 0) {
    if (!estado.aleatorio) throw new ErrorArchivo(estado.errores.aleatorio || "los pesos al azar aún no han llegado");
    if (paso > m.cascada.length) throw new ErrorArchivo(`la cascada tiene ${m.cascada.length} pasos; se pidió el ${paso}`);
    pesos = { ...pesos };
    for (const capa of m.cascada[paso - 1]) {
      const c = m.arquitectura.find((a) => a.nombre === capa);
      pesos[c.pesos] = estado.aleatorio[c.pesos];
      pesos[c.sesgo] = estado.aleatorio[c.sesgo];
    }
  }
  const r = new Red(m.arquitectura, pesos, m.entrada);
  if (estado.redes.size > 40) estado.redes.clear();
  estado.redes.set(clave, r);
  return r;
}

// Ceder el turno: deja pasar los mensajes nuevos. Devuelve true si hay que abandonar.
function pausaPara(trabajo) {
  if (!trabajo.cancelable) return async () => false;   // los cálculos de las pruebas, de un tirón
  return () => new Promise((resolver) => {
    const canal = new MessageChannel();
    canal.port1.onmessage = () => resolver(trabajo.cancelable && estado.ultimo !== trabajo.id);
    canal.port2.postMessage(0);
  });
}

// `muestras`: para las pruebas, menos muestras de SmoothGrad y puntos de los
// gradientes integrados que los de modelo.json (las primeras de las mismas)
async function mapa(metodo, r, x, clase, lineaBase, pausa, muestras) {
  const m = estado.modelo, p = m.metodos, fondo = (0 - m.media) / m.desv;
  switch (metodo) {
    case "saliencia": return A.saliencia(r, x, clase);
    case "guiada": return A.guiada(r, x, clase);
    case "gradcam": return A.gradcam(r, x, clase, p.gradcam);
    case "smoothgrad": return A.smoothgrad(r, x, clase, estado.ruido, muestras || p.smoothgrad.muestras, pausa);
    case "integrados": {
      const params = p.integrados.lineas_base[lineaBase];
      if (!params) throw new ErrorArchivo(`línea de base desconocida «${lineaBase}»`);
      const base = A.lineaBase(lineaBase, x, m.entrada, fondo, m.media, m.desv, params);
      return A.integrados(r, x, clase, base, muestras || p.integrados.pasos, pausa);
    }
    case "oclusion": return A.oclusion(r, x, clase, p.oclusion, fondo, pausa);
    default: throw new ErrorArchivo(`método desconocido «${metodo}»`);
  }
}

async function calcular(t) {
  const m = estado.modelo, inicio = performance.now();
  const raw = t.tinta ? prepararDibujo(t.tinta, t.lado) : Float32Array.from(t.pixeles);
  const x = Float32Array.from(raw, (v) => (v - m.media) / m.desv);
  const pausa = pausaPara(t);
  let r, base;
  try {
    r = red(t.epoca, t.paso);
    base = red(t.epoca, 0);
  } catch (err) {
    postMessage({ tipo: "fallo", id: t.id, mensaje: mensaje(err) });
    return;
  }
  const estBase = base.adelante(x), est = r === base ? estBase : r.adelante(x);
  const clase = Number.isInteger(t.clase) ? t.clase : argmax(estBase.logits);
  const capas = {}, imagenes = { entrada: rgbaGrises(raw), capas: {} };
  r.capas.forEach((c, i) => {
    if (c.tipo === "conv" || c.salida.length !== 3) return;
    capas[c.nombre] = est.salidas[i];
    if (t.columnas) imagenes.capas[c.nombre] = rgbaCapa(est.salidas[i], c.salida, t.columnas);
  });
  const pesos = {};
  for (const c of r.capas) if (c.tipo === "conv") pesos[c.nombre] = { w: c.w, b: c.b };
  postMessage({ tipo: "red", id: t.id, entrada: raw, normalizada: x, capas, pesos, imagenes,
                logits: est.logits, probs: softmax(est.logits), clase,
                ms: performance.now() - inicio });
  const huella = `${t.epoca}|${t.lineaBase}|${clase}|${hashDe(x)}`;
  for (const metodo of t.metodos) {
    if (await pausa()) { postMessage({ tipo: "cancelado", id: t.id }); return; }
    const t0 = performance.now();
    const valores = await mapa(metodo, r, x, clase, t.lineaBase, pausa, t.muestras);
    if (valores === null) { postMessage({ tipo: "cancelado", id: t.id }); return; }
    const ms = performance.now() - t0;
    let rho = null;
    if (t.comparar && t.paso > 0) {
      const clave = `${huella}|${metodo}`;
      let referencia = estado.mapasBase.get(clave);
      if (!referencia) {
        referencia = await mapa(metodo, base, x, clase, t.lineaBase, pausa, t.muestras);
        if (referencia === null) { postMessage({ tipo: "cancelado", id: t.id }); return; }
        if (estado.mapasBase.size > 200) estado.mapasBase.clear();
        estado.mapasBase.set(clave, referencia);
      }
      rho = spearmanAbs(referencia, valores);
    } else if (t.comparar) {
      estado.mapasBase.set(`${huella}|${metodo}`, valores);
    }
    const [, H, W] = m.entrada, rgba = rgbaMapa(valores, W, H, m.metodos.con_signo.includes(metodo));
    postMessage({ tipo: "mapa", id: t.id, metodo, mapa: valores, rgba, rho, ms });
  }
  postMessage({ tipo: "fin", id: t.id, ms: performance.now() - inicio });
}

function hashDe(x) {   // huella corta de una entrada (FNV-1a de sus bits)
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  let h = 2166136261;
  for (const b of bits) h = Math.imul(h ^ b, 16777619);
  return (h >>> 0).toString(16);
}

async function bombear() {
  if (estado.ocupado) return;
  estado.ocupado = true;
  try {
    while (estado.cola.length) {
      const t = estado.cola.shift();
      if (t.cancelable && t.id !== estado.ultimo) { postMessage({ tipo: "cancelado", id: t.id }); continue; }
      try {
        await calcular(t);
      } catch (err) {
        postMessage({ tipo: "fallo", id: t.id, mensaje: mensaje(err) });
      }
    }
  } finally {
    estado.ocupado = false;
  }
}

self.onmessage = (evento) => {
  const datos = evento.data;
  if (datos.tipo === "iniciar") {
    iniciar(datos);
  } else if (datos.tipo === "cargar") {
    cargar(datos);
  } else if (datos.tipo === "calcular") {
    if (!estado.modelo) { postMessage({ tipo: "fallo", id: datos.id, mensaje: "el modelo no está cargado" }); return; }
    if (datos.cancelable) estado.ultimo = datos.id;
    estado.cola.push(datos);
    bombear();
  }
};
