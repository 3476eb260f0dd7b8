// Operaciones con tensores sobre Float32Array, en el orden de PyTorch (C, H, W).
// Las sumas se acumulan en números de JavaScript (float64) y cada resultado se
// guarda en float32, como los tensores de PyTorch.

// Convolución de paso 1 con relleno de ceros (correlación cruzada, como nn.Conv2d),
// como producto de matrices: columnas (C·k·k, Ho·Wo) con el vecindario de cada
// posición, y salida = pesos (O, C·k·k) × columnas. Los bucles internos
// recorren filas largas (Ho·Wo) y suman cuatro filas a la vez: así JavaScript
// va unas tres veces más rápido que con bucles de 14 o 28 píxeles.
function columnas(entrada, [C, H, W], k, p) {
  const Ho = H + 2 * p - k + 1, Wo = W + 2 * p - k + 1, P = Ho * Wo;
  const cols = new Float64Array(C * k * k * P);
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const fila = ((c * k + ky) * k + kx) * P, dy = ky - p, dx = kx - p;
        const y0 = Math.max(0, -dy), y1 = Math.min(Ho, H - dy);
        const x0 = Math.max(0, -dx), x1 = Math.min(Wo, W - dx);
        for (let y = y0; y < y1; y++) {
          const o = fila + y * Wo, i = c * H * W + (y + dy) * W + dx;
          for (let x = x0; x < x1; x++) cols[o + x] = entrada[i + x];
        }
      }
    }
  }
  return cols;
}

// acc (P) += Σ_j a[j] · filas[j] para las filas j0, j0 + paso, … de `filas` (n filas de P)
function sumarFilas(acc, a, aIni, aPaso, filas, n, P) {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const w0 = a[aIni + j * aPaso], w1 = a[aIni + (j + 1) * aPaso];
    const w2 = a[aIni + (j + 2) * aPaso], w3 = a[aIni + (j + 3) * aPaso];
    const f = j * P;
    for (let q = 0; q < P; q++) {
      acc[q] += w0 * filas[f + q] + w1 * filas[f + P + q] + w2 * filas[f + 2 * P + q] + w3 * filas[f + 3 * P + q];
    }
  }
  for (; j < n; j++) {
    const w = a[aIni + j * aPaso], f = j * P;
    for (let q = 0; q < P; q++) acc[q] += w * filas[f + q];
  }
}

// entrada (C, H, W), pesos (O, C, k, k), sesgo (O) -> (O, H + 2p − k + 1, W + 2p − k + 1)
export function conv2d(entrada, forma, pesos, sesgo, O, k, p) {
  const [C, H, W] = forma, P = (H + 2 * p - k + 1) * (W + 2 * p - k + 1), K = C * k * k;
  const cols = columnas(entrada, forma, k, p);
  const salida = new Float32Array(O * P), acc = new Float64Array(P);
  for (let o = 0; o < O; o++) {
    acc.fill(sesgo[o]);
    sumarFilas(acc, pesos, o * K, 1, cols, K, P);
    salida.set(acc, o * P);
  }
  return salida;
}

// La misma convolución, recalculada solo en la zona [y0, y1) × [x0, x1) de la
// salida; el resto se copia de `salidaBase` (la salida con la entrada anterior).
// La usa la oclusión: tapar un parche solo cambia la salida a su alrededor.
export function conv2dZona(entrada, [C, H, W], pesos, sesgo, O, k, p, [y0, y1, x0, x1], salidaBase) {
  const Ho = H + 2 * p - k + 1, Wo = W + 2 * p - k + 1, h = y1 - y0, w = x1 - x0, P = h * w, K = C * k * k;
  const cols = new Float64Array(K * P);
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const fila = ((c * k + ky) * k + kx) * P;
        for (let yy = 0; yy < h; yy++) {
          const iy = y0 + yy + ky - p;
          if (iy < 0 || iy >= H) continue;
          for (let xx = 0; xx < w; xx++) {
            const ix = x0 + xx + kx - p;
            if (ix >= 0 && ix < W) cols[fila + yy * w + xx] = entrada[(c * H + iy) * W + ix];
          }
        }
      }
    }
  }
  const salida = Float32Array.from(salidaBase), acc = new Float64Array(P);
  for (let o = 0; o < O; o++) {
    acc.fill(sesgo[o]);
    sumarFilas(acc, pesos, o * K, 1, cols, K, P);
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) salida[(o * Ho + y0 + yy) * Wo + x0 + xx] = acc[yy * w + xx];
    }
  }
  return salida;
}

