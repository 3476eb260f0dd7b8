/* Laboratorio: la DigitCNN del sitio, ejecutada en el navegador sin bibliotecas.
 *
 * modelo.json (generado al construir el sitio por cnnviz.site.lab_export) trae
 * los pesos en Float32 (base64), la normalización y diez dígitos de prueba.
 * La red es la de cnnviz/model.py:
 *   conv1 1→16 5×5 relleno 2 → ReLU → max pool 2 → conv2 16→32 3×3 relleno 1
 *   → ReLU → max pool 2 → aplanar (C, H, W) → fc 1568→10 → softmax
 * Para las pruebas y las medidas se expone window.cnnLab.
 */
(function () {
  "use strict";

  const root = document.getElementById("cnn-lab");
  if (!root) return;
  const scriptUrl = document.currentScript ? document.currentScript.src : document.baseURI;
  const $ = (id) => document.getElementById(id);
  const fmt = (x, digits) => x.toLocaleString("es-ES", {
    minimumFractionDigits: digits, maximumFractionDigits: digits });

  // ---------------------------------------------------------------- datos
  function b64bytes(text) {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function float32s(entry) {
    const bytes = b64bytes(entry.datos);
    const view = new DataView(bytes.buffer);
    const out = new Float32Array(bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }

  // ---------------------------------------------------------------- red
  const S1 = 28, S2 = 14, S3 = 7, C1 = 16, C2 = 32, K1 = 5, K2 = 3, NCLS = 10;

  function makeNet(model) {
    const c = model.capas;
    return {
      w1: float32s(c["conv1.weight"]), b1: float32s(c["conv1.bias"]),
      w2: float32s(c["conv2.weight"]), b2: float32s(c["conv2.bias"]),
      wf: float32s(c["fc.weight"]), bf: float32s(c["fc.bias"]),
      conv1: new Float32Array(C1 * S1 * S1), pool1: new Float32Array(C1 * S2 * S2),
      conv2: new Float32Array(C2 * S2 * S2), pool2: new Float32Array(C2 * S3 * S3),
      logits: new Float64Array(NCLS), probs: new Float64Array(NCLS),
      acc: new Float64Array(S2 * S2),
    };
  }

  // Convolución "same" de un canal (correlación cruzada, como nn.Conv2d),
  // acumulando en acc: acc[y, x] += sum_ky,kx w[ky, kx] * inp[y+ky-p, x+kx-p]
  function convAccumulate(acc, inp, size, w, wOff, k) {
    const pad = (k - 1) >> 1;
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const wv = w[wOff + ky * k + kx];
        if (wv === 0) continue;
        const dy = ky - pad, dx = kx - pad;
        const y0 = Math.max(0, -dy), y1 = Math.min(size, size - dy);
        const x0 = Math.max(0, -dx), x1 = Math.min(size, size - dx);
        for (let y = y0; y < y1; y++) {
          const o = y * size, i = (y + dy) * size + dx;
          for (let x = x0; x < x1; x++) acc[o + x] += wv * inp[i + x];
        }
      }
    }
  }

  function maxPool(out, inp, channels, size) {
    const half = size >> 1;
    for (let c = 0; c < channels; c++) {
      const ib = c * size * size, ob = c * half * half;
      for (let y = 0; y < half; y++) {
        for (let x = 0; x < half; x++) {
          const i = ib + 2 * y * size + 2 * x;
          out[ob + y * half + x] = Math.max(inp[i], inp[i + 1], inp[i + size], inp[i + size + 1]);
        }
      }
    }
  }

  // x: Float32Array(784) ya normalizado. Rellena net.conv1 … net.probs.
  function forward(net, x) {
    const acc1 = new Float64Array(S1 * S1);
    for (let oc = 0; oc < C1; oc++) {
      acc1.fill(net.b1[oc]);
      convAccumulate(acc1, x, S1, net.w1, oc * K1 * K1, K1);
      const base = oc * S1 * S1;
      for (let i = 0; i < S1 * S1; i++) net.conv1[base + i] = acc1[i] > 0 ? acc1[i] : 0;
    }
    maxPool(net.pool1, net.conv1, C1, S1);
    const acc = net.acc, plane = S2 * S2;
    for (let oc = 0; oc < C2; oc++) {
      acc.fill(net.b2[oc]);
      for (let ic = 0; ic < C1; ic++) {
        convAccumulate(acc, net.pool1.subarray(ic * plane, (ic + 1) * plane), S2,
                       net.w2, (oc * C1 + ic) * K2 * K2, K2);
      }
      const base = oc * plane;
      for (let i = 0; i < plane; i++) net.conv2[base + i] = acc[i] > 0 ? acc[i] : 0;
    }
    maxPool(net.pool2, net.conv2, C2, S2);
    const n = net.pool2.length;
    let top = -Infinity;
    for (let k = 0; k < NCLS; k++) {
      let s = net.bf[k];
      const row = k * n;
      for (let i = 0; i < n; i++) s += net.wf[row + i] * net.pool2[i];
      net.logits[k] = s;
      if (s > top) top = s;
    }
    let total = 0;
    for (let k = 0; k < NCLS; k++) total += (net.probs[k] = Math.exp(net.logits[k] - top));
    for (let k = 0; k < NCLS; k++) net.probs[k] /= total;
    return net.probs;
  }

  // ---------------------------------------------------------------- preparar el dibujo
  // Como MNIST: la tinta se encaja en 20×20 sin deformarla y se centra en
  // 28×28 por su centro de masas. Devuelve píxeles en [0, 1].
  function prepareDrawing(ctx, size) {
    const data = ctx.getImageData(0, 0, size, size).data;
    const ink = new Float32Array(size * size);
    let x0 = size, y0 = size, x1 = -1, y1 = -1;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = data[4 * (y * size + x)] / 255;
        ink[y * size + x] = v;
        if (v > 0.02) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    const raw = new Float32Array(S1 * S1);
    if (x1 < 0) return raw;   // lienzo vacío
    const w = x1 - x0 + 1, h = y1 - y0 + 1;
    const scale = 20 / Math.max(w, h);
    const tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
    // Cada píxel de destino promedia 8×8 muestras del rectángulo de origen que cubre
    const SUB = 8;
    const small = new Float32Array(tw * th);
    let mass = 0, mx = 0, my = 0;
    for (let j = 0; j < th; j++) {
      for (let i = 0; i < tw; i++) {
        let s = 0;
        for (let sy = 0; sy < SUB; sy++) {
          const py = Math.min(size - 1, Math.floor(y0 + (j + (sy + 0.5) / SUB) / scale));
          for (let sx = 0; sx < SUB; sx++) {
            const px = Math.min(size - 1, Math.floor(x0 + (i + (sx + 0.5) / SUB) / scale));
            s += ink[py * size + px];
          }
        }
        const v = s / (SUB * SUB);
        small[j * tw + i] = v;
        mass += v; mx += v * i; my += v * j;
      }
    }
    if (mass <= 0) return raw;
    const ox = Math.round((S1 - 1) / 2 - mx / mass);
    const oy = Math.round((S1 - 1) / 2 - my / mass);
    for (let j = 0; j < th; j++) {
      const y = j + oy;
      if (y < 0 || y >= S1) continue;
      for (let i = 0; i < tw; i++) {
        const x = i + ox;
        if (x >= 0 && x < S1) raw[y * S1 + x] = small[j * tw + i];
      }
    }
    return raw;
  }

  // ---------------------------------------------------------------- colores
  function ramp(stops) {
    const lut = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
      const t = i / 255 * (stops.length - 1);
      const k = Math.min(stops.length - 2, Math.floor(t)), f = t - k;
      for (let c = 0; c < 3; c++) lut[3 * i + c] = stops[k][c] + f * (stops[k + 1][c] - stops[k][c]);
    }
    return lut;
  }
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  // viridis (0 = morado oscuro, máximo = amarillo) y rojo-azul divergente
  const VIRIDIS = ramp(["#440154", "#482878", "#3e4989", "#31688e", "#26828e",
                        "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"].map(hex));
  const DIVERGING = ramp(["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7",
                          "#fddbc7", "#ef8a62", "#b2182b"].map(hex));

  function paint(canvas, values, offset, w, h, toIndex, lut) {
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < w * h; i++) {
      const li = toIndex(values[offset + i]);
      if (li < 0) continue;   // transparente
      img.data[4 * i] = lut[3 * li];
      img.data[4 * i + 1] = lut[3 * li + 1];
      img.data[4 * i + 2] = lut[3 * li + 2];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  const GRAY = ramp([[0, 0, 0], [255, 255, 255]]);
  const level = (v, max) => Math.max(0, Math.min(255, Math.round(v / max * 255)));

  // ---------------------------------------------------------------- estado y dibujo
  const LAYERS = {
    conv1: { size: S1, count: C1, title: "conv1", post: "tras ReLU" },
    pool1: { size: S2, count: C1, title: "pool1", post: "tras max pooling" },
    conv2: { size: S2, count: C2, title: "conv2", post: "tras ReLU" },
    pool2: { size: S3, count: C2, title: "pool2", post: "tras max pooling" },
  };
  const state = { net: null, model: null, raw: new Float32Array(S1 * S1), input: null,
                  selected: { layer: "conv1", index: 0 },
                  pinned: { layer: "conv1", index: 0 }, source: "", pending: 0 };
  const pad = $("lab-pad"), padCtx = pad.getContext("2d", { willReadFrequently: true });
  const PAD = pad.width;

  function clearPad() {
    padCtx.fillStyle = "#000";
    padCtx.fillRect(0, 0, PAD, PAD);
  }

  function buildMaps() {
    for (const [name, layer] of Object.entries(LAYERS)) {
      const holder = $("lab-" + name);
      layer.canvases = [];
      for (let i = 0; i < layer.count; i++) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "lab-map";
        button.setAttribute("aria-label", `${layer.title}, mapa ${i + 1}: ver su filtro`);
        button.setAttribute("aria-pressed", "false");
        button.title = `${layer.title} · mapa ${i + 1}`;
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = layer.size;
        canvas.setAttribute("aria-hidden", "true");
        button.appendChild(canvas);
        // Con el ratón encima se ve su filtro; clic, toque o foco lo fijan
        const pin = () => select(name, i, true);
        button.addEventListener("pointerenter", (e) => { if (e.pointerType === "mouse") select(name, i, false); });
        button.addEventListener("focus", pin);
        button.addEventListener("click", pin);
        holder.appendChild(button);
        layer.canvases.push(canvas);
      }
    }
  }

  function buildBars() {
    const list = $("lab-bars");
    state.bars = [];
    for (let k = 0; k < NCLS; k++) {
      const li = document.createElement("li");
      li.innerHTML = `<span class="lab-bar-label">${k}</span>` +
        `<span class="lab-bar" aria-hidden="true"><span></span></span>` +
        `<span class="lab-bar-value"></span>`;
      list.appendChild(li);
      state.bars.push({ li, fill: li.querySelector(".lab-bar > span"),
                        value: li.querySelector(".lab-bar-value") });
    }
  }

  function layerMax(values) {
    let m = 0;
    for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
    return m > 0 ? m : 1;
  }

  function render() {
    const net = state.net;
    paint($("lab-input"), state.raw, 0, S1, S1, (v) => level(v, 1), GRAY);
    for (const [name, layer] of Object.entries(LAYERS)) {
      const values = net[name], plane = layer.size * layer.size, max = layerMax(values);
      layer.max = max;
      layer.canvases.forEach((canvas, i) =>
        paint(canvas, values, i * plane, layer.size, layer.size, (v) => level(v, max), VIRIDIS));
    }
    let best = 0;
    for (let k = 1; k < NCLS; k++) if (net.probs[k] > net.probs[best]) best = k;
    state.bars.forEach((bar, k) => {
      const p = net.probs[k];
      bar.fill.style.width = (100 * p).toFixed(2) + "%";
      bar.value.textContent = fmt(100 * p, 1) + " %";
      bar.li.classList.toggle("is-pred", k === best);
      bar.li.setAttribute("aria-label", `${k}: ${fmt(100 * p, 1)} %`);
    });
    const empty = !state.raw.some((v) => v > 0);
    $("lab-pred").textContent = empty
      ? `Lienzo vacío. Aun así la red elige el ${best} (${fmt(100 * net.probs[best], 1)} %).`
      : `La red dice: ${best} (${fmt(100 * net.probs[best], 1)} %)${state.source}`;
    const probs = Array.from(net.probs);
    root.dataset.probabilities = JSON.stringify(probs);
    root.dataset.prediction = String(best);
    api.lastProbabilities = probs;
    api.lastPrediction = best;
    api.lastInput = Array.from(state.input);
    api.updates += 1;
    renderDetail();
  }

  function renderDetail() {
    const { layer: name, index } = state.selected;
    const layer = LAYERS[name], net = state.net;
    const conv = name === "pool1" ? "conv1" : name === "pool2" ? "conv2" : name;
    const mapCanvas = $("lab-detail-map"), kernel = $("lab-detail-kernel");
    mapCanvas.width = mapCanvas.height = layer.size;
    const plane = layer.size * layer.size;
    paint(mapCanvas, net[name], index * plane, layer.size, layer.size,
          (v) => level(v, layer.max), VIRIDIS);
    mapCanvas.setAttribute("aria-label", `Mapa ${index + 1} de ${name} ${layer.post}, ampliado`);
    let text, bias, weights, kcap;
    if (conv === "conv1") {
      weights = net.w1.subarray(index * 25, index * 25 + 25);
      bias = net.b1[index];
      kernel.width = kernel.height = K1;
      const m = absMax(weights);
      paint(kernel, weights, 0, K1, K1, (v) => level(v + m, 2 * m), DIVERGING);
      kcap = "kernel 5×5";
      text = `conv1: ReLU(entrada ⋆ kernel 5×5 + sesgo). Sesgo ${fmt(bias, 3)}; ` +
             `pesos de ${fmt(min(weights), 3)} a ${fmt(max(weights), 3)}.`;
    } else {
      // 16 kernels de 3×3 en una cuadrícula de 4×4 con un píxel de separación
      weights = net.w2.subarray(index * C1 * 9, (index + 1) * C1 * 9);
      bias = net.b2[index];
      const cell = K2 + 1, side = 4 * cell - 1, grid = new Float32Array(side * side).fill(NaN);
      for (let ic = 0; ic < C1; ic++) {
        const gx = (ic % 4) * cell, gy = Math.floor(ic / 4) * cell;
        for (let ky = 0; ky < K2; ky++) {
          for (let kx = 0; kx < K2; kx++) grid[(gy + ky) * side + gx + kx] = weights[ic * 9 + ky * 3 + kx];
        }
      }
      kernel.width = kernel.height = side;
      const m = absMax(weights);
      paint(kernel, grid, 0, side, side, (v) => (Number.isNaN(v) ? -1 : level(v + m, 2 * m)), DIVERGING);
      kcap = "16 kernels 3×3";
      text = `conv2: ReLU(suma de 16 convoluciones + sesgo), un kernel 3×3 por mapa de ` +
             `pool1 en orden de lectura. Sesgo ${fmt(bias, 3)}; ` +
             `pesos de ${fmt(min(weights), 3)} a ${fmt(max(weights), 3)}.`;
    }
    if (name !== conv) {
      text = `${name}: máximo de cada ventana 2×2 del mapa ${index + 1} de ${conv}, ` +
             `sin pesos propios. ` + text;
    }
    $("lab-detail-title").textContent = `${name} · mapa ${index + 1}`;
    $("lab-detail-kcap").textContent = kcap;
    kernel.setAttribute("aria-label", `${kcap} de ${conv} que producen el mapa ${index + 1}; ` +
                        "azul negativo, rojo positivo, blanco cero");
    $("lab-detail-text").textContent = text;
  }

  const absMax = (a) => { let m = 1e-12; for (const v of a) m = Math.max(m, Math.abs(v)); return m; };
  const min = (a) => a.reduce((x, y) => Math.min(x, y), Infinity);
  const max = (a) => a.reduce((x, y) => Math.max(x, y), -Infinity);

  function select(name, index, pin) {
    const button = (sel) => LAYERS[sel.layer].canvases[sel.index].parentNode;
    if (pin) {
      button(state.pinned).setAttribute("aria-pressed", "false");
      state.pinned = { layer: name, index };
      button(state.pinned).setAttribute("aria-pressed", "true");
    }
    button(state.selected).classList.remove("is-shown");
    state.selected = { layer: name, index };
    button(state.selected).classList.add("is-shown");
    if (state.net) renderDetail();
  }

  // Normaliza píxeles en [0, 1] y ejecuta la red
  function run(raw) {
    const { media, desv } = state.model;
    state.raw = raw;
    const x = state.input || (state.input = new Float32Array(S1 * S1));
    for (let i = 0; i < x.length; i++) x[i] = (raw[i] - media) / desv;
    forward(state.net, x);
    render();
  }

  function update() {
    state.pending = 0;
    run(prepareDrawing(padCtx, PAD));
  }

  function schedule() {
    if (!state.pending) state.pending = requestAnimationFrame(update);
  }

  function digitPixels(entry) {
    const bytes = b64bytes(entry.pixeles);
    const raw = new Float32Array(S1 * S1);
    for (let i = 0; i < raw.length; i++) raw[i] = bytes[i] / 255;
    return raw;
  }

  // Un dígito de prueba: entra tal cual (ya está centrado como MNIST) y se pinta en el lienzo
  function loadTestDigit(position) {
    const entry = state.model.digitos[position];
    const raw = digitPixels(entry);
    const small = document.createElement("canvas");
    small.width = small.height = S1;
    paint(small, raw, 0, S1, S1, (v) => level(v, 1), GRAY);
    clearPad();
    padCtx.imageSmoothingEnabled = true;
    padCtx.drawImage(small, 0, 0, PAD, PAD);
    state.source = ` · dígito de prueba n.º ${entry.indice} (es un ${entry.etiqueta})`;
    $("lab-digit").value = String(position);
    run(raw);
  }

  function setupPad() {
    let last = null;
    const point = (e) => {
      const r = pad.getBoundingClientRect();
      return [(e.clientX - r.left) * PAD / r.width, (e.clientY - r.top) * PAD / r.height];
    };
    const stroke = (from, to) => {
      padCtx.strokeStyle = "#fff";
      padCtx.lineWidth = PAD / 14;
      padCtx.lineCap = padCtx.lineJoin = "round";
      padCtx.beginPath();
      padCtx.moveTo(from[0], from[1]);
      padCtx.lineTo(to[0], to[1]);
      padCtx.stroke();
    };
    pad.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 && e.pointerType === "mouse") return;
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      $("lab-pred").setAttribute("aria-live", "off");   // no anunciar cada trazo
      last = point(e);
      padCtx.fillStyle = "#fff";
      padCtx.beginPath();
      padCtx.arc(last[0], last[1], PAD / 28, 0, 2 * Math.PI);
      padCtx.fill();
      if (state.source) { state.source = ""; $("lab-digit").value = ""; }
      schedule();
    });
    pad.addEventListener("pointermove", (e) => {
      if (!last) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const ev of (events.length ? events : [e])) {
        const p = point(ev);
        stroke(last, p);
        last = p;
      }
      schedule();
    });
    const end = () => {
      if (!last) return;
      last = null;
      $("lab-pred").setAttribute("aria-live", "polite");   // anunciar el resultado final
      schedule();
    };
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    $("lab-clear").addEventListener("click", () => {
      clearPad();
      state.source = "";
      $("lab-digit").value = "";
      run(new Float32Array(S1 * S1));
    });
    $("lab-digit").addEventListener("change", (e) => {
      if (e.target.value !== "") loadTestDigit(Number(e.target.value));
    });
  }

  // ---------------------------------------------------------------- medidas
  function median(values) {
    const s = values.slice().sort((a, b) => a - b);
    return s[s.length >> 1];
  }

  // Tiempos en ms (mediana): solo la pasada hacia delante, y la actualización
  // completa (preparar el dibujo + red + dibujar mapas y barras)
  function benchmark(runs) {
    runs = runs || 200;
    const x = Float32Array.from(state.input);
    const fwd = [], full = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      forward(state.net, x);
      fwd.push(performance.now() - t0);
    }
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      update();
      full.push(performance.now() - t0);
    }
    // performance.now() tiene una resolución de ~0,1 ms: la media afina
    const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    return { runs, forwardMs: median(fwd), updateMs: median(full),
             forwardMeanMs: mean(fwd), updateMeanMs: mean(full) };
  }

  const api = window.cnnLab = {
    ready: false, updates: 0, lastProbabilities: null, lastPrediction: null, lastInput: null,
    loadTestDigit: (i) => loadTestDigit(i),
    benchmark,
    forward: (x) => Array.from(forward(state.net, Float32Array.from(x))),
    prepareDrawing: () => Array.from(prepareDrawing(padCtx, PAD)),
  };

  // ---------------------------------------------------------------- arranque
  async function start() {
    const status = $("lab-status");
    let model;
    try {
      const response = await fetch(new URL(root.dataset.model || "modelo.json", scriptUrl));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      model = await response.json();
    } catch (err) {
      status.textContent = `No se pudo cargar el modelo (${err.message}).`;
      root.setAttribute("aria-busy", "false");
      throw err;
    }
    state.model = model;
    state.net = makeNet(model);
    api.model = { clave: model.clave, media: model.media, desv: model.desv,
                  digitos: model.digitos.map((d) => ({ indice: d.indice, etiqueta: d.etiqueta })) };
    const selectEl = $("lab-digit");
    model.digitos.forEach((d, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = `un ${d.etiqueta} (n.º ${d.indice})`;
      selectEl.appendChild(option);
    });
    buildMaps();
    buildBars();
    setupPad();
    select("conv1", 0, true);
    // Al salir de los mapas vuelve el filtro fijado
    document.querySelector(".lab-layers").addEventListener("pointerleave", (e) => {
      if (e.pointerType === "mouse") select(state.pinned.layer, state.pinned.index, false);
    });
    $("lab-input-note").textContent =
      `28×28 píxeles; la red recibe (x − ${fmt(model.media, 4)}) / ${fmt(model.desv, 4)}.`;
    $("lab-meta").textContent = `Pesos ${model.clave}, exactitud en el conjunto de prueba ` +
      `${fmt(100 * model.exactitud, 1)} %.`;
    clearPad();
    const seven = model.digitos.findIndex((d) => d.etiqueta === 7);
    loadTestDigit(seven >= 0 ? seven : 0);
    status.textContent = "";
    status.hidden = true;
    root.setAttribute("aria-busy", "false");
    root.dataset.ready = "true";
    api.ready = true;
  }

  start();
})();
