// Lectura y comprobación de los archivos del laboratorio (formato de
// cnnviz.lab_format, que escriben la construcción del sitio y export_lab):
// modelo.json (arquitectura, pesos, métodos, dígitos), aleatorio.bin (capas al
// azar de la prueba de cordura) y epocas.bin (pesos por época, en int8).
// Un archivo que no encaja con lo que se espera da un ErrorArchivo con un
// mensaje en español que dice qué se esperaba; nunca se usan sus números.

import { entero } from "./numeros.js";

export class ErrorArchivo extends Error {}

const falla = (mensaje) => { throw new ErrorArchivo(mensaje); };
const producto = (forma) => forma.reduce((a, b) => a * b, 1);
const igual = (a, b) => Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);
const txt = (forma) => `(${forma.join(", ")})`;
const esNumero = (v) => typeof v === "number" && Number.isFinite(v);

export function bytesBase64(texto, que) {
  try {
    const bin = atob(texto);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return falla(`${que}: los datos no son base64 válido`);
  }
}

function comprobarFinitos(valores, que) {
  for (let i = 0; i < valores.length; i++) {
    if (!Number.isFinite(valores[i])) {
      falla(`${que} tiene un valor no finito (${valores[i]}) en la posición ${i}`);
    }
  }
  return valores;
}

function float32s(bytes, que) {
  const n = bytes.length / 4, out = new Float32Array(n), vista = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < n; i++) out[i] = vista.getFloat32(4 * i, true);
  return comprobarFinitos(out, que);
}

// Formas que deben tener los pesos de cada capa, deducidas de la arquitectura.
// Comprueba además que cada capa encaje con la anterior.
export function formasDePesos(arquitectura, entrada) {
  if (!Array.isArray(arquitectura) || arquitectura.length === 0) falla("falta la arquitectura de la red");
  const formas = {};
  let forma = entrada;
  for (const capa of arquitectura) {
    const nombre = capa && capa.nombre;
    if (typeof nombre !== "string") falla("una capa de la arquitectura no tiene nombre");
    const s = capa.salida;
    if (!Array.isArray(s) || !s.every((v) => Number.isInteger(v) && v > 0)) {
      falla(`la capa «${nombre}» no dice la forma de su salida`);
    }
    let esperada;
    if (capa.tipo === "conv") {
      const { kernel: k, relleno: p } = capa;
      if (forma.length !== 3 || !Number.isInteger(k) || !Number.isInteger(p)) {
        falla(`la convolución «${nombre}» necesita una entrada (C, H, W), kernel y relleno`);
      }
      esperada = [s[0], forma[1] + 2 * p - k + 1, forma[2] + 2 * p - k + 1];
      formas[capa.pesos] = [s[0], forma[0], k, k];
      formas[capa.sesgo] = [s[0]];
    } else if (capa.tipo === "relu") {
      esperada = forma;
    } else if (capa.tipo === "maxpool") {
      const v = capa.ventana;
      if (forma.length !== 3 || !Number.isInteger(v) || v < 1) falla(`el pooling «${nombre}» necesita (C, H, W) y una ventana`);
      esperada = [forma[0], Math.floor(forma[1] / v), Math.floor(forma[2] / v)];
    } else if (capa.tipo === "flatten") {
      esperada = [producto(forma)];
    } else if (capa.tipo === "linear") {
      if (forma.length !== 1) falla(`la capa lineal «${nombre}» necesita un vector; recibe ${txt(forma)}`);
      esperada = [s[0]];
      formas[capa.pesos] = [s[0], forma[0]];
      formas[capa.sesgo] = [s[0]];
    } else {
      falla(`la capa «${nombre}» es de un tipo que el laboratorio no sabe ejecutar («${capa.tipo}»)`);
    }
    if (!igual(s, esperada)) {
      falla(`la capa «${nombre}» dice que su salida es ${txt(s)}, pero con su entrada ${txt(forma)} sería ${txt(esperada)}`);
    }
    forma = s;
  }
  return { formas, salida: forma };
}

