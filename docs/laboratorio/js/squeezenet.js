// SqueezeNet 1.1 (la de cnnviz.imagenet) sin DOM: leer los pesos exportados,
// preparar la foto como en Python, la pasada hacia delante y Grad-CAM.
// Tensores en Float32Array en el orden de PyTorch (C, H, W).

export const LADO = 227;
const TESELA = 512;          // posiciones por bloque en el producto de matrices
// (squeeze, expand 1×1, expand 3×3) de cada fire module, como FIRE_CHANNELS en Python
const FIRES = [["fire2", 16, 64, 64], ["fire3", 16, 64, 64], ["fire4", 32, 128, 128],
               ["fire5", 32, 128, 128], ["fire6", 48, 192, 192], ["fire7", 48, 192, 192],
               ["fire8", 64, 256, 256], ["fire9", 64, 256, 256]];
const POOL_ANTES = new Set(["fire4", "fire6"]);   // max pooling antes de fire4 y de fire6

export class ErrorPesos extends Error {}

// float16 (IEEE 754, binary16) -> float32, con una tabla de los 65 536 valores
let tablaF16 = null;
function f16(u16) {
  if (!tablaF16) {
    tablaF16 = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
      tablaF16[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    }
  }
  const out = new Float32Array(u16.length);
  for (let i = 0; i < u16.length; i++) out[i] = tablaF16[u16[i]];
  return out;
}

// Forma esperada de cada array del state_dict de PyTorch
function formasEsperadas() {
  const f = { "conv1.weight": [64, 3, 3, 3], "conv1.bias": [64] };
  let entrada = 64;
  for (const [n, s, e1, e3] of FIRES) {
    Object.assign(f, { [`${n}.squeeze1x1.weight`]: [s, entrada, 1, 1], [`${n}.squeeze1x1.bias`]: [s],
      [`${n}.expand1x1.weight`]: [e1, s, 1, 1], [`${n}.expand1x1.bias`]: [e1],
      [`${n}.expand3x3.weight`]: [e3, s, 3, 3], [`${n}.expand3x3.bias`]: [e3] });
    entrada = e1 + e3;
  }
  f["conv10.weight"] = [1000, entrada, 1, 1];
  f["conv10.bias"] = [1000];
  return f;
}

// Bytes (ya sin gzip) del contenedor de photo_export.py -> {nombre: Float32Array}
export function leerPesos(buffer) {
  const vista = new DataView(buffer);
  if (buffer.byteLength < 8) throw new ErrorPesos("squeezenet.bin está vacío o cortado");
  const largo = vista.getUint32(0, true);
  let cabecera;
  try {
    cabecera = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, largo)));
  } catch {
    throw new ErrorPesos("squeezenet.bin no tiene una cabecera válida");
  }
  if (cabecera.formato !== "squeezenet-1.1") throw new ErrorPesos(`squeezenet.bin no es de SqueezeNet 1.1 (formato ${cabecera.formato})`);
  const ancho = cabecera.tipo === "float16" ? 2 : 4, base = 4 + largo, esperadas = formasEsperadas();
  const pesos = {};
  for (const capa of cabecera.capas) {
    const forma = esperadas[capa.nombre];
    const cuenta = forma ? forma.reduce((a, b) => a * b, 1) : -1;
    if (cuenta !== capa.cuenta || String(forma) !== String(capa.forma)) {
      throw new ErrorPesos(`squeezenet.bin: la capa ${capa.nombre} no tiene la forma de SqueezeNet 1.1`);
    }
    const fin = base + capa.inicio + ancho * cuenta;
    if (fin > buffer.byteLength) throw new ErrorPesos("squeezenet.bin está cortado");
    const bytes = buffer.slice(base + capa.inicio, fin);
    pesos[capa.nombre] = ancho === 2 ? f16(new Uint16Array(bytes)) : new Float32Array(bytes);
  }
  for (const nombre of Object.keys(esperadas)) {
    if (!pesos[nombre]) throw new ErrorPesos(`a squeezenet.bin le falta la capa ${nombre}`);
  }
  return pesos;
}

// --- Preparar la foto, como cnnviz.imagenet.preprocess -------------------------------

// Pesos de la interpolación bilineal con antialias de PyTorch
// (F.interpolate(mode="bilinear", antialias=True, align_corners=False)) para
// pasar de n a m píxeles: al reducir, el triángulo se ensancha con la escala y
// cada píxel de salida promedia la zona que cubre.
function pesosAA(n, m) {
  const escala = n / m, soporte = escala >= 1 ? escala : 1, inv = escala >= 1 ? 1 / escala : 1;
  const filas = [];
  for (let i = 0; i < m; i++) {
    const centro = escala * (i + 0.5);
    const x0 = Math.max(Math.trunc(centro - soporte + 0.5), 0);
    const x1 = Math.min(Math.trunc(centro + soporte + 0.5), n);
    const w = new Float64Array(x1 - x0);
    let total = 0;
    for (let j = 0; j < w.length; j++) {
      const t = Math.abs((j + x0 - centro + 0.5) * inv);
      total += (w[j] = t < 1 ? 1 - t : 0);
    }
    if (total !== 0) for (let j = 0; j < w.length; j++) w[j] /= total;
    filas.push({ x0, w });
  }
  return filas;
}