// Gradiente de la convolución respecto a su entrada: columnas del gradiente
// = pesosᵀ × grad, y cada columna se suma en su vecindario de la entrada.
export function conv2dAtras(grad, [C, H, W], pesos, O, k, p) {
  const Ho = H + 2 * p - k + 1, Wo = W + 2 * p - k + 1, P = Ho * Wo, K = C * k * k;
  const gin = new Float64Array(C * H * W), acc = new Float64Array(P), g = Float64Array.from(grad);
  for (let j = 0; j < K; j++) {
    acc.fill(0);
    sumarFilas(acc, pesos, j, K, g, O, P);
    const c = Math.floor(j / (k * k)), dy = (Math.floor(j / k) % k) - p, dx = (j % k) - p;
    const y0 = Math.max(0, -dy), y1 = Math.min(Ho, H - dy);
    const x0 = Math.max(0, -dx), x1 = Math.min(Wo, W - dx);
    for (let y = y0; y < y1; y++) {
      const o = y * Wo, i = c * H * W + (y + dy) * W + dx;
      for (let x = x0; x < x1; x++) gin[i + x] += acc[o + x];
    }
  }
  return Float32Array.from(gin);
}

export function relu(x) {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

// Gradiente de ReLU: pasa donde la entrada era positiva. La versión guiada
// (retropropagación guiada) además anula el gradiente negativo que llega.
export function reluAtras(grad, entrada, guiada) {
  const g = new Float32Array(grad.length);
  for (let i = 0; i < g.length; i++) {
    g[i] = entrada[i] > 0 && (!guiada || grad[i] > 0) ? grad[i] : 0;
  }
  return g;
}

// Max pooling sin solape (ventana v, paso v). Devuelve la salida y, para cada
// salida, el índice de la entrada elegida: el primer máximo en orden de
// lectura, como PyTorch (así el gradiente va al mismo píxel si hay empates).
export function maxPool(entrada, [C, H, W], v) {
  const Ho = Math.floor(H / v), Wo = Math.floor(W / v);
  const salida = new Float32Array(C * Ho * Wo), indices = new Int32Array(C * Ho * Wo);
  let o = 0;
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++, o++) {
        let mejor = -Infinity, im = -1;
        for (let dy = 0; dy < v; dy++) {
          const fila = c * H * W + (y * v + dy) * W + x * v;
          for (let dx = 0; dx < v; dx++) {
            const valor = entrada[fila + dx];
            if (valor > mejor || im < 0) { mejor = valor; im = fila + dx; }
          }
        }
        salida[o] = mejor;
        indices[o] = im;
      }
    }
  }
  return { salida, indices };
}

export function maxPoolAtras(grad, indices, tamEntrada) {
  const g = new Float32Array(tamEntrada);
  for (let o = 0; o < grad.length; o++) g[indices[o]] += grad[o];
  return g;
}

// Capa lineal: pesos (O, N), y = W x + b
export function lineal(x, pesos, sesgo, O) {
  const N = x.length, y = new Float32Array(O);
  for (let o = 0; o < O; o++) {
    let s = sesgo[o];
    const fila = o * N;
    for (let i = 0; i < N; i++) s += pesos[fila + i] * x[i];
    y[o] = s;
  }
  return y;
}