// Un modelo del laboratorio ya leído como objeto (el modelo.json del sitio o
// el archivo del lector, `archivo`). Devuelve el modelo listo para red.js.
export function leerModelo(json, { clases = 10, lado = 28, archivo = "modelo.json" } = {}) {
  if (!json || typeof json !== "object" || Array.isArray(json)) falla(`${archivo} no contiene un objeto JSON`);
  if (!("formato" in json) && !("arquitectura" in json) && !("capas" in json)) {
    falla(`${archivo} es JSON, pero no es un modelo del laboratorio: le faltan «formato», «arquitectura» ` +
          "y «capas» (se escribe con cnnviz.lab_format.export_lab o python -m cnnviz export-lab)");
  }
  if (json.formato !== 2) falla(`${archivo} tiene el formato ${json.formato}; se esperaba el 2`);
  const entrada = [1, lado, lado];
  if (!igual(json.entrada, entrada)) {
    falla(`la red espera entradas ${txt(json.entrada || [])}; el lienzo da ${txt(entrada)}`);
  }
  if (!esNumero(json.media) || !esNumero(json.desv) || json.desv <= 0) {
    falla("faltan la media y la desviación de la normalización (números, desviación > 0)");
  }
  const { formas, salida } = formasDePesos(json.arquitectura, entrada);
  if (!igual(salida, [clases])) falla(`la red da ${txt(salida)} puntuaciones; se esperaban ${clases}, una por dígito`);
  if (!json.arquitectura.some((c) => c.tipo === "conv")) falla("la red no tiene ninguna capa convolucional");
  const pesos = {};
  for (const [nombre, forma] of Object.entries(formas)) {
    const capa = json.capas && json.capas[nombre];
    if (!capa) falla(`falta la capa «${nombre}» en ${archivo}`);
    if (!igual(capa.forma, forma)) falla(`la capa «${nombre}» tiene forma ${txt(capa.forma || [])}; se esperaba ${txt(forma)}`);
    const bytes = bytesBase64(capa.datos, `la capa «${nombre}»`);
    const esperados = 4 * producto(forma);
    if (bytes.length !== esperados) {
      falla(`la capa «${nombre}» trae ${entero(bytes.length)} bytes; se esperaban ${entero(esperados)} (${txt(forma)} en float32)`);
    }
    pesos[nombre] = float32s(bytes, `la capa «${nombre}»`);
  }
  const m = json.metodos || {};
  const sg = m.smoothgrad || {}, ig = m.integrados || {}, oc = m.oclusion || {};
  if (!(Number.isInteger(sg.muestras) && sg.muestras > 0 && esNumero(sg.sigma) && Number.isInteger(sg.semilla))) {
    falla("faltan los parámetros de SmoothGrad (muestras, sigma, semilla)");
  }
  if (!(Number.isInteger(ig.pasos) && ig.pasos > 0 && ig.lineas_base && Object.keys(ig.lineas_base).length)) {
    falla("faltan los parámetros de los gradientes integrados");
  }
  if (!(Number.isInteger(oc.parche) && Number.isInteger(oc.paso) && (lado - oc.parche) % oc.paso === 0)) {
    falla("faltan los parámetros de la oclusión (parche y paso que lleguen al borde)");
  }
  const gradcam = m.gradcam && json.arquitectura.find((c) => c.nombre === m.gradcam.capa);
  if (!(gradcam && Array.isArray(gradcam.salida) && gradcam.salida.length === 3)) {
    falla("Grad-CAM pide una capa que la arquitectura no tiene (o que no da mapas)");
  }
  if (!(m.etiquetas && typeof m.etiquetas === "object" && Array.isArray(m.con_signo))) {
    falla("faltan los nombres de los métodos de atribución");
  }
  if (!Array.isArray(json.digitos)) falla("falta la lista de dígitos de prueba («digitos»; puede estar vacía)");
  const digitos = json.digitos.map((d, i) => {
    if (!(d && Number.isInteger(d.etiqueta) && d.etiqueta >= 0 && d.etiqueta < clases && Number.isInteger(d.indice))) {
      falla(`el dígito de prueba ${i} no dice su etiqueta (de 0 a ${clases - 1}) y su índice`);
    }
    const bytes = bytesBase64(d.pixeles, `el dígito de prueba ${i}`);
    if (bytes.length !== lado * lado) falla(`el dígito de prueba ${i} trae ${bytes.length} píxeles; se esperaban ${lado * lado}`);
    return { indice: d.indice, etiqueta: d.etiqueta, pixeles: Float32Array.from(bytes, (b) => b / 255) };
  });
  if (!Array.isArray(json.cascada) || !json.cascada.every((p) => Array.isArray(p) && p.length > 0)) {
    falla("falta la cascada de la prueba de aleatorización");
  }
  for (const paso of json.cascada) {
    for (const nombre of paso) {
      if (!json.arquitectura.some((c) => c.nombre === nombre && c.pesos)) {
        falla(`la cascada de la prueba de aleatorización nombra la capa «${nombre}», que la red no tiene (o no tiene pesos)`);
      }
    }
  }
  if (!(esNumero(json.umbral_cordura) && json.umbral_cordura > 0 && json.umbral_cordura < 1)) {
    falla("falta el umbral de la prueba de cordura (un número entre 0 y 1)");
  }
  // Sin épocas (null): el archivo no trae la repetición del entrenamiento
  const epocas = json.epocas ?? null;
  if (!(epocas === null || (Number.isInteger(epocas) && epocas > 0))) falla("el número de épocas del entrenamiento no es un entero positivo");
  const exactitud = json.exactitud ?? null;
  if (!(exactitud === null || (esNumero(exactitud) && exactitud >= 0 && exactitud <= 1))) falla("la exactitud no es un número entre 0 y 1");
  return {
    clave: String(json.clave), umbral: json.umbral_cordura, exactitud, media: json.media, desv: json.desv,
    entrada, arquitectura: json.arquitectura, formas, pesos, metodos: m, digitos,
    cascada: json.cascada, epocas,
  };
}