// RGBA (ancho×alto, uint8) -> {x: (3, 227, 227) en BGR, 0–255, menos la media; rgb: la
// foto reescalada (float, 0–255, H×W×3) para dibujarla}
export function preparar(rgba, ancho, alto, mediaBGR, lado = LADO) {
  const px = pesosAA(ancho, lado), py = pesosAA(alto, lado);
  const x = new Float32Array(3 * lado * lado), rgb = new Float32Array(3 * lado * lado);
  const fila = new Float64Array(lado * alto);      // pasada horizontal de un canal
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < alto; y++) {
      const b = y * ancho;
      for (let i = 0; i < lado; i++) {
        const { x0, w } = px[i];
        let s = 0;
        for (let j = 0; j < w.length; j++) s += w[j] * rgba[4 * (b + x0 + j) + c];
        fila[y * lado + i] = Math.fround(s);
      }
    }
    const canal = 2 - c;                              // RGB -> BGR
    for (let o = 0; o < lado; o++) {
      const { x0, w } = py[o];
      for (let i = 0; i < lado; i++) {
        let s = 0;
        for (let j = 0; j < w.length; j++) s += w[j] * fila[(x0 + j) * lado + i];
        const v = Math.min(255, Math.max(0, Math.fround(s)));
        rgb[(o * lado + i) * 3 + c] = v;
        x[(canal * lado + o) * lado + i] = v - mediaBGR[canal];
      }
    }
  }
  return { x, rgb };
}

// --- Capas -------------------------------------------------------------------------------

// Convolución (correlación cruzada, como nn.Conv2d) de kernel k, paso s y
// relleno p, como producto de matrices: columnas (C·k·k, Ho·Wo) × pesos.
// Cuatro canales de salida por pasada: cada fila de columnas se lee una vez
// para los cuatro. Con `relu`, la ReLU va incluida.
export function conv(entrada, [C, H, W], pesos, sesgo, O, k, s, p, relu) {
  const Ho = Math.floor((H + 2 * p - k) / s) + 1, Wo = Math.floor((W + 2 * p - k) / s) + 1;
  const P = Ho * Wo, K = C * k * k;
  let cols = entrada;
  if (!(k === 1 && s === 1 && p === 0)) {
    cols = new Float32Array(K * P);
    for (let c = 0; c < C; c++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const f = ((c * k + ky) * k + kx) * P;
          for (let y = 0; y < Ho; y++) {
            const iy = y * s + ky - p;
            if (iy < 0 || iy >= H) continue;
            const o = f + y * Wo, i = (c * H + iy) * W;
            for (let x = 0; x < Wo; x++) {
              const ix = x * s + kx - p;
              if (ix >= 0 && ix < W) cols[o + x] = entrada[i + ix];
            }
          }
        }
      }
    }
  }
  // Producto por bloques de TESELA posiciones: los cuatro acumuladores caben en la caché L1
  const salida = new Float32Array(O * P), T = TESELA;
  const a0 = new Float64Array(T), a1 = new Float64Array(T), a2 = new Float64Array(T), a3 = new Float64Array(T);
  const acc = [a0, a1, a2, a3];
  for (let o = 0; o < O; o += 4) {
    const n = Math.min(4, O - o);
    const b0 = o * K, b1 = n > 1 ? (o + 1) * K : b0, b2 = n > 2 ? (o + 2) * K : b0, b3 = n > 3 ? (o + 3) * K : b0;
    for (let q0 = 0; q0 < P; q0 += T) {
      const L = Math.min(T, P - q0);
      a0.fill(sesgo[o], 0, L); a1.fill(n > 1 ? sesgo[o + 1] : 0, 0, L);
      a2.fill(n > 2 ? sesgo[o + 2] : 0, 0, L); a3.fill(n > 3 ? sesgo[o + 3] : 0, 0, L);
      for (let j = 0; j < K; j++) {
        const w0 = pesos[b0 + j], w1 = pesos[b1 + j], w2 = pesos[b2 + j], w3 = pesos[b3 + j];
        const f = j * P + q0;
        for (let q = 0; q < L; q++) {
          const v = cols[f + q];
          a0[q] += w0 * v; a1[q] += w1 * v; a2[q] += w2 * v; a3[q] += w3 * v;
        }
      }
      for (let t = 0; t < n; t++) {
        const a = acc[t], b = (o + t) * P + q0;
        if (relu) for (let q = 0; q < L; q++) salida[b + q] = a[q] > 0 ? a[q] : 0;
        else for (let q = 0; q < L; q++) salida[b + q] = a[q];
      }
    }
  }
  return { salida, forma: [O, Ho, Wo] };
}