export function linealAtras(grad, pesos, N) {
  const acc = new Float64Array(N);
  for (let o = 0; o < grad.length; o++) {
    const g = grad[o];
    if (g === 0) continue;
    const fila = o * N;
    for (let i = 0; i < N; i++) acc[i] += pesos[fila + i] * g;
  }
  return Float32Array.from(acc);
}

export function softmax(logits) {
  let mayor = -Infinity;
  for (const v of logits) mayor = Math.max(mayor, v);
  const p = new Float64Array(logits.length);
  let total = 0;
  for (let k = 0; k < p.length; k++) total += (p[k] = Math.exp(logits[k] - mayor));
  for (let k = 0; k < p.length; k++) p[k] /= total;
  return p;
}

export function argmax(valores) {
  let mejor = 0;
  for (let k = 1; k < valores.length; k++) if (valores[k] > valores[mejor]) mejor = k;
  return mejor;
}

// Interpolación bilineal de (C, H, W) a (C, Ho, Wo), como
// F.interpolate(mode="bilinear", align_corners=False)
export function bilineal(x, [C, H, W], Ho, Wo) {
  const y = new Float32Array(C * Ho * Wo);
  const fuente = (o, n, m) => {
    const s = Math.max((o + 0.5) * (n / m) - 0.5, 0);
    const i0 = Math.floor(s), i1 = i0 < n - 1 ? i0 + 1 : i0;
    return [i0, i1, s - i0];
  };
  const filas = Array.from({ length: Ho }, (_, o) => fuente(o, H, Ho));
  const cols = Array.from({ length: Wo }, (_, o) => fuente(o, W, Wo));
  for (let c = 0; c < C; c++) {
    const b = c * H * W;
    for (let oy = 0; oy < Ho; oy++) {
      const [y0, y1, ly] = filas[oy];
      for (let ox = 0; ox < Wo; ox++) {
        const [x0, x1, lx] = cols[ox];
        const arriba = (1 - lx) * x[b + y0 * W + x0] + lx * x[b + y0 * W + x1];
        const abajo = (1 - lx) * x[b + y1 * W + x0] + lx * x[b + y1 * W + x1];
        y[(c * Ho + oy) * Wo + ox] = (1 - ly) * arriba + ly * abajo;
      }
    }
  }
  return y;
}

// Desenfoque gaussiano separable de una imagen (H, W); fuera de ella vale `fondo`.
// Los coeficientes, normalizados, se redondean a float32 como en PyTorch.
export function desenfoqueGaussiano(x, H, W, sigma, fondo) {
  const r = Math.floor(3 * sigma + 0.5);
  const k = new Float64Array(2 * r + 1);
  let suma = 0;
  for (let t = -r; t <= r; t++) suma += (k[t + r] = Math.exp(-(t * t) / (2 * sigma * sigma)));
  for (let i = 0; i < k.length; i++) k[i] = Math.fround(k[i] / suma);
  const pasada = (entrada, horizontal) => {
    const salida = new Float32Array(H * W);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let s = 0;
        for (let t = -r; t <= r; t++) {
          const yy = horizontal ? y : y + t, xx = horizontal ? x + t : x;
          const v = yy < 0 || yy >= H || xx < 0 || xx >= W ? fondo : entrada[yy * W + xx];
          s += k[t + r] * v;
        }
        salida[y * W + x] = s;
      }
    }
    return salida;
  };
  return pasada(pasada(x, true), false);
}

// Rangos medios (empates con el rango promedio), como scipy.stats.rankdata
function rangos(v) {
  const orden = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < orden.length;) {
    let j = i;
    while (j + 1 < orden.length && v[orden[j + 1]] === v[orden[i]]) j++;
    const medio = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) r[orden[t]] = medio;
    i = j + 1;
  }
  return r;
}

// Correlación de Spearman entre |a| y |b| (NaN si uno de los dos es constante)
export function spearmanAbs(a, b) {
  const ra = rangos(Float64Array.from(a, Math.abs)), rb = rangos(Float64Array.from(b, Math.abs));
  const n = ra.length, media = (n + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i] - media, db = rb[i] - media;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
