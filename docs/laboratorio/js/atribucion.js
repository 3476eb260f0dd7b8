// Los seis métodos de atribución, con la red de red.js y los parámetros que
// exporta cnnviz (modelo.json > metodos). Cada uno devuelve un Float32Array
// del tamaño de la entrada, el mismo mapa que cnnviz.features.methods:
// valor absoluto para los gradientes, con signo para integrados y oclusión.
import { gaussiana, uniforme } from "./azar.js";
import * as T from "./tensores.js";

const f32 = Math.fround;
const abs = (v) => v.map(Math.abs);

export function saliencia(red, x, clase) {
  return abs(red.gradiente(x, clase).grad);
}

export function guiada(red, x, clase) {
  return abs(red.gradiente(x, clase, -1, true).grad);
}

// Grad-CAM en la salida de la capa `capa`: ReLU(Σ_k α_k A_k), α_k la media del
// gradiente del canal k; ampliado a la entrada por interpolación bilineal
export function gradcam(red, x, clase, { capa }) {
  const i = red.indice[capa];
  const { estado, grad } = red.gradiente(x, clase, i);
  const A = estado.salidas[i], [C, H, W] = red.capas[i].salida, n = H * W;
  const mapa = new Float32Array(n);
  const acc = new Float64Array(n);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let p = 0; p < n; p++) s += grad[c * n + p];
    const alfa = f32(s / n);
    for (let p = 0; p < n; p++) acc[p] += alfa * A[c * n + p];
  }
  for (let p = 0; p < n; p++) mapa[p] = acc[p] > 0 ? acc[p] : 0;
  const [, He, We] = red.entrada;
  return T.bilineal(mapa, [1, H, W], He, We);
}

// Ruido de SmoothGrad: `muestras` imágenes N(0, sigma²), iguales a las de Python
export function ruidoSmoothGrad(n, { muestras, sigma, semilla }) {
  return Float32Array.from(gaussiana(muestras * n, semilla), (z) => z * sigma);
}

export async function smoothgrad(red, x, clase, ruido, muestras, pausa) {
  if (ruido.length < muestras * x.length) throw new Error(`hay ruido para ${ruido.length / x.length} muestras, no ${muestras}`);
  const n = x.length, acc = new Float64Array(n), xr = new Float32Array(n);
  for (let s = 0; s < muestras; s++) {
    for (let i = 0; i < n; i++) xr[i] = x[i] + ruido[s * n + i];
    const g = red.gradiente(xr, clase).grad;
    for (let i = 0; i < n; i++) acc[i] += g[i];
    if (await pausa()) return null;
  }
  return Float32Array.from(acc, (v) => Math.abs(v / muestras));
}

// Líneas de base de los gradientes integrados, en la escala normalizada
export function lineaBase(tipo, x, [, H, W], fondo, media, desv, params) {
  if (tipo === "negra") return new Float32Array(x.length).fill(fondo);
  if (tipo === "difuminada") return T.desenfoqueGaussiano(x, H, W, params.sigma, fondo);
  if (tipo === "ruido") return Float32Array.from(uniforme(x.length, params.semilla), (u) => (u - media) / desv);
  throw new Error(`línea de base desconocida «${tipo}»`);
}

// (x − base) · media del gradiente en base + α (x − base), α = (k + ½) / pasos
export async function integrados(red, x, clase, base, pasos, pausa) {
  const n = x.length, dif = new Float32Array(n), total = new Float32Array(n), xk = new Float32Array(n);
  for (let i = 0; i < n; i++) dif[i] = x[i] - base[i];
  for (let k = 0; k < pasos; k++) {
    const alfa = (k + 0.5) / pasos;
    for (let i = 0; i < n; i++) xk[i] = base[i] + f32(alfa * dif[i]);
    const g = red.gradiente(xk, clase).grad;
    for (let i = 0; i < n; i++) total[i] += g[i];
    if (await pausa()) return null;
  }
  return Float32Array.from(total, (t, i) => f32(dif[i] * t) / pasos);
}

// Oclusión: un parche de `parche`×`parche` con el valor del fondo cada `paso`
// píxeles; cada píxel recibe la caída media de la puntuación de los parches que lo tapan
export async function oclusion(red, x, clase, { parche, paso }, fondo, pausa) {
  const [, H, W] = red.entrada;
  const estado = red.adelante(x), inicial = estado.logits[clase];
  const total = new Float32Array(x.length), cuenta = new Float32Array(x.length);
  const xt = new Float32Array(x.length);
  for (let i = 0; i + parche <= H; i += paso) {
    for (let j = 0; j + parche <= W; j += paso) {
      xt.set(x);
      for (let y = i; y < i + parche; y++) xt.fill(fondo, y * W + j, y * W + j + parche);
      const caida = f32(inicial - red.logitsZona(estado, xt, [i, i + parche, j, j + parche])[clase]);
      for (let y = i; y < i + parche; y++) {
        for (let xx = j; xx < j + parche; xx++) { total[y * W + xx] += caida; cuenta[y * W + xx] += 1; }
      }
    }
    if (await pausa()) return null;
  }
  return total.map((t, i) => t / cuenta[i]);
}