// Contenedor binario: "CNNV", longitud de la cabecera (uint32), cabecera JSON, datos
export function leerContenedor(buffer, archivo) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== "CNNV") {
    falla(`${archivo} no es un archivo de pesos del laboratorio (falta la marca CNNV)`);
  }
  const largo = new DataView(buffer).getUint32(4, true);
  if (8 + largo > bytes.length) falla(`${archivo} está cortado: la cabecera no cabe`);
  let cabecera;
  try {
    cabecera = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + largo)));
  } catch {
    falla(`${archivo}: la cabecera no es JSON válido`);
  }
  const inicio = 8 + largo, tensores = {};
  for (const t of cabecera.tensores || []) {
    const tam = { f32: 4, i8: 1 }[t.tipo];
    if (!tam) falla(`${archivo}: el tensor «${t.nombre}» es de un tipo desconocido («${t.tipo}»)`);
    const n = producto(t.forma);
    if (t.bytes !== n * tam) falla(`${archivo}: el tensor «${t.nombre}» declara ${entero(t.bytes)} bytes; ${txt(t.forma)} ocupa ${entero(n * tam)}`);
    const desde = inicio + t.desplazamiento;
    if (desde + t.bytes > bytes.length) {
      falla(`${archivo} está cortado: faltan datos del tensor «${t.nombre}» (tiene ${entero(bytes.length)} bytes, necesita ${entero(desde + t.bytes)})`);
    }
    const datos = t.tipo === "f32"
      ? float32s(bytes.subarray(desde, desde + t.bytes), `${archivo}: el tensor «${t.nombre}»`)
      : new Int8Array(buffer, desde, n);
    tensores[t.nombre] = { forma: t.forma, datos };
  }
  return { cabecera, tensores };
}