// Max pooling de 3×3 con paso 2, sin relleno (nn.MaxPool2d(3, stride=2))
export function maxPool3(entrada, [C, H, W]) {
  const Ho = Math.floor((H - 3) / 2) + 1, Wo = Math.floor((W - 3) / 2) + 1;
  const salida = new Float32Array(C * Ho * Wo);
  let o = 0;
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++, o++) {
        let m = -Infinity;
        for (let dy = 0; dy < 3; dy++) {
          const f = (c * H + 2 * y + dy) * W + 2 * x;
          for (let dx = 0; dx < 3; dx++) if (entrada[f + dx] > m) m = entrada[f + dx];
        }
        salida[o] = m;
      }
    }
  }
  return { salida, forma: [C, Ho, Wo] };
}

function fire(w, nombre, x, forma, s, e1, e3) {
  const sq = conv(x, forma, w[`${nombre}.squeeze1x1.weight`], w[`${nombre}.squeeze1x1.bias`], s, 1, 1, 0, true);
  const a = conv(sq.salida, sq.forma, w[`${nombre}.expand1x1.weight`], w[`${nombre}.expand1x1.bias`], e1, 1, 1, 0, true);
  const b = conv(sq.salida, sq.forma, w[`${nombre}.expand3x3.weight`], w[`${nombre}.expand3x3.bias`], e3, 3, 1, 1, true);
  const salida = new Float32Array(a.salida.length + b.salida.length);   // torch.cat(dim=1)
  salida.set(a.salida);
  salida.set(b.salida, a.salida.length);
  return { salida, forma: [e1 + e3, forma[1], forma[2]] };
}

// Pasada hacia delante. Devuelve los logits (1000), las salidas de conv1 (tras
// ReLU, 64×114×114) y de fire9 (512×13×13, la etapa de Grad-CAM).
// conv10 (1×1, sin ReLU) seguida de la media global es lineal: su media
// espacial es conv10 aplicada a la media de fire9, así que se calcula así
// (el mismo resultado con 169 veces menos cuentas).
export function adelante(w, x) {
  const c1 = conv(x, [3, LADO, LADO], w["conv1.weight"], w["conv1.bias"], 64, 3, 2, 1, true);
  let t = maxPool3(c1.salida, c1.forma);
  for (const [nombre, s, e1, e3] of FIRES) {
    if (POOL_ANTES.has(nombre)) t = maxPool3(t.salida, t.forma);
    t = fire(w, nombre, t.salida, t.forma, s, e1, e3);
  }
  const [C, H, W] = t.forma, P = H * W, media = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let q = 0; q < P; q++) s += t.salida[c * P + q];
    media[c] = s / P;
  }
  const pesos = w["conv10.weight"], sesgo = w["conv10.bias"], logits = new Float32Array(1000);
  for (let k = 0; k < 1000; k++) {
    let s = sesgo[k];
    for (let c = 0; c < C; c++) s += pesos[k * C + c] * media[c];
    logits[k] = s;
  }
  return { logits, conv1: c1, fire9: t };
}

// Grad-CAM de la clase `clase` en la salida de fire9 (A, K×13×13), como
// cnnviz.imagenet.attribution.grad_cam: ReLU(Σ_k α_k A_k), con α_k la media
// espacial de ∂puntuación/∂A_k. Tras fire9 vienen conv10 (1×1) y la media
// global, así que ∂puntuación/∂A_k(y, x) = conv10.weight[clase, k] / (13·13) en
// cada posición y α_k es ese mismo número.
export function gradCam(w, fire9, clase) {
  const [K, H, W] = fire9.forma, P = H * W, pesos = w["conv10.weight"];
  const cam = new Float32Array(P), acc = new Float64Array(P);
  for (let k = 0; k < K; k++) {
    const grad = pesos[clase * K + k] / P;          // gradiente en cada posición
    let alfa = 0;
    for (let q = 0; q < P; q++) alfa += grad;
    alfa /= P;
    for (let q = 0; q < P; q++) acc[q] += alfa * fire9.salida[k * P + q];
  }
  for (let q = 0; q < P; q++) cam[q] = acc[q] > 0 ? acc[q] : 0;
  return { cam, forma: [H, W] };
}

// Las k clases más probables: [{clase, prob}], de mayor a menor
export function mejores(probs, k = 5) {
  const orden = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
  return orden.slice(0, k).map((clase) => ({ clase, prob: probs[clase] }));
}
