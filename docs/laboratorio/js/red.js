// La red, construida a partir de la arquitectura exportada (modelo.json):
// una lista de capas conv, relu, maxpool, flatten y linear con sus formas.
// Sabe hacer la pasada hacia delante y la pasada hacia atrás (el gradiente de
// una puntuación respecto a la entrada o a la salida de cualquier capa).
import * as T from "./tensores.js";

export class Red {
  // arquitectura: capas de modelo.json; pesos: nombre -> Float32Array; entrada: [C, H, W]
  constructor(arquitectura, pesos, entrada) {
    this.entrada = entrada;
    this.capas = [];
    let forma = entrada;
    for (const capa of arquitectura) {
      const c = { ...capa, formaEntrada: forma, formaSalida: capa.salida };
      if (capa.pesos) { c.w = pesos[capa.pesos]; c.b = pesos[capa.sesgo]; }
      this.capas.push(c);
      forma = capa.salida;
    }
    this.indice = Object.fromEntries(this.capas.map((c, i) => [c.nombre, i]));
  }

  // Pasada hacia delante. Devuelve el estado: salidas[i] es la salida de la
  // capa i (salidas[-1] no existe: la entrada es `x`); logits al final.
  adelante(x) {
    const salidas = [], indices = [];
    let h = x;
    for (const c of this.capas) {
      let pool = null;
      if (c.tipo === "conv") {
        h = T.conv2d(h, c.formaEntrada, c.w, c.b, c.salida[0], c.kernel, c.relleno);
      } else if (c.tipo === "relu") {
        h = T.relu(h);
      } else if (c.tipo === "maxpool") {
        pool = T.maxPool(h, c.formaEntrada, c.ventana);
        h = pool.salida;
      } else if (c.tipo === "linear") {
        h = T.lineal(h, c.w, c.b, c.salida[0]);
      }   // flatten: los mismos números en el mismo orden
      salidas.push(h);
      indices.push(pool && pool.indices);
    }
    return { x, salidas, indices, logits: h };
  }

  // Los logits de una entrada `x` que solo difiere de `estado.x` en la zona
  // [y0, y1) × [x0, x1): cada capa recalcula solo la parte de su salida que
  // depende de esa zona (que crece con cada kernel y se encoge con cada pooling)
  // y copia el resto de `estado`.
  logitsZona(estado, x, zona) {
    let h = x, [y0, y1, x0, x1] = zona, local = true;
    this.capas.forEach((c, i) => {
      const base = estado.salidas[i];
      if (!local || c.tipo === "linear" || c.tipo === "flatten") {
        local = false;
        if (c.tipo === "linear") h = T.lineal(h, c.w, c.b, c.salida[0]);
        else if (c.tipo !== "flatten") throw new Error(`capa «${c.nombre}» tras aplanar`);
        return;
      }
      const [C, H, W] = c.salida;
      if (c.tipo === "conv") {
        const a = c.kernel - 1 - c.relleno, b = c.relleno;
        [y0, y1, x0, x1] = [Math.max(0, y0 - a), Math.min(H, y1 + b), Math.max(0, x0 - a), Math.min(W, x1 + b)];
        h = T.conv2dZona(h, c.formaEntrada, c.w, c.b, C, c.kernel, c.relleno, [y0, y1, x0, x1], base);
        return;
      }
      const salida = Float32Array.from(base), [, He, We] = c.formaEntrada;
      if (c.tipo === "maxpool") {
        const v = c.ventana;
        [y0, y1, x0, x1] = [Math.floor(y0 / v), Math.min(H, Math.ceil(y1 / v)), Math.floor(x0 / v), Math.min(W, Math.ceil(x1 / v))];
        for (let ch = 0; ch < C; ch++) {
          for (let y = y0; y < y1; y++) {
            for (let xx = x0; xx < x1; xx++) {
              let m = -Infinity;
              for (let dy = 0; dy < v; dy++) {
                for (let dx = 0; dx < v; dx++) m = Math.max(m, h[(ch * He + y * v + dy) * We + xx * v + dx]);
              }
              salida[(ch * H + y) * W + xx] = m;
            }
          }
        }
      } else {   // relu
        for (let ch = 0; ch < C; ch++) {
          for (let y = y0; y < y1; y++) {
            for (let xx = x0; xx < x1; xx++) {
              const j = (ch * H + y) * W + xx;
              salida[j] = h[j] > 0 ? h[j] : 0;
            }
          }
        }
      }
      h = salida;
    });
    return h;
  }

  // Pasada hacia atrás desde `grad` (gradiente respecto a los logits) hasta la
  // salida de la capa `hasta` (−1: hasta la entrada). `guiada`: ReLU guiadas.
  atras(estado, grad, hasta = -1, guiada = false) {
    let g = grad;
    for (let i = this.capas.length - 1; i > hasta; i--) {
      const c = this.capas[i];
      const anterior = i > 0 ? estado.salidas[i - 1] : estado.x;
      if (c.tipo === "linear") {
        g = T.linealAtras(g, c.w, anterior.length);
      } else if (c.tipo === "maxpool") {
        g = T.maxPoolAtras(g, estado.indices[i], anterior.length);
      } else if (c.tipo === "relu") {
        g = T.reluAtras(g, anterior, guiada);
      } else if (c.tipo === "conv") {
        g = T.conv2dAtras(g, c.formaEntrada, c.w, c.salida[0], c.kernel, c.relleno);
      }
    }
    return g;
  }

  // Gradiente de la puntuación (logit) de la clase `clase`
  gradiente(x, clase, hasta = -1, guiada = false) {
    const estado = this.adelante(x);
    const uno = new Float32Array(estado.logits.length);
    uno[clase] = 1;
    return { estado, grad: this.atras(estado, uno, hasta, guiada) };
  }
}