function comprobarClave(cabecera, modelo, archivo) {
  if (cabecera.clave !== modelo.clave) {
    falla(`${archivo} es de otros pesos (clave ${cabecera.clave}); el modelo es ${modelo.clave}`);
  }
}

function tensor(tensores, nombre, forma, archivo) {
  const t = tensores[nombre];
  if (!t) falla(`${archivo}: falta el tensor «${nombre}»`);
  if (!igual(t.forma, forma)) falla(`${archivo}: el tensor «${nombre}» tiene forma ${txt(t.forma)}; se esperaba ${txt(forma)}`);
  return t.datos;
}

// aleatorio.bin: devuelve nombre -> Float32Array de las capas al azar
export function leerAleatorio(buffer, modelo) {
  const archivo = "aleatorio.bin";
  const { cabecera, tensores } = leerContenedor(buffer, archivo);
  comprobarClave(cabecera, modelo, archivo);
  if (JSON.stringify(cabecera.cascada) !== JSON.stringify(modelo.cascada)) {
    falla(`${archivo}: su cascada no es la de modelo.json`);
  }
  const pesos = {};
  for (const capa of modelo.cascada[modelo.cascada.length - 1]) {
    const c = modelo.arquitectura.find((a) => a.nombre === capa);
    if (!c || !c.pesos) falla(`${archivo}: la cascada nombra la capa «${capa}», que no tiene pesos`);
    for (const nombre of [c.pesos, c.sesgo]) pesos[nombre] = tensor(tensores, nombre, modelo.formas[nombre], archivo);
  }
  return pesos;
}

// epocas.bin: exactitud de cada época y, para las cuantizadas, una función que
// da sus pesos en float32 (q · escala, redondeado a float32 como en NumPy)
export function leerEpocas(buffer, modelo) {
  const archivo = "epocas.bin";
  if (modelo.epocas === null) falla("el modelo no dice cuántas épocas duró el entrenamiento");
  const { cabecera, tensores } = leerContenedor(buffer, archivo);
  comprobarClave(cabecera, modelo, archivo);
  const exactitudes = cabecera.exactitudes;
  if (!Array.isArray(exactitudes) || exactitudes.length !== modelo.epocas + 1 || !exactitudes.every(esNumero)) {
    falla(`${archivo}: se esperaban ${modelo.epocas + 1} exactitudes, de la época 0 a la ${modelo.epocas}`);
  }
  const epocas = cabecera.cuantizadas;
  if (!igual(epocas, Array.from({ length: modelo.epocas }, (_, e) => e))) {
    falla(`${archivo}: se esperaban los pesos de las épocas 0 a ${modelo.epocas - 1}`);
  }
  for (const e of epocas) {
    for (const [nombre, forma] of Object.entries(modelo.formas)) {
      tensor(tensores, `${e}/${nombre}`, forma, archivo);
      if (nombre.endsWith(".weight")) {
        const escala = tensor(tensores, `${e}/${nombre}:escala`, [forma[0]], archivo);
        if (!escala.every((s) => s >= 0)) falla(`${archivo}: escala negativa en «${e}/${nombre}»`);
      }
    }
  }
  const pesosDe = (e) => {
    const pesos = {};
    for (const [nombre, forma] of Object.entries(modelo.formas)) {
      const datos = tensores[`${e}/${nombre}`].datos;
      if (!nombre.endsWith(".weight")) { pesos[nombre] = datos; continue; }
      const escala = tensores[`${e}/${nombre}:escala`].datos, fila = producto(forma) / forma[0];
      pesos[nombre] = Float32Array.from(datos, (q, i) => q * escala[Math.floor(i / fila)]);
    }
    return pesos;
  };
  return { exactitudes, pesosDe };
}
